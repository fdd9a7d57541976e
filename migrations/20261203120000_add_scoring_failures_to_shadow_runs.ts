import type { Knex } from 'knex';

// A shadow run's failures to score: counted on the run, with the last reason, so the admin page, a
// metric and the admin audit trail show them (the live score is never affected).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('shadow_runs', (t) => {
    t.integer('scoring_failures').notNullable().defaultTo(0).comment('live transactions the candidate could not score (the live score went on)');
    t.text('last_failure').comment('why the last one could not be scored');
    t.timestamp('last_failure_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('shadow_runs', (t) => {
    t.dropColumn('last_failure_at');
    t.dropColumn('last_failure');
    t.dropColumn('scoring_failures');
  });
}
