// Demo data: the merchant blacklist, one user per role, and a warehouse with realistic history.
// History older than the go-live point is backfilled as already-processed (the bank's past, used
// for customer profiles and model training); the rest waits in the warehouse for extraction.
import type { Db } from '../../db/connection';
import { TRANSACTION_COLUMNS } from '../../db/transactionRows';
import { BLACKLISTED_MERCHANTS, generateHistory, type WarehouseRow } from '../../warehouse/generator';
import { seedDemoUsers } from '../../api/users/service';

export const DEMO_SEED = 20261125;

export interface SeedSummary {
  users: number;
  blacklisted: number;
  warehouseRows: number;
  backfilled: number;
  pendingExtraction: number;
}

export async function seedBlacklist(db: Db): Promise<number> {
  await db('merchant_blacklist')
    .insert(BLACKLISTED_MERCHANTS.map((m) => ({ merchant_id: m.merchantId, merchant_name: m.merchantName, reason: m.reason, added_by: 'system:seed' })))
    .onConflict('merchant_id')
    .ignore();
  return BLACKLISTED_MERCHANTS.length;
}

/** Seeds once: a warehouse that already has rows is left alone. */
export async function seedDemo(db: Db, opts: { customers: number; days: number; now: Date; liveHours: number; sourceName: string }): Promise<SeedSummary> {
  const users = (await seedDemoUsers(db)).length;
  const blacklisted = await seedBlacklist(db);
  const existing = await db('transaction_history').count<{ count: string }[]>('* as count');
  if (Number(existing[0]!.count) > 0) return { users, blacklisted, warehouseRows: 0, backfilled: 0, pendingExtraction: 0 };

  const rows: WarehouseRow[] = generateHistory({ seed: DEMO_SEED, customers: opts.customers, days: opts.days, endAt: opts.now.toISOString() });
  const goLive = opts.now.getTime() - opts.liveHours * 3_600_000;
  let lastBackfilledId = 0;
  let backfilled = 0;
  await db.transaction(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const inserted = await trx('transaction_history').insert(chunk).returning<{ id: number; transaction_ref: string; occurred_at: Date }[]>(['id', 'transaction_ref', 'occurred_at']);
      const past = chunk.filter((r) => Date.parse(r.occurred_at) < goLive);
      if (past.length) {
        await trx('transactions').insert(
          past.map((r) => ({ ...Object.fromEntries(TRANSACTION_COLUMNS.map((f) => [f, r[f]])), source: 'backfill', status: 'approved', workflow_id: null })),
        );
        backfilled += past.length;
        const byRef = new Map(inserted.map((x) => [x.transaction_ref, x.id]));
        for (const r of past) lastBackfilledId = Math.max(lastBackfilledId, byRef.get(r.transaction_ref)!);
      }
    }
    // Rows are generated in time order, so everything up to the last backfilled id is history.
    await trx('extraction_watermarks').insert({ source: opts.sourceName, cursor_value: String(lastBackfilledId), cursor_ref: '', rows_extracted: 0 }).onConflict('source').ignore();
  });
  return { users, blacklisted, warehouseRows: rows.length, backfilled, pendingExtraction: rows.length - backfilled };
}
