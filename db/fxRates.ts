// The bank's stored exchange rates (fx_rates): the rate that values a transaction in KES. Shared by
// ingestion (the API and warehouse extraction refuse a transaction without one) and scoring.
import type { Knex } from 'knex';
import { localDate, type FxRate } from '../risk';

export interface FxLookup {
  /** the bank's time zone: a transaction's date is its local date there */
  timeZone: string;
  /** how many days before the transaction's date the latest published rate may be (weekends, holidays) */
  maxAgeDays: number;
}

/** The latest rate published on or before the transaction's local date, within maxAgeDays; null if none. */
export async function findKesRate(db: Knex, currency: string, occurredAt: string, lookup: FxLookup): Promise<FxRate | null> {
  const day = localDate(occurredAt, lookup.timeZone);
  const row = await db('fx_rates')
    .where({ currency: currency.trim().toUpperCase() })
    .andWhere('rate_date', '<=', day)
    .andWhereRaw('rate_date >= cast(? as date) - cast(? as integer)', [day, lookup.maxAgeDays])
    .orderBy('rate_date', 'desc')
    .first<{ currency: string; rate_date: string; kes_per_unit: string; source: string | null } | undefined>(
      'currency',
      db.raw(`to_char(rate_date, 'YYYY-MM-DD') as rate_date`),
      db.raw('kes_per_unit::text as kes_per_unit'),
      'source',
    );
  return row ? { currency: row.currency, rateDate: row.rate_date, kesPerUnit: row.kes_per_unit, source: row.source } : null;
}

/** Why a transaction cannot be valued in KES, in words for the refusal. */
export function missingRateReason(currency: string, occurredAt: string, lookup: FxLookup): string {
  const day = localDate(occurredAt, lookup.timeZone);
  return `no KES exchange rate for ${currency} on ${day} or the ${lookup.maxAgeDays} day(s) before it in fx_rates: the amount cannot be valued in KES`;
}
