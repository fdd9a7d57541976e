// Sign-in and session tokens: HS256 JWTs (jose) carrying the username as `sub` and the role.
import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Knex } from 'knex';
import { ROLES, type Role } from '../../workflows/lifecycle/definitions';
import type { AuthUser } from '../context';
import { findUser, hashPassword, verifyPassword } from '../users/service';

const ISSUER = 'kinga';
const AUDIENCE = 'kinga-api';

export interface Session {
  token: string;
  user: AuthUser;
  expiresAt: string;
}

export interface TokenClaims {
  username: string;
  role: Role;
  /** the token's id (jti): what a logout revokes */
  tokenId: string;
  expiresAt: Date;
  /** the user's session generation when it was issued (0 for tokens issued before generations) */
  generation: number;
}

/** A signed-in user, with the session generation their token is issued in. */
export type AuthenticatedUser = AuthUser & { sessionGeneration: number };

// A hash of a random password nobody knows: unknown usernames are verified against it, so a
// failed sign-in costs the same time whether or not the user exists.
let dummyHash: Promise<string> | undefined;
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummyHash;
}

/** The user when username and password match an active user, else null (never says which part was wrong). */
export async function authenticate(db: Knex, username: string, password: string): Promise<AuthenticatedUser | null> {
  const user = await findUser(db, username);
  if (!user) {
    await verifyPassword(await dummyPasswordHash(), password);
    return null;
  }
  const ok = await verifyPassword(user.passwordHash, password);
  if (!ok || !user.active) return null;
  return { username: user.username, displayName: user.displayName, role: user.role, sessionGeneration: user.sessionGeneration };
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function issueToken(user: AuthenticatedUser, secret: string, ttlMs: number, now = Date.now()): Promise<Session> {
  const exp = Math.floor((now + ttlMs) / 1000);
  const token = await new SignJWT({ role: user.role, gen: user.sessionGeneration })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.username)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key(secret));
  return { token, user: { username: user.username, displayName: user.displayName, role: user.role }, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The claims of a valid, unexpired token signed with `secret`, else null. */
export async function verifyToken(token: string, secret: string): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
    // Without an id a token could not be revoked by a logout: not a session token of ours.
    if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return null;
    const generation = payload.gen ?? 0;
    if (typeof generation !== 'number' || !Number.isSafeInteger(generation)) return null;
    return { username: payload.sub, role: role as Role, tokenId: payload.jti, expiresAt: new Date(payload.exp * 1000), generation };
  } catch {
    return null;
  }
}
