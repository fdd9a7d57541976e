// Reading what the portfolio models judge: transaction activity aggregated in PostgreSQL (per
// customer and 24-hour bucket, so the models see thousands of rows, not millions), and the
// liquidity and FX inputs the bank fills in, at their latest date that is recent enough.
import type { Knex } from 'knex';
import type { CashFlow, CreditPolicy, CustomerDayActivity, FxPosition, FxRate, HqlaHolding, HqlaLevel } from '../../risk/portfolio';

/** The calendar date of `iso` in `timeZone`, as YYYY-MM-DD. */
export function localDate(iso: string, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** `date` minus whole days, as YYYY-MM-DD. */
export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export async function readActivity(db: Knex, asOf: string, policy: CreditPolicy): Promise<CustomerDayActivity[]> {
  const days = Math.max(policy.windowDays, policy.recentDays + policy.baselineDays);
  const result = await db.raw<{ rows: { customer_id: string; day_index: number; count: number; volume: string; large_count: number; high_value_count: number }[] }>(
    `select customer_id,
            floor(extract(epoch from (cast(:asOf as timestamptz) - occurred_at)) / 86400)::int as day_index,
            count(*)::int as count,
            sum(amount)::text as volume,
            (count(*) filter (where amount > cast(:large as numeric)))::int as large_count,
            (count(*) filter (where amount > cast(:high as numeric)))::int as high_value_count
       from transactions
      where occurred_at > cast(:asOf as timestamptz) - make_interval(days => :days)
        and occurred_at <= cast(:asOf as timestamptz)
      group by 1, 2`,
    { asOf, days, large: policy.largeAmount, high: policy.highValueAmount },
  );
  return result.rows.map((r) => ({
    customerId: r.customer_id,
    dayIndex: r.day_index,
    count: r.count,
    volume: r.volume,
    largeCount: r.large_count,
    highValueCount: r.high_value_count,
  }));
}

/** The latest date ≤ asOfDate with both HQLA holdings and cash-flow forecasts, if not older than `oldest`. */
export async function readLiquidity(db: Knex, asOfDate: string, oldest: string): Promise<{ asOfDate: string; holdings: HqlaHolding[]; flows: CashFlow[] } | null> {
  const latest = await db.raw<{ rows: { d: string | null }[] }>(
    `select max(h.as_of_date)::text as d
       from hqla_holdings h
      where h.as_of_date <= cast(:asOfDate as date)
        and h.as_of_date >= cast(:oldest as date)
        and exists (select 1 from cash_flow_forecasts c where c.as_of_date = h.as_of_date)`,
    { asOfDate, oldest },
  );
  const date = latest.rows[0]?.d;
  if (!date) return null;
  const [holdings, flows] = await Promise.all([
    db('hqla_holdings')
      .where({ as_of_date: date })
      .orderBy('asset_ref')
      .select<{ asset_ref: string; level: HqlaLevel; market_value: string; haircut: string | null }[]>('asset_ref', 'level', 'market_value', 'haircut'),
    db('cash_flow_forecasts')
      .where({ as_of_date: date })
      .orderBy(['direction', 'category'])
      .select<{ category: string; direction: 'outflow' | 'inflow'; balance: string; rate: string }[]>('category', 'direction', 'balance', 'rate'),
  ]);
  return {
    asOfDate: date,
    holdings: holdings.map((h) => ({ assetRef: h.asset_ref, level: h.level, marketValue: String(h.market_value), haircut: h.haircut === null ? null : String(h.haircut) })),
    flows: flows.map((f) => ({ category: f.category, direction: f.direction, balance: String(f.balance), rate: String(f.rate) })),
  };
}

/**
 * The latest positions (date ≤ asOfDate, not older than `oldest`) and, for their currencies, the
 * last `rateDays` rates up to asOfDate (the VaR window and a longer history for the stress).
 */
export async function readMarket(db: Knex, asOfDate: string, oldest: string, rateDays: number): Promise<{ asOfDate: string; positions: FxPosition[]; rates: FxRate[] } | null> {
  const latest = await db('fx_positions')
    .where('as_of_date', '<=', asOfDate)
    .andWhere('as_of_date', '>=', oldest)
    .max<{ d: string | null }>({ d: db.raw('as_of_date::text') })
    .first();
  const date = latest?.d;
  if (!date) return null;
  const positions = await db('fx_positions')
    .where({ as_of_date: date })
    .orderBy(['currency', 'book'])
    .select<{ currency: string; amount: string }[]>('currency', 'amount');
  const currencies = [...new Set(positions.map((p) => p.currency.trim()))];
  const rates = currencies.length
    ? (
        await db.raw<{ rows: { currency: string; date: string; rate: string }[] }>(
          `select currency, rate_date::text as date, kes_per_unit::text as rate
             from (select currency, rate_date, kes_per_unit,
                          row_number() over (partition by currency order by rate_date desc) as n
                     from fx_rates
                    where rate_date <= cast(:asOfDate as date) and currency::text = any(cast(:currencies as text[]))) recent
            where n <= :rateDays
            order by currency, rate_date`,
          // a PostgreSQL array literal: knex would spread a JS array into a list (codes are [A-Z]{3} by constraint)
          { asOfDate, currencies: `{${currencies.join(',')}}`, rateDays },
        )
      ).rows
    : [];
  return {
    asOfDate: date,
    positions: positions.map((p) => ({ currency: p.currency.trim(), amount: String(p.amount) })),
    rates: rates.map((r) => ({ currency: r.currency.trim(), date: r.date, rate: r.rate })),
  };
}
