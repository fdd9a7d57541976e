import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('extraction_watermarks', (t) => {
    t.text('source').primary();
    t.text('cursor_value').notNullable().comment('last extracted cursor (ordered with cursor_ref)');
    t.text('cursor_ref').notNullable().defaultTo('');
    t.bigInteger('rows_extracted').notNullable().defaultTo(0);
    t.text('last_run_id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`comment on table extraction_watermarks is 'How far each warehouse source has been read: rows after it are new'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('extraction_watermarks');
}
