// Users who sign in to Kinga. Passwords are hashed with argon2id; the hash is never returned.
import argon2 from 'argon2';
import type { Knex } from 'knex';
import { ROLES, type Role } from '../../workflows/lifecycle/definitions';
import type { AuthUser } from '../context';

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  active: boolean;
  session_generation: number;
}

export interface StoredUser extends AuthUser {
  id: number;
  active: boolean;
  passwordHash: string;
  /** the generation of sessions still valid (a token of an older one is refused) */
  sessionGeneration: number;
}

function fromRow(row: UserRow): StoredUser {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, active: row.active, passwordHash: row.password_hash, sessionGeneration: row.session_generation };
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

/** Whether a session of `generation` still stands for `user`: the account exists, is active, and its password was not reset since. */
export function sessionIsCurrent(user: StoredUser | null, generation: number): user is StoredUser {
  return user !== null && user.active && user.sessionGeneration === generation;
}

export async function findUser(db: Knex, username: string): Promise<StoredUser | null> {
  const row = await db<UserRow>('users').where({ username }).first();
  return row ? fromRow(row) : null;
}

/**
 * Creates the user, or updates name, password, role and re-activates it when the username exists —
 * so seeding the demo users twice is harmless.
 */
export async function createUser(db: Knex, user: NewUser): Promise<AuthUser> {
  if (!(ROLES as readonly string[]).includes(user.role)) throw new Error(`unknown role "${user.role}"`);
  if (!user.username.trim() || !user.password) throw new Error('username and password are required');
  const passwordHash = await hashPassword(user.password);
  const [row] = await db('users')
    .insert({ username: user.username, display_name: user.displayName, password_hash: passwordHash, role: user.role, active: true })
    .onConflict('username')
    .merge(['display_name', 'password_hash', 'role', 'active'])
    .returning<UserRow[]>(['id', 'username', 'display_name', 'password_hash', 'role', 'active', 'session_generation']);
  const { username, displayName, role } = fromRow(row!);
  return { username, displayName, role };
}

/**
 * One demo user per role (and a second analyst, for four-eyes). Demo only: the passwords are
 * public in the README, so never seed these into a real deployment.
 */
export const DEMO_USERS: readonly NewUser[] = [
  { username: 'amina', displayName: 'Amina Wanjiru', role: 'analyst', password: 'kinga-analyst' },
  { username: 'juma', displayName: 'Juma Ochieng', role: 'analyst', password: 'kinga-analyst' },
  { username: 'baraka', displayName: 'Baraka Otieno', role: 'senior_analyst', password: 'kinga-senior-analyst' },
  { username: 'chebet', displayName: 'Chebet Kiprono', role: 'compliance', password: 'kinga-compliance' },
  { username: 'daudi', displayName: 'Daudi Mwangi', role: 'admin', password: 'kinga-admin' },
];

export async function seedDemoUsers(db: Knex): Promise<AuthUser[]> {
  const out: AuthUser[] = [];
  for (const user of DEMO_USERS) out.push(await createUser(db, user));
  return out;
}
