import type { Knex } from 'knex';

// Shadow runs: a candidate rule-set version scores live traffic beside the live version for a
// period, inside the scoring activity, and its result is recorded — never acted on.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('shadow_runs', (t) => {
    t.uuid('id').primary({ constraintName: 'shadow_runs_pkey' });
    t.integer('candidate_rule_set_version').notNullable().comment('the rule-set version scored in shadow');
    t.text('status').notNullable().defaultTo('running');
    t.text('note');
    t.text('started_by').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('ends_at', { useTz: true }).comment('it stops by itself then; null = until stopped');
    t.text('stopped_by');
    t.timestamp('stopped_at', { useTz: true });
    t.check(`status in ('running', 'stopped')`, [], 'shadow_runs_status_check');
  });
  await knex.raw(`comment on table shadow_runs is 'Candidate rule sets scoring live traffic in shadow (recorded, never acted on)'`);
  await knex.schema.createTable('shadow_results', (t) => {
    t.uuid('shadow_run_id').notNullable().references('id').inTable('shadow_runs').onDelete('CASCADE').withKeyName('shadow_results_shadow_run_fkey');
    t.text('transaction_ref').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.integer('points').notNullable().comment("the candidate's points before Tazama (its verdict arrives later and is weighed in the comparison)");
    t.text('level').notNullable().comment('the level from those points');
    t.specificType('hits', 'text[]').notNullable();
    t.timestamp('scored_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['shadow_run_id', 'transaction_ref'], { constraintName: 'shadow_results_pkey' });
  });
  await knex.raw(`comment on table shadow_results is 'Each live transaction scored by a shadow run''s candidate, beside its live score'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('shadow_results');
  await knex.schema.dropTable('shadow_runs');
}
