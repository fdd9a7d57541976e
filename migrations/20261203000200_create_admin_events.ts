import type { Knex } from 'knex';
import { APP_ROLE } from './20261126000500_restrict_audit_privileges';

// The audit trail of administration: users created, passwords reset, roles changed, accounts
// disabled, rule sets proposed, approved and rejected. Append-only like case_events (trigger and
// privileges), so who changed the bank's rules and users can never be rewritten.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('subject_type').notNullable().comment('user, rule_set, backtest, shadow_run');
    t.text('subject_id').notNullable().comment('the username, rule-set version, ... the event is about');
    t.text('event_type').notNullable();
    t.text('actor').notNullable().comment('username, or system:<component>');
    t.text('actor_role');
    t.text('note');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['subject_type', 'subject_id', 'id'], 'admin_events_subject_idx');
  });
  await knex.raw(`comment on table admin_events is 'Append-only audit trail of administration (users, rule sets) with the actor of every step'`);
  await knex.raw(`
    create function admin_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'admin_events is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end;
    $$`);
  await knex.raw(`create trigger admin_events_no_update_delete before update or delete on admin_events
    for each row execute function admin_events_append_only()`);
  await knex.raw(`create trigger admin_events_no_truncate before truncate on admin_events
    for each statement execute function admin_events_append_only()`);
  await knex.raw('revoke update, delete, truncate on table admin_events from PUBLIC');
  const role = await knex.raw<{ rows: unknown[] }>('select 1 from pg_roles where rolname = ?', [APP_ROLE]).catch(() => ({ rows: [] }));
  if (role.rows.length > 0) {
    await knex.raw('revoke update, delete, truncate on table admin_events from ??', [APP_ROLE]);
    await knex.raw('grant select, insert on table admin_events to ??', [APP_ROLE]);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_events');
  await knex.raw('drop function if exists admin_events_append_only()');
}
