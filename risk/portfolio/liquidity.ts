// Liquidity coverage ratio (Basel III, LCR standard of January 2013):
//   LCR = stock of HQLA / total net cash outflows over the next 30 calendar days
//   HQLA = Level 1 + Level 2A + Level 2B, each after its haircut, less the adjustments that cap
//          Level 2B at 15% and Level 2 at 40% of the stock (annex 1 of the standard)
//   net outflows = outflows − min(inflows, 75% of outflows)
// All in integer cents. Rounding always goes against the bank: haircut values and inflows round
// down, outflows round up, cap allowances round down.
import { divCeil, divFloor, formatCents, max, min, ratio, toCents, toUnits, type Ratio } from './decimal';
import { judge } from './judge';
import type { CashFlow, HqlaHolding, HqlaLevel, LiquidityPolicy, PortfolioMetric } from './types';

/** Fractions (haircuts, run-off and inflow rates) are exact to 1/10 000. */
const RATE_SCALE = 4;
const RATE_ONE = 10n ** BigInt(RATE_SCALE);

export interface HqlaStock {
  level1: bigint;
  level2a: bigint;
  level2b: bigint;
  /** the 15% cap on Level 2B */
  capAdjustment15: bigint;
  /** the 40% cap on Level 2 */
  capAdjustment40: bigint;
  total: bigint;
}

export interface NetOutflows {
  outflows: bigint;
  inflows: bigint;
  /** min(inflows, cap × outflows) */
  inflowsCounted: bigint;
  net: bigint;
}

/** Value after haircut, in cents, rounded down. */
export function afterHaircut(holding: HqlaHolding, policy: Pick<LiquidityPolicy, 'haircuts'>): bigint {
  const haircut = toUnits(holding.haircut ?? policy.haircuts[holding.level], RATE_SCALE, `haircut of ${holding.assetRef}`);
  if (haircut < 0n || haircut > RATE_ONE) throw new Error(`haircut of ${holding.assetRef} must be between 0 and 1`);
  const value = toCents(holding.marketValue, `market value of ${holding.assetRef}`);
  if (value < 0n) throw new Error(`market value of ${holding.assetRef} is negative`);
  return divFloor(value * (RATE_ONE - haircut), RATE_ONE);
}

export function hqlaStock(holdings: HqlaHolding[], policy: Pick<LiquidityPolicy, 'haircuts'>): HqlaStock {
  const sums: Record<HqlaLevel, bigint> = { '1': 0n, '2A': 0n, '2B': 0n };
  for (const h of holdings) sums[h.level] += afterHaircut(h, policy);
  const l1 = sums['1'];
  const l2a = sums['2A'];
  const l2b = sums['2B'];
  // Level 2B may be at most 15/85 of (L1 + L2A) and at most 15/60 of L1.
  const adj15 = max(l2b - divFloor(15n * (l1 + l2a), 85n), l2b - divFloor(15n * l1, 60n), 0n);
  // Level 2 (what is left of it) may be at most 2/3 of L1.
  const adj40 = max(l2a + l2b - adj15 - divFloor(2n * l1, 3n), 0n);
  return { level1: l1, level2a: l2a, level2b: l2b, capAdjustment15: adj15, capAdjustment40: adj40, total: l1 + l2a + l2b - adj15 - adj40 };
}

export function netCashOutflows(flows: CashFlow[], policy: Pick<LiquidityPolicy, 'inflowCap'>): NetOutflows {
  let outflows = 0n;
  let inflows = 0n;
  for (const f of flows) {
    const balance = toCents(f.balance, `balance of ${f.category}`);
    const rate = toUnits(f.rate, RATE_SCALE, `rate of ${f.category}`);
    if (balance < 0n || rate < 0n || rate > RATE_ONE) throw new Error(`${f.category}: balance must be ≥ 0 and rate between 0 and 1`);
    if (f.direction === 'outflow') outflows += divCeil(balance * rate, RATE_ONE);
    else inflows += divFloor(balance * rate, RATE_ONE);
  }
  const cap = toUnits(policy.inflowCap, RATE_SCALE, 'inflow cap');
  const inflowsCounted = min(inflows, divFloor(outflows * cap, RATE_ONE));
  return { outflows, inflows, inflowsCounted, net: outflows - inflowsCounted };
}

export interface LiquidityResult {
  stock: HqlaStock;
  flows: NetOutflows;
  /** null when there are no net outflows (the ratio is unbounded) */
  lcr: Ratio | null;
  metric: PortfolioMetric | null;
}

/** The LCR metric. No inputs at all → no metric (nothing to judge). */
export function liquidityCoverage(holdings: HqlaHolding[], flows: CashFlow[], policy: LiquidityPolicy, asOfDate: string | null = null): LiquidityResult {
  const stock = hqlaStock(holdings, policy);
  const net = netCashOutflows(flows, policy);
  if (net.net <= 0n) return { stock, flows: net, lcr: null, metric: null };
  const lcr = ratio(stock.total, net.net);
  const status = judge(lcr, { threshold: policy.floor, critical: policy.warningBand }, 'below');
  const metric: PortfolioMetric = {
    model: 'liquidity',
    metric: 'liquidity_coverage_ratio',
    scope: 'book',
    value: formatLcr(lcr),
    threshold: policy.floor,
    status,
    details: {
      unit: 'ratio',
      description: 'Liquidity coverage ratio: high-quality liquid assets ÷ net cash outflows over 30 days (Basel III)',
      breachWhen: 'below',
      critical: policy.warningBand,
      asOfDate,
      hqla: {
        level1: formatCents(stock.level1),
        level2a: formatCents(stock.level2a),
        level2b: formatCents(stock.level2b),
        capAdjustment15: formatCents(stock.capAdjustment15),
        capAdjustment40: formatCents(stock.capAdjustment40),
        total: formatCents(stock.total),
        holdings: holdings.length,
      },
      cashFlows: {
        outflows: formatCents(net.outflows),
        inflows: formatCents(net.inflows),
        inflowsCounted: formatCents(net.inflowsCounted),
        netOutflows: formatCents(net.net),
        lines: flows.length,
      },
    },
  };
  return { stock, flows: net, lcr, metric };
}

/** LCR as a decimal string with 6 places, truncated so that 0.9999996 never prints as 1.000000. */
function formatLcr(r: Ratio): string {
  const units = divFloor(r.num * 1_000_000n, r.den);
  const s = units.toString().padStart(7, '0');
  return `${s.slice(0, -6)}.${s.slice(-6)}`;
}
