import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { Role } from '../../workflows/lifecycle/definitions';
import { isRevoked } from '../auth/revocation';
import { verifyToken, type TokenClaims } from '../auth/service';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { findUser } from '../users/service';

// These read neither params, query nor body, so they fit any route's (validated) request types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRouteHandler = RequestHandler<any, any, any, any>;

/**
 * Requires `Authorization: Bearer <jwt>`. The user is re-read from the database on every request,
 * so a deactivated user or a changed role takes effect at once rather than when the token expires;
 * a token revoked by a logout is refused by every API process (revoked_tokens), and so is a token
 * issued before the account's password was reset or the account disabled (its session generation).
 */
export function requireAuth(deps: { db: Knex; jwtSecret: string }): AnyRouteHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError('a bearer token is required (POST /api/auth/login)');
    const claims = await verifyToken(match[1]!, deps.jwtSecret);
    if (!claims) throw new UnauthorizedError('the token is invalid or has expired');
    const [user, revoked] = await Promise.all([findUser(deps.db, claims.username), isRevoked(deps.db, claims.tokenId)]);
    if (revoked) throw new UnauthorizedError('the token was revoked by a logout');
    if (!user || !user.active) throw new UnauthorizedError('the token is invalid or has expired');
    if (claims.generation !== user.sessionGeneration) throw new UnauthorizedError('the session ended when the password was reset or the account disabled: sign in again');
    req.user = { username: user.username, displayName: user.displayName, role: user.role };
    sessions.set(req, claims);
    req.log?.setBindings({ user: user.username });
    next();
  };
}

const sessions = new WeakMap<object, TokenClaims>();

/** The verified claims of the request's session token (after requireAuth), for logout. */
export function sessionOf(req: object): TokenClaims | undefined {
  return sessions.get(req);
}

/** Must follow requireAuth. */
export function requireRole(...roles: Role[]): AnyRouteHandler {
  return (req, _res, next) => {
    const user = req.user;
    if (!user) throw new UnauthorizedError();
    if (!roles.includes(user.role)) {
      throw new ForbiddenError(`role ${user.role} may not do this: it needs ${roles.join(' or ')}`);
    }
    next();
  };
}
