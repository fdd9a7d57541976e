import type { Knex } from 'knex';

// Ballerine's back office knows its users by e-mail: a decision taken there is attributed to the
// Kinga user with that e-mail (or with it as username).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('email').comment('work e-mail; matches the user of the Ballerine back office (case-insensitive)');
  });
  await knex.raw('create unique index users_email_unique on users (lower(email)) where email is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists users_email_unique');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('email');
  });
}
