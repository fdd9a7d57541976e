import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('event_key').notNullable().unique({ indexName: 'risk_events_event_key_unique' });
    t.text('category').notNullable().comment('fraud, credit, liquidity, market, operational');
    t.text('severity').notNullable();
    t.text('title').notNullable();
    t.text('description').notNullable();
    t.text('transaction_ref');
    t.bigInteger('risk_metric_id').references('id').inTable('risk_metrics').withKeyName('risk_events_metric_fk');
    t.text('external_ref').comment('id of the matching entry in the enterprise risk register');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at'], 'risk_events_created_idx');
  });
  await knex.raw(`comment on table risk_events is 'Operational and portfolio risk events: blocked fraud, threshold breaches'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('risk_events');
}
