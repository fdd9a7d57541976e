import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.text('username').notNullable().unique({ indexName: 'users_username_unique' });
    t.text('display_name').notNullable();
    t.text('password_hash').notNullable().comment('argon2id hash; the password itself is never stored');
    t.text('role').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`role in ('analyst', 'senior_analyst', 'compliance', 'admin')`, [], 'users_role_check');
  });
  await knex.raw(`comment on table users is 'People who sign in to Kinga, with their role'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
