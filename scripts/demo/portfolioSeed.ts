// Demo inputs of the portfolio models, as a bank's treasury would fill them: today's HQLA holdings
// and 30-day stressed cash flows (liquidity), today's FX positions and two years of business-day
// rates (market). By default the liquidity is a little short (LCR about 89%) so that the demo shows
// the whole breach → risk register → notification flow; `liquidity: 'healthy'` gives about 144%.
// Seeds once per date: rows that exist are left alone.
import type { Db } from '../../db/connection';
import { createRng, deriveSeed } from '../../risk/random';

export interface PortfolioSeedOptions {
  now: Date;
  /** the bank's time zone: the date the inputs are reported for (default Africa/Nairobi) */
  timeZone?: string;
  liquidity?: 'breach' | 'healthy';
  /** business days of rates (default 520: the VaR window of 250 twice, and some) */
  rateDays?: number;
  seed?: number;
}

export interface PortfolioSeedSummary {
  date: string;
  holdings: number;
  cashFlows: number;
  positions: number;
  rates: number;
}

const BN = 1_000_000_000;

/** KES amounts in whole shillings → decimal strings (no float arithmetic on money). */
const kes = (shillings: number) => `${Math.round(shillings)}.00`;

export async function seedPortfolioInputs(db: Db, opts: PortfolioSeedOptions): Promise<PortfolioSeedSummary> {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: opts.timeZone ?? 'Africa/Nairobi', year: 'numeric', month: '2-digit', day: '2-digit' }).format(opts.now);
  const short = (opts.liquidity ?? 'breach') === 'breach';

  const holdings = [
    { asset_ref: 'CBK-CRR', description: 'Cash reserve at the Central Bank of Kenya', level: '1', market_value: kes((short ? 2.4 : 4.2) * BN) },
    { asset_ref: 'KE-TBILL-364', description: 'Government of Kenya 364-day Treasury bills', level: '1', market_value: kes((short ? 1.9 : 3.1) * BN) },
    { asset_ref: 'KE-IFB-2032', description: 'Government of Kenya infrastructure bond', level: '1', market_value: kes((short ? 1.2 : 2.5) * BN) },
    { asset_ref: 'KE-CORP-AA', description: 'AA-rated corporate bonds', level: '2A', market_value: kes(1.2 * BN) },
    { asset_ref: 'NSE-EQ-BLUE', description: 'NSE blue-chip equities', level: '2B', market_value: kes(0.9 * BN) },
  ].map((h) => ({ ...h, as_of_date: date }));

  const flows = [
    { direction: 'outflow', category: 'retail deposits, stable', balance: 60 * BN, rate: '0.05' },
    { direction: 'outflow', category: 'retail deposits, less stable', balance: 25 * BN, rate: '0.10' },
    { direction: 'outflow', category: 'unsecured wholesale, operational', balance: 12 * BN, rate: '0.25' },
    { direction: 'outflow', category: 'unsecured wholesale, non-operational', balance: 8 * BN, rate: '0.40' },
    { direction: 'outflow', category: 'committed credit facilities', balance: 6 * BN, rate: '0.10' },
    { direction: 'inflow', category: 'performing loans maturing', balance: 4 * BN, rate: '0.50' },
    { direction: 'inflow', category: 'interbank placements maturing', balance: 2.5 * BN, rate: '1' },
  ].map((f) => ({ ...f, balance: kes(f.balance), as_of_date: date }));

  const positions = [
    { currency: 'USD', book: 'treasury', amount: '18500000.00' },
    { currency: 'EUR', book: 'treasury', amount: '-4200000.00' },
    { currency: 'GBP', book: 'trade finance', amount: '2100000.00' },
  ].map((p) => ({ ...p, as_of_date: date }));

  // A seeded random walk per currency, ending today, in micro-KES so that every rate is exact.
  const base: Record<string, number> = { USD: 129_450_000, EUR: 140_230_000, GBP: 163_810_000 };
  const dailyVol: Record<string, number> = { USD: 0.0035, EUR: 0.0055, GBP: 0.006 };
  const days: string[] = [];
  for (let d = new Date(`${date}T00:00:00Z`); days.length < (opts.rateDays ?? 520); d = new Date(d.getTime() - 86_400_000)) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) days.unshift(d.toISOString().slice(0, 10));
  }
  const rates: { currency: string; rate_date: string; kes_per_unit: string; source: string }[] = [];
  for (const currency of Object.keys(base)) {
    const rng = createRng(deriveSeed(opts.seed ?? 20261126, 'fx', currency));
    let micro = base[currency]!;
    const path: number[] = [];
    for (let i = 0; i < days.length; i++) {
      // sum of uniforms ≈ normal; an occasional jump gives the tail a VaR should see
      const z = (rng.next() + rng.next() + rng.next() + rng.next() - 2) * Math.sqrt(3);
      const jump = rng.next() < 0.01 ? (rng.next() < 0.5 ? -1 : 1) * 4 : 0;
      micro = Math.max(1, Math.round(micro * (1 + dailyVol[currency]! * (z + jump))));
      path.push(micro);
    }
    // anchor the walk so that today's rate is the base rate
    const shift = base[currency]! - path[path.length - 1]!;
    path.forEach((m, i) => {
      const units = Math.max(1, m + shift);
      rates.push({ currency, rate_date: days[i]!, kes_per_unit: `${Math.floor(units / 1e6)}.${String(units % 1e6).padStart(6, '0')}`, source: 'demo: seeded random walk' });
    });
  }

  await db.transaction(async (trx) => {
    await trx('hqla_holdings').insert(holdings).onConflict(['as_of_date', 'asset_ref']).ignore();
    await trx('cash_flow_forecasts').insert(flows).onConflict(['as_of_date', 'direction', 'category']).ignore();
    await trx('fx_positions').insert(positions).onConflict(['as_of_date', 'currency', 'book']).ignore();
    for (let i = 0; i < rates.length; i += 500) {
      await trx('fx_rates').insert(rates.slice(i, i + 500)).onConflict(['currency', 'rate_date']).ignore();
    }
  });
  return { date, holdings: holdings.length, cashFlows: flows.length, positions: positions.length, rates: rates.length };
}
