import type { Knex } from 'knex';

// The data-warehouse stand-in. A bank points Kinga at its own warehouse instead; this table only
// exists so that the system runs, and is measured, on realistic generated data.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('transaction_history', (t) => {
    t.bigIncrements('id').primary().comment('monotonic load order: the extraction cursor');
    t.text('transaction_ref').notNullable().unique({ indexName: 'transaction_history_ref_unique' });
    t.text('customer_id').notNullable();
    t.text('account_id').notNullable();
    t.decimal('amount', 18, 2).notNullable().comment('KES');
    t.string('currency', 3).notNullable().defaultTo('KES');
    t.text('txn_type').notNullable();
    t.text('channel').notNullable();
    t.text('merchant_id');
    t.text('merchant_name');
    t.text('city').notNullable();
    t.string('country', 2).notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.boolean('is_fraud').notNullable().defaultTo(false).comment('label from the generator, for measuring models only');
    t.text('fraud_pattern').comment('which injected pattern, when is_fraud');
    t.timestamp('loaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id', 'occurred_at'], 'transaction_history_customer_time_idx');
    t.index(['occurred_at'], 'transaction_history_time_idx');
  });
  await knex.raw(`comment on table transaction_history is 'Warehouse stand-in: raw transactions as the bank records them'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('transaction_history');
}
