import type { Knex } from 'knex';

// The audit trail. Rows are only ever inserted: a trigger refuses UPDATE, DELETE and TRUNCATE for
// every role, so not even the application can rewrite how a decision was reached.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('event_key').notNullable().unique({ indexName: 'case_events_event_key_unique' }).comment('idempotency key: workflow id + step');
    t.text('transaction_ref').notNullable();
    t.bigInteger('case_id').references('id').inTable('analyst_cases').withKeyName('case_events_case_fk');
    t.text('event_type').notNullable();
    t.text('actor').notNullable().comment('username, or system:<component>');
    t.text('actor_role');
    t.text('note');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['transaction_ref', 'id'], 'case_events_transaction_idx');
    t.index(['case_id', 'id'], 'case_events_case_idx');
  });
  await knex.raw(`comment on table case_events is 'Append-only audit trail: every step and decision with its actor'`);
  await knex.raw(`
    create function case_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'case_events is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end;
    $$`);
  await knex.raw(`create trigger case_events_no_update_delete before update or delete on case_events
    for each row execute function case_events_append_only()`);
  await knex.raw(`create trigger case_events_no_truncate before truncate on case_events
    for each statement execute function case_events_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('case_events');
  await knex.raw('drop function if exists case_events_append_only()');
}
