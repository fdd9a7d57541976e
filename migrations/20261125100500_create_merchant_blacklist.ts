import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('merchant_blacklist', (t) => {
    t.text('merchant_id').primary();
    t.text('merchant_name').notNullable();
    t.text('reason').notNullable();
    t.text('added_by').notNullable();
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`comment on table merchant_blacklist is 'Explicit merchants the bank refuses to trust (no substring matching)'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('merchant_blacklist');
}
