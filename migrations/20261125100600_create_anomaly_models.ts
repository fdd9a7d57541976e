import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('anomaly_models', (t) => {
    t.increments('version').primary();
    t.text('engine').notNullable().comment('e.g. kinga-iforest/1');
    t.jsonb('params').notNullable().comment('trees, sample size, seed, feature names');
    t.jsonb('model').notNullable().comment('the serialized forest');
    t.integer('training_rows').notNullable();
    t.timestamp('training_from', { useTz: true });
    t.timestamp('training_to', { useTz: true });
    t.jsonb('metrics').notNullable().defaultTo('{}');
    t.text('trained_by').notNullable().comment('workflow id of the training run');
    t.timestamp('trained_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['trained_by'], { indexName: 'anomaly_models_trained_by_unique' });
  });
  await knex.raw(`comment on table anomaly_models is 'Versioned isolation-forest models; the highest version is the active one'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('anomaly_models');
}
