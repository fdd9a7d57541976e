import type { Knex } from 'knex';

// Failed sign-ins per username, for the progressive lockout. In PostgreSQL rather than in memory so
// that spreading guesses over several API processes gains nothing.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_failures', (t) => {
    t.text('username').primary().comment('as typed: unknown usernames lock out the same way, so a lockout reveals nothing');
    t.integer('failures').notNullable().defaultTo(0).comment('consecutive failures since the last success');
    t.timestamp('last_failure_at', { useTz: true }).notNullable();
    t.timestamp('locked_until', { useTz: true }).comment('no sign-in is tried before this time');
  });
  await knex.raw(`comment on table login_failures is 'Consecutive failed sign-ins per username; a success deletes the row'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_failures');
}
