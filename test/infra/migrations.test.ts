// Schema guarantees: migrations go up, all the way down and up again; the audit trail is
// append-only; money is numeric and never passes through a float.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateLatest, migrateRollbackAll, type Db } from '../../db/connection';
import { migrationSource } from '../../migrations';
import { scratchDatabase, testDb, uniqueRef, type ScratchDatabase } from '../helpers';

async function publicTables(db: Db): Promise<string[]> {
  const rows = await db('information_schema.tables').where({ table_schema: 'public', table_type: 'BASE TABLE' }).select('table_name');
  return rows.map((r: { table_name: string }) => r.table_name).sort();
}

describe('migrations', () => {
  let scratch: ScratchDatabase;
  let db: Db;
  beforeAll(async () => {
    scratch = await scratchDatabase('kinga_migrations');
    db = createDb(scratch.url, 2);
  });
  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('go up, roll back completely, and go up again on a fresh database', async () => {
    const all = await migrationSource.getMigrations([]);
    expect(all.length).toBeGreaterThan(0);

    const first = await migrateLatest(db);
    expect(first).toEqual(all);
    const tables = await publicTables(db);
    for (const t of ['transaction_history', 'transactions', 'analyst_cases', 'case_events', 'users']) expect(tables).toContain(t);

    await migrateRollbackAll(db);
    const left = await publicTables(db);
    expect(left.filter((t) => !t.startsWith('knex_migrations'))).toEqual([]);
    const functions = await db.raw(`select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'`);
    expect(functions.rows).toEqual([]);

    const again = await migrateLatest(db);
    expect(again).toEqual(all);
    expect(await publicTables(db)).toEqual(tables);
    expect(await migrateLatest(db)).toEqual([]); // nothing left to apply
  });
});

describe('the case_events audit trail', () => {
  let scratch: ScratchDatabase;
  let db: Db;
  beforeAll(async () => {
    // a database of its own: rows written here can never be deleted again
    scratch = await scratchDatabase('kinga_audit', { migrate: true });
    db = createDb(scratch.url, 2);
  });
  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('accepts INSERT and rejects UPDATE, DELETE and TRUNCATE', async () => {
    const ref = uniqueRef('audit');
    const [row] = await db('case_events')
      .insert({ event_key: `${ref}:created`, transaction_ref: ref, event_type: 'case_created', actor: 'system:test', payload: { a: 1 } })
      .returning(['id', 'note']);
    expect(row.id).toBeGreaterThan(0);

    await expect(db('case_events').where({ id: row.id }).update({ note: 'rewritten' })).rejects.toThrow(/append-only: UPDATE/);
    await expect(db('case_events').where({ id: row.id }).delete()).rejects.toThrow(/append-only: DELETE/);
    await expect(db.raw('truncate case_events')).rejects.toThrow(/append-only: TRUNCATE/);

    const after = await db('case_events').where({ id: row.id }).first();
    expect(after.note).toBeNull();
    expect(after.payload).toEqual({ a: 1 });
  });
});

describe('money', () => {
  const db = testDb(2);
  afterAll(() => db.destroy());

  it('amount columns are numeric', async () => {
    const rows = await db('information_schema.columns')
      .where({ table_schema: 'public', column_name: 'amount' })
      .select('table_name', 'data_type', 'numeric_scale');
    expect(rows.map((r: { table_name: string }) => r.table_name).sort()).toEqual(expect.arrayContaining(['transaction_history', 'transactions']));
    for (const r of rows) {
      expect(r.data_type, `${r.table_name}.amount`).toBe('numeric');
      expect(r.numeric_scale, `${r.table_name}.amount`).toBe(2);
    }
  });

  it('no column of the schema is a float', async () => {
    const floats = await db('information_schema.columns')
      .where({ table_schema: 'public' })
      .whereIn('data_type', ['real', 'double precision'])
      .select('table_name', 'column_name');
    expect(floats).toEqual([]);
  });

  it('12345678901.23 round-trips exactly, as a string', async () => {
    const ref = uniqueRef('money');
    await db('transaction_history').insert({
      transaction_ref: ref,
      customer_id: 'cust-money',
      account_id: 'acc-money',
      amount: '12345678901.23',
      txn_type: 'transfer',
      channel: 'online',
      city: 'Nairobi',
      country: 'KE',
      occurred_at: new Date(),
    });
    const row = await db('transaction_history').where({ transaction_ref: ref }).first('amount');
    expect(row.amount).toBe('12345678901.23');
    const sum = await db('transaction_history').where({ transaction_ref: ref }).sum({ total: db.raw('amount + 0.01') });
    expect(sum[0].total).toBe('12345678901.24');
    await db('transaction_history').where({ transaction_ref: ref }).delete();
  });
});
