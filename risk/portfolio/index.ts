// Portfolio risk models: credit (transaction behaviour), liquidity (LCR) and market (FX VaR).
// Pure and deterministic: the activities read the inputs, these judge them.
import { creditRisk } from './credit';
import { liquidityCoverage } from './liquidity';
import { marketRisk } from './market';
import type { CashFlow, CreditPolicy, CustomerDayActivity, FxPosition, FxRate, HqlaHolding, LiquidityPolicy, MarketPolicy, PortfolioMetric } from './types';

export * from './types';
export * from './breach';
export { judge, metric } from './judge';
export { creditRisk, assessCustomer, summarise, peakRatio, largeShare, velocity, velocityShift, behaviourShift, CUSTOMER_SIGNAL_POINTS } from './credit';
export { liquidityCoverage, hqlaStock, netCashOutflows, afterHaircut } from './liquidity';
export { marketRisk, exposures, historicalVar, stressedLoss, netPositions, varRank } from './market';
export { toCents, toUnits, formatCents, formatUnits, formatRatio, compareRatio, multiplyDecimals, ratio, type Ratio } from './decimal';

export interface PortfolioPolicies {
  credit: CreditPolicy;
  liquidity: LiquidityPolicy;
  market: MarketPolicy;
}

export interface PortfolioInputs {
  /** the activity of the last days, by customer and 24-hour bucket; null when the model is off */
  activity: CustomerDayActivity[] | null;
  /** the latest liquidity inputs; null when there are none recent enough */
  liquidity: { asOfDate: string; holdings: HqlaHolding[]; flows: CashFlow[] } | null;
  market: { asOfDate: string; positions: FxPosition[]; rates: FxRate[] } | null;
}

export interface PortfolioResult {
  metrics: PortfolioMetric[];
  notes: string[];
}

export function computePortfolio(inputs: PortfolioInputs, policies: PortfolioPolicies): PortfolioResult {
  const metrics: PortfolioMetric[] = [];
  const notes: string[] = [];
  if (policies.credit.enabled && inputs.activity) {
    const credit = creditRisk(inputs.activity, policies.credit);
    metrics.push(...credit.metrics);
    notes.push(...credit.notes);
  }
  if (policies.liquidity.enabled) {
    if (!inputs.liquidity) notes.push('liquidity: no recent HQLA holdings and cash-flow forecasts; no LCR');
    else {
      const l = liquidityCoverage(inputs.liquidity.holdings, inputs.liquidity.flows, policies.liquidity, inputs.liquidity.asOfDate);
      if (l.metric) metrics.push(l.metric);
      else notes.push(`liquidity: no net cash outflows on ${inputs.liquidity.asOfDate}; the LCR is unbounded`);
    }
  }
  if (policies.market.enabled) {
    if (!inputs.market) notes.push('market: no recent FX positions; no market risk');
    else {
      const m = marketRisk(inputs.market.positions, inputs.market.rates, policies.market, inputs.market.asOfDate);
      metrics.push(...m.metrics);
      notes.push(...m.notes);
    }
  }
  return { metrics, notes };
}
