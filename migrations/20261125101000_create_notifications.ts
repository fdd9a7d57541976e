import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id').primary();
    t.text('notification_key').notNullable().unique({ indexName: 'notifications_key_unique' });
    t.text('kind').notNullable().comment('sla_escalation, risk_breach, …');
    t.text('recipient_role').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.text('transaction_ref');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.index(['created_at'], 'notifications_created_idx');
  });
  await knex.raw(`comment on table notifications is 'Every notification Kinga raised, whether or not a channel delivered it'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notifications');
}
