import type { Knex } from 'knex';

// What-if backtests: a candidate rule set and/or anomaly model re-scores the recorded inputs of the
// transactions in a date range. One row per backtest (who asked, what, progress, the report), and
// one row per re-scored transaction beside its live result (the lists behind the report's cells).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('backtests', (t) => {
    t.uuid('id').primary({ constraintName: 'backtests_pkey' });
    t.text('status').notNullable().defaultTo('running');
    t.integer('candidate_rule_set_version').comment('the rule-set version tried; null = the live content (a model-only backtest)');
    t.integer('candidate_model_version').comment('the anomaly model tried; null = the model each transaction was scored with');
    t.timestamp('from_at', { useTz: true }).notNullable().comment('transactions that occurred at or after');
    t.timestamp('to_at', { useTz: true }).notNullable().comment('… and before');
    t.text('note');
    t.text('requested_by').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.text('workflow_id').notNullable();
    t.integer('total').comment('recorded inputs in the range when it started');
    t.integer('processed').notNullable().defaultTo(0);
    t.jsonb('report').comment('risk/backtest.ts BacktestReport, once completed');
    t.text('failure');
    t.check(`status in ('running', 'completed', 'cancelled', 'failed')`, [], 'backtests_status_check');
    t.index(['requested_at'], 'backtests_requested_at_idx');
  });
  await knex.raw(`comment on table backtests is 'What-if backtests of a candidate rule set or model over recorded scoring inputs'`);
  await knex.schema.createTable('backtest_results', (t) => {
    t.uuid('backtest_id').notNullable().references('id').inTable('backtests').onDelete('CASCADE').withKeyName('backtest_results_backtest_fkey');
    t.text('transaction_ref').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('day').notNullable().comment("the bank's local date of the transaction");
    t.text('live_level').notNullable();
    t.text('candidate_level').notNullable();
    t.integer('live_points').notNullable();
    t.integer('candidate_points').notNullable();
    t.text('label').comment('fraud or legitimate, where known (warehouse label or an analyst decision)');
    t.specificType('live_hits', 'text[]').notNullable();
    t.specificType('candidate_hits', 'text[]').notNullable();
    t.primary(['backtest_id', 'transaction_ref'], { constraintName: 'backtest_results_pkey' });
    t.index(['backtest_id', 'live_level', 'candidate_level'], 'backtest_results_cell_idx');
  });
  await knex.raw(`comment on table backtest_results is 'Each transaction of a backtest: the live level beside the candidate''s'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backtest_results');
  await knex.schema.dropTable('backtests');
}
