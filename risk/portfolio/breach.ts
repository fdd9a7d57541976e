// From a metric beyond its threshold to a risk-register entry: which breaches are escalated, the
// stable name of each (one register entry per breach, whatever its severity on a given day), and
// its likelihood and impact on CISO Assistant's 5×5 "critical" risk matrix.
//
// Mapping onto the matrix (0-based indexes: 0 Very Low … 4 Very High):
//   impact      = the model's base impact (liquidity 3 High: an LCR under the floor is a regulatory
//                 breach and a funding risk; credit and market 2 Medium), +1 when CRITICAL (max 4)
//   probability = 2 Medium for a WARNING, 3 High for a CRITICAL, 4 Very High when the figure is
//                 50% or more beyond its threshold (the risk is already materialising)
//   level       = the matrix grid[probability][impact], as CISO Assistant computes it
import { compareRatio, parseExact, ratio, abs, type Ratio } from './decimal';
import type { PortfolioMetric, PortfolioModel } from './types';

/** grid[probability][impact] → risk level, of urn:intuitem:risk:matrix:critical_risk_matrix_5x5. */
export const CRITICAL_5X5_GRID: readonly (readonly number[])[] = [
  [0, 0, 1, 1, 2],
  [0, 1, 1, 2, 2],
  [1, 1, 2, 2, 3],
  [1, 2, 2, 3, 4],
  [2, 2, 3, 4, 4],
];
export const MATRIX_LEVEL_NAMES = ['Very Low', 'Low', 'Medium', 'High', 'Very High'] as const;
export const CRITICAL_5X5_MATRIX_URN = 'urn:intuitem:risk:matrix:critical_risk_matrix_5x5';
export const CRITICAL_5X5_LIBRARY_URN = 'urn:intuitem:risk:library:critical_risk_matrix_5x5';

const BASE_IMPACT: Record<PortfolioModel, number> = { liquidity: 3, credit: 2, market: 2 };

export interface BreachRating {
  probability: number;
  impact: number;
  level: number;
  /** e.g. "probability High (CRITICAL), impact Very High (liquidity, CRITICAL) → Very High" */
  rationale: string;
}

/** Breaches that go to the risk register and management: book and currency figures. Single customers stay in risk_metrics. */
export function isEscalated(m: PortfolioMetric): boolean {
  return m.status !== 'OK' && m.threshold !== null && !m.scope.startsWith('customer:');
}

/** |value − threshold| ÷ threshold, exactly; null for a zero threshold. */
export function exceedance(m: Pick<PortfolioMetric, 'value' | 'threshold'>): Ratio | null {
  if (m.threshold === null) return null;
  const v = parseExact(m.value);
  const t = parseExact(m.threshold);
  if (t.units === 0n) return null;
  // (v − t) / t with both over their own powers of ten
  const num = abs(v.units * t.pow - t.units * v.pow);
  const den = abs(t.units * v.pow);
  return ratio(num, den);
}

export function rateBreach(m: PortfolioMetric): BreachRating {
  if (m.status === 'OK') throw new Error(`${m.metric} (${m.scope}) is not a breach`);
  const critical = m.status === 'CRITICAL';
  const impact = Math.min(4, BASE_IMPACT[m.model] + (critical ? 1 : 0));
  const far = exceedance(m);
  const materialising = far !== null && compareRatio(far, '0.5') >= 0;
  const probability = materialising ? 4 : critical ? 3 : 2;
  const level = CRITICAL_5X5_GRID[probability]![impact]!;
  const why = materialising ? 'at least 50% beyond the threshold' : m.status;
  return {
    probability,
    impact,
    level,
    rationale: `probability ${MATRIX_LEVEL_NAMES[probability]} (${why}), impact ${MATRIX_LEVEL_NAMES[impact]} (${m.model}, ${m.status}) → ${MATRIX_LEVEL_NAMES[level]}`,
  };
}

const TITLES: Record<string, string> = {
  liquidity_coverage_ratio: 'LCR below floor',
  fx_var_1d_99: 'FX 1-day 99% VaR above limit',
  fx_net_open_position: 'FX net open position above limit',
  fx_stressed_loss: 'FX stressed loss above limit',
  large_transaction_share: 'large-transaction share above threshold',
  peak_daily_volume_ratio: 'peak daily volume above threshold',
  velocity_shift: 'transaction velocity shift',
  behaviour_shift: 'behaviour shift in daily volume',
  high_value_share_24h: 'high-value transaction volume (24 h)',
  customers_flagged_share: 'customers flagged for credit risk',
  customer_credit_score: 'customer credit score',
};

export function breachTitle(m: Pick<PortfolioMetric, 'metric' | 'details'>): string {
  return TITLES[m.metric] ?? `${m.metric.replace(/_/g, ' ')} ${m.details.breachWhen === 'below' ? 'below' : 'above'} threshold`;
}

function scopeLabel(scope: string): string {
  return scope.replace(/^(currency|customer):/, '');
}

/**
 * The risk scenario's name: one per breach (model, metric, scope), the same on every run and at
 * every severity, so that the same breach twice updates one scenario. No "/" (CISO Assistant
 * refuses it in names) and at most 200 characters.
 */
export function scenarioName(m: Pick<PortfolioMetric, 'metric' | 'scope' | 'details'>): string {
  return `Kinga: ${breachTitle(m)} (${scopeLabel(m.scope)})`.replace(/\//g, '-').slice(0, 200);
}

/** The key of a breach in Kinga's own risk_events: one row per breach per period (a day). */
export function breachEventKey(m: Pick<PortfolioMetric, 'model' | 'metric' | 'scope'>, period: string): string {
  return `portfolio:${m.model}:${m.metric}:${m.scope}:${period}`;
}

/** One line for a manager: "LCR below floor (book): 0.850000 against 1.0 — WARNING". */
export function breachSummary(m: PortfolioMetric): string {
  const side = m.details.breachWhen === 'below' ? 'floor' : 'limit';
  return `${breachTitle(m)} (${scopeLabel(m.scope)}): ${m.value} against the ${side} ${m.threshold} — ${m.status}`;
}

/**
 * The sentence written into a breach's risk scenario when a later run finds the figure back within
 * its threshold: "Recovered as of 2031-01-16T09:00:00.000Z: LCR below floor (book) is over,
 * 1.250000 against the floor 1.000000."
 */
export function recoveryNote(m: Pick<PortfolioMetric, 'metric' | 'scope' | 'value' | 'threshold' | 'details'>, asOf: string): string {
  const side = m.details.breachWhen === 'below' ? 'floor' : 'limit';
  return `Recovered as of ${asOf}: ${breachTitle(m)} (${scopeLabel(m.scope)}) is over, ${m.value} against the ${side} ${m.threshold}.`;
}
