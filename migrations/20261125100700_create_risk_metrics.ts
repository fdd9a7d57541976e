import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_metrics', (t) => {
    t.bigIncrements('id').primary();
    t.text('model').notNullable().comment('credit, liquidity or market');
    t.text('metric').notNullable();
    t.text('scope').notNullable().defaultTo('book').comment('book, or a customer id');
    t.decimal('value', 24, 6).notNullable();
    t.decimal('threshold', 24, 6);
    t.text('status').notNullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('run_id').notNullable();
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['run_id', 'model', 'metric', 'scope'], { indexName: 'risk_metrics_run_unique' });
    t.index(['model', 'metric', 'computed_at'], 'risk_metrics_series_idx');
  });
  await knex.raw(`comment on table risk_metrics is 'Portfolio model results with the threshold they were judged against'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('risk_metrics');
}
