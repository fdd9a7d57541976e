import type { Knex } from 'knex';

// The portfolio credit model reads every transaction of the last weeks by time (not by customer):
// without this index that is a scan of the whole table on every scheduled run.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('transactions', (t) => {
    t.index(['occurred_at'], 'transactions_occurred_at_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('transactions', (t) => {
    t.dropIndex(['occurred_at'], 'transactions_occurred_at_idx');
  });
}
