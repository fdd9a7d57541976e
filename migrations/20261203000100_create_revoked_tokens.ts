import type { Knex } from 'knex';

// Signed-out session tokens. A JWT stays valid until it expires unless something remembers that it
// was revoked; the table is shared by every API process, so a logout holds on all of them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('revoked_tokens', (t) => {
    t.text('token_id').primary().comment("the token's jti");
    t.text('username').notNullable();
    t.timestamp('revoked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable().comment('when the token would have expired anyway; the row may go after it');
    t.index(['expires_at'], 'revoked_tokens_expires_at_idx');
  });
  await knex.raw(`comment on table revoked_tokens is 'Session tokens ended by a logout before their expiry; the auth middleware refuses them'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('revoked_tokens');
}
