import type { Knex } from 'knex';

// Exactly what the scorer saw for each transaction, so a backtest or a shadow comparison re-scores
// the same inputs instead of rebuilding them from tables that have moved on since: the transaction
// as the rules saw it (in KES), the customer profile at that moment, the rule-set version and the
// anomaly model's version and score. Written by the scoring activity, keyed by the transaction.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scoring_inputs', (t) => {
    t.text('transaction_ref').primary({ constraintName: 'scoring_inputs_pkey' }).references('transaction_ref').inTable('transactions').onDelete('CASCADE').withKeyName('scoring_inputs_transaction_fkey');
    t.timestamp('occurred_at', { useTz: true }).notNullable().comment("the transaction's own time (backtests select by it)");
    t.integer('rule_set_version').notNullable().comment('the rule-set version the live score used');
    t.jsonb('transaction').notNullable().comment('the transaction as the rules saw it (amount valued in KES)');
    t.jsonb('profile').notNullable().comment('the customer profile the scorer built from earlier transactions');
    // JSON keeps the model's double exactly (and the schema has no float columns)
    t.jsonb('anomaly').comment('{modelVersion, score} of the anomaly model that scored it; null when none was used');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['occurred_at'], 'scoring_inputs_occurred_at_idx');
  });
  await knex.raw(`comment on table scoring_inputs is 'What the scorer saw for each transaction, recorded for re-scoring (backtests, shadow runs)'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scoring_inputs');
}
