// Users administration: admins create users, reset passwords, change roles and disable accounts.
// Every change is written with its audit row in one database transaction. A disabled account's
// tokens stop working at once because requireAuth re-reads the user on every request; a password
// reset or a disabled account also moves the session generation on, so the sessions issued before
// end (re-enabling the account does not bring them back).
import type { Knex } from 'knex';
import { recordAdminEvent, type AdminActor } from '../../admin/audit';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { hashPassword } from '../users/service';
import type { AdminUserView, CreateUserBody, UpdateUserBody } from './userSchemas';

interface UserRow {
  username: string;
  display_name: string;
  role: AdminUserView['role'];
  active: boolean;
  email: string | null;
  created_at: Date;
}

const COLUMNS = ['username', 'display_name', 'role', 'active', 'email', 'created_at'] as const;

/** The column change that ends every session issued so far (requireAuth refuses an older generation). */
const endSessions = (trx: Knex) => ({ session_generation: trx.raw('session_generation + 1') });

function view(row: UserRow): AdminUserView {
  return {
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    active: row.active,
    email: row.email ?? null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listUsers(db: Knex): Promise<AdminUserView[]> {
  const rows = await db<UserRow>('users').select(...COLUMNS).orderBy('username');
  return rows.map(view);
}

async function lockUser(trx: Knex, username: string): Promise<UserRow> {
  const row = await trx<UserRow>('users').where({ username }).forUpdate().first(...COLUMNS);
  if (!row) throw new NotFoundError(`user ${username} not found`);
  return row;
}

export async function createUserByAdmin(db: Knex, body: CreateUserBody, by: AdminActor): Promise<AdminUserView> {
  const passwordHash = await hashPassword(body.password);
  return db.transaction(async (trx) => {
    const [row] = await trx('users')
      .insert({ username: body.username, display_name: body.displayName, password_hash: passwordHash, role: body.role, active: true, email: body.email ?? null })
      .onConflict('username')
      .ignore()
      .returning<UserRow[]>([...COLUMNS])
      .catch((err: unknown) => {
        // an e-mail names one person (it is how Ballerine's back office finds the user)
        if ((err as { constraint?: string }).constraint === 'users_email_unique') throw new ConflictError(`email: ${body.email} already belongs to another user`, 'email');
        throw err;
      });
    if (!row) throw new ConflictError(`username: ${body.username} already exists`, 'username');
    await recordAdminEvent(trx, { subjectType: 'user', subjectId: body.username, eventType: 'user_created', actor: by, payload: { role: body.role, displayName: body.displayName, email: body.email ?? null } });
    return view(row);
  });
}

export async function updateUserByAdmin(db: Knex, username: string, body: UpdateUserBody, by: AdminActor): Promise<AdminUserView> {
  return db.transaction(async (trx) => {
    const before = await lockUser(trx, username);
    if (username === by.username && body.role !== undefined && body.role !== before.role) {
      throw new ForbiddenError('role: an admin cannot change their own role');
    }
    if (username === by.username && body.active === false) {
      throw new ForbiddenError('active: an admin cannot disable their own account');
    }
    const changes: Partial<UserRow> = {};
    if (body.role !== undefined && body.role !== before.role) changes.role = body.role;
    if (body.active !== undefined && body.active !== before.active) changes.active = body.active;
    if (body.displayName !== undefined && body.displayName !== before.display_name) changes.display_name = body.displayName;
    if (Object.keys(changes).length === 0) return view(before);
    const [after] = await trx('users')
      .where({ username })
      .update({ ...changes, ...(changes.active === false ? endSessions(trx) : {}) })
      .returning<UserRow[]>([...COLUMNS]);
    if (changes.role !== undefined) {
      await recordAdminEvent(trx, { subjectType: 'user', subjectId: username, eventType: 'user_role_changed', actor: by, payload: { from: before.role, to: changes.role } });
    }
    if (changes.active !== undefined) {
      await recordAdminEvent(trx, { subjectType: 'user', subjectId: username, eventType: changes.active ? 'user_enabled' : 'user_disabled', actor: by });
    }
    if (changes.display_name !== undefined) {
      await recordAdminEvent(trx, { subjectType: 'user', subjectId: username, eventType: 'user_renamed', actor: by, payload: { from: before.display_name, to: changes.display_name } });
    }
    return view(after!);
  });
}

export async function resetPasswordByAdmin(db: Knex, username: string, password: string, by: AdminActor): Promise<AdminUserView> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (trx) => {
    await lockUser(trx, username);
    const [after] = await trx('users')
      .where({ username })
      .update({ password_hash: passwordHash, ...endSessions(trx) })
      .returning<UserRow[]>([...COLUMNS]);
    // never the password or its hash in the trail
    await recordAdminEvent(trx, { subjectType: 'user', subjectId: username, eventType: 'user_password_reset', actor: by });
    return view(after!);
  });
}
