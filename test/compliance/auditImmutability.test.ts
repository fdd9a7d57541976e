// The audit trail cannot be altered through the application's database role. A non-superuser
// role is created on the throwaway cluster and given what a careless deployment might give an
// application ("all privileges on all tables"): its UPDATE and DELETE on case_events still fail
// (the trigger), while INSERT works. Then the migration's REVOKE is applied to it, and the same
// statements are refused one step earlier, by the privilege system itself.
// Where no role can be created (the embedded PGlite has one role; a server role without
// CREATEROLE), the current role is used: the trigger still refuses it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db } from '../../db/connection';
import { revokeAuditRewrites, up } from '../../migrations/20261126000500_restrict_audit_privileges';
import { scratchDatabase, uniqueRef, type ScratchDatabase } from '../helpers';

let scratch: ScratchDatabase;
let owner: Db;
let app: Db;
let role: string | null = null;

beforeAll(async () => {
  // a database of its own: rows written here can never be deleted again
  scratch = await scratchDatabase('kinga_audit_role', { migrate: true });
  owner = createDb(scratch.url, 2);
  const canCreateRole = Boolean(
    inject('databaseAdminUrl') &&
      (await owner.raw(`select rolsuper or rolcreaterole as ok from pg_roles where rolname = current_user`)).rows[0]?.ok,
  );
  if (canCreateRole) {
    role = `kinga_app_test_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(18).toString('base64url');
    const database = new URL(scratch.url).pathname.slice(1);
    await owner.raw(`create role ?? login password '${password}' nosuperuser nocreatedb nocreaterole noinherit`, [role]);
    await owner.raw('grant connect on database ?? to ??', [database, role]);
    await owner.raw('grant usage on schema public to ??', [role]);
    await owner.raw('grant select, insert, update, delete, truncate on all tables in schema public to ??', [role]);
    await owner.raw('grant usage on all sequences in schema public to ??', [role]);
    const url = new URL(scratch.url);
    url.username = role;
    url.password = password;
    app = createDb(url.toString(), 2);
  } else {
    app = createDb(scratch.url, 2);
  }
});

afterAll(async () => {
  await app?.destroy();
  await owner?.destroy();
  await scratch?.drop();
  if (role) {
    const admin = createDb(inject('databaseAdminUrl'), 1);
    try {
      await admin.raw('drop role if exists ??', [role]);
    } finally {
      await admin.destroy();
    }
  }
});

async function insertEvent(db: Db, ref: string): Promise<number> {
  const [row] = await db('case_events')
    .insert({ event_key: `${ref}:1`, transaction_ref: ref, event_type: 'approved', actor: 'amina', actor_role: 'analyst', note: 'original' })
    .returning('id');
  return Number(row.id);
}

describe("the audit trail through the application's database role", () => {
  it('connects as a role that is not a superuser (when the harness can create one)', async () => {
    const who = (await app.raw('select current_user as name, (select rolsuper from pg_roles where rolname = current_user) as superuser')).rows[0];
    if (role) expect(who).toEqual({ name: role, superuser: false });
    else expect(who.name).toBeTruthy();
  });

  it('INSERT works; UPDATE and DELETE fail even with table privileges granted', async () => {
    const ref = uniqueRef('immutable');
    const id = await insertEvent(app, ref);
    await expect(app('case_events').where({ id }).update({ note: 'rewritten', actor: 'someone-else' })).rejects.toThrow(/append-only: UPDATE is not allowed/);
    await expect(app('case_events').where({ id }).delete()).rejects.toThrow(/append-only: DELETE is not allowed/);
    await expect(app.raw('truncate case_events')).rejects.toThrow(/append-only: TRUNCATE|permission denied/);
    const row = await owner('case_events').where({ id }).first();
    expect(row).toMatchObject({ note: 'original', actor: 'amina' });
  });

  it("after the migration's REVOKE, the role may not even attempt UPDATE, DELETE or TRUNCATE", async () => {
    await revokeAuditRewrites(owner, role ?? 'PUBLIC');
    const ref = uniqueRef('revoked');
    const id = await insertEvent(app, ref); // still allowed
    if (role) {
      const privileges = (
        await owner.raw(
          `select has_table_privilege(?, 'case_events', 'INSERT') as ins, has_table_privilege(?, 'case_events', 'UPDATE') as upd,
                  has_table_privilege(?, 'case_events', 'DELETE') as del, has_table_privilege(?, 'case_events', 'TRUNCATE') as trunc`,
          [role, role, role, role],
        )
      ).rows[0];
      expect(privileges).toEqual({ ins: true, upd: false, del: false, trunc: false });
      await expect(app('case_events').where({ id }).update({ note: 'rewritten' })).rejects.toThrow(/permission denied for table case_events/);
      await expect(app('case_events').where({ id }).delete()).rejects.toThrow(/permission denied for table case_events/);
      await expect(app.raw('truncate case_events')).rejects.toThrow(/permission denied for table case_events/);
    } else {
      await expect(app('case_events').where({ id }).update({ note: 'rewritten' })).rejects.toThrow(/append-only: UPDATE/);
      await expect(app('case_events').where({ id }).delete()).rejects.toThrow(/append-only: DELETE/);
    }
    expect((await owner('case_events').where({ transaction_ref: ref }).first()).note).toBe('original');
  });

  it('the migration takes UPDATE, DELETE and TRUNCATE from PUBLIC, should anyone have granted them', async () => {
    const publicGrants = async () =>
      ((await owner.raw(`select privilege_type from information_schema.role_table_grants where table_name = 'case_events' and grantee = 'PUBLIC'`)).rows as {
        privilege_type: string;
      }[])
        .map((r) => r.privilege_type)
        .sort();
    expect(await owner('knex_migrations').where({ name: '20261126000500_restrict_audit_privileges' }).first()).toBeDefined();
    await owner.raw('grant select, update, delete, truncate on table case_events to public');
    expect(await publicGrants()).toEqual(['DELETE', 'SELECT', 'TRUNCATE', 'UPDATE']);
    await up(owner);
    expect(await publicGrants()).toEqual(['SELECT']);
  });
});
