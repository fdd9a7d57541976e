import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('transactions', (t) => {
    t.text('transaction_ref').primary();
    t.text('customer_id').notNullable();
    t.text('account_id').notNullable();
    t.decimal('amount', 18, 2).notNullable().comment('KES, exact');
    t.string('currency', 3).notNullable();
    t.text('txn_type').notNullable();
    t.text('channel').notNullable();
    t.text('merchant_id');
    t.text('merchant_name');
    t.text('city').notNullable();
    t.string('country', 2).notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('source').notNullable().comment('warehouse, api, or backfill (history that predates Kinga, used for profiles and training)');
    t.text('status').notNullable().defaultTo('received');
    t.decimal('risk_score', 5, 4);
    t.text('risk_level');
    t.jsonb('score_breakdown').comment('each rule contribution, the anomaly score and the model version');
    t.text('model_version');
    t.text('workflow_id').comment('txn-<ref>; null for history backfilled from before Kinga ran');
    t.text('request_id');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('scored_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.check(`status in ('received', 'approved', 'flagged', 'held', 'blocked')`, [], 'transactions_status_check');
    t.check(`risk_level is null or risk_level in ('low', 'medium', 'high')`, [], 'transactions_risk_level_check');
    t.check(`amount >= 0`, [], 'transactions_amount_check');
    t.index(['customer_id', 'occurred_at'], 'transactions_customer_time_idx');
    t.index(['status'], 'transactions_status_idx');
    t.index(['received_at'], 'transactions_received_at_idx');
  });
  await knex.raw(`comment on table transactions is 'Transactions under Kinga''s control, one lifecycle workflow each'`);
  await knex.raw(`comment on column transactions.status is 'received → approved | flagged (medium, case) | held (high, case) → approved | blocked'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('transactions');
}
