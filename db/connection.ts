import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrationConfig } from '../migrations';

// numeric (money, scores) stays a string: no float ever touches an amount.
// bigint ids (int8) become numbers: they stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Knex;

export function createDb(url: string, poolMax = 10): Db {
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 30_000,
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}

export async function migrateRollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback(migrationConfig, true);
}
