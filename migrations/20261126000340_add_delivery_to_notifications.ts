import type { Knex } from 'knex';

// One notification row per channel, so each delivery is recorded on its own: which channel, how
// many attempts, the last error while it keeps failing, and delivered_at once it went through.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.text('channel').comment('webhook or email; null: raised while no channel was configured');
    t.integer('attempts').notNullable().defaultTo(0).comment('delivery attempts so far');
    t.text('last_error').comment('why the last attempt failed; null once delivered');
    t.timestamp('last_attempt_at', { useTz: true });
    t.check(`channel is null or channel in ('webhook', 'email')`, [], 'notifications_channel_check');
    t.index(['delivered_at', 'created_at'], 'notifications_undelivered_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['delivered_at', 'created_at'], 'notifications_undelivered_idx');
    t.dropChecks(['notifications_channel_check']);
    t.dropColumn('last_attempt_at');
    t.dropColumn('last_error');
    t.dropColumn('attempts');
    t.dropColumn('channel');
  });
}
