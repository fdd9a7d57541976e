import type { Knex } from 'knex';

// Defence in depth for the audit trail. The trigger of 20261125100400 already refuses UPDATE,
// DELETE and TRUNCATE on case_events for every role; here the privileges go too, so a role that
// was granted broad rights ("all tables") still cannot even attempt to rewrite the trail.
// PUBLIC always; the conventional application role kinga_app when it exists (deployments that
// connect as a dedicated role should name it so, see the README's production section).

export const APP_ROLE = 'kinga_app';

/** REVOKE UPDATE, DELETE, TRUNCATE on case_events from `role` (a role name, or PUBLIC). */
export async function revokeAuditRewrites(knex: Knex, role: string): Promise<void> {
  const grantee = role.toUpperCase() === 'PUBLIC' ? 'PUBLIC' : knex.raw('??', [role]).toQuery();
  await knex.raw(`revoke update, delete, truncate on table case_events from ${grantee}`);
}

async function roleExists(knex: Knex, role: string): Promise<boolean> {
  // PGlite (the embedded database) has a catalogue too; the guard is for servers where the
  // catalogue is not readable, in which case there is no role to restrict either.
  try {
    const result = await knex.raw<{ rows: unknown[] }>('select 1 from pg_roles where rolname = ?', [role]);
    return result.rows.length > 0;
  } catch {
    return false;
  }
}

export async function up(knex: Knex): Promise<void> {
  await revokeAuditRewrites(knex, 'PUBLIC');
  if (await roleExists(knex, APP_ROLE)) {
    await revokeAuditRewrites(knex, APP_ROLE);
    await knex.raw('grant select, insert on table case_events to ??', [APP_ROLE]);
  }
  await knex.raw(`comment on table case_events is 'Append-only audit trail: every step and decision with its actor. UPDATE, DELETE and TRUNCATE are refused by trigger and not granted.'`);
}

export async function down(knex: Knex): Promise<void> {
  // Nothing to give back to PUBLIC (it never held these privileges); kinga_app keeps select and
  // insert, which it needs. Only the comment returns to what it was.
  await knex.raw(`comment on table case_events is 'Append-only audit trail: every step and decision with its actor'`);
}
