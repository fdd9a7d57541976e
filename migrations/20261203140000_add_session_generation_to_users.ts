import type { Knex } from 'knex';

// A user's sessions as a generation: every session token carries the generation it was issued in,
// and a password reset or a disabled account moves it on, so every token issued before stops
// working at once, and re-enabling the account does not bring them back.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('session_generation').notNullable().defaultTo(0).comment('moved on by a password reset or a disabled account: older session tokens are refused');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('session_generation');
  });
}
