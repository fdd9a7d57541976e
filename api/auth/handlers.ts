import type { RequestHandler } from 'express';
import type { Counter } from 'prom-client';
import type { ApiDeps } from '../context';
import { HttpError, UnauthorizedError } from '../errors';
import { sessionOf } from '../middleware/auth';
import { clearFailures, lockedUntil, recordFailure } from './lockout';
import { revokeToken } from './revocation';
import type { LoginBody } from './schemas';
import { authenticate, issueToken, type Session } from './service';

export type LoginFailureReason = 'invalid_credentials' | 'locked_out' | 'rate_limited';

export interface AuthDeps extends ApiDeps {
  /** refused sign-ins by reason (observability/metrics); absent → not counted */
  loginFailures?: Counter<'reason'>;
}

/** 429 with Retry-After: too many attempts (for this address, or for this username). */
export class TooManyAttemptsError extends HttpError {
  override name = 'TooManyAttemptsError';
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'too_many_requests', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function authHandlers(deps: AuthDeps) {
  const policy = deps.config.api.loginLockout;

  const login: RequestHandler<Record<string, string>, Session, LoginBody> = async (req, res) => {
    const { username, password } = req.body;
    const locked = await lockedUntil(deps.db, username);
    if (locked) {
      const seconds = Math.max(1, Math.ceil((locked.getTime() - Date.now()) / 1000));
      deps.loginFailures?.inc({ reason: 'locked_out' });
      req.log.warn({ username, ip: req.ip, lockedUntil: locked.toISOString() }, 'sign-in refused: locked out');
      throw new TooManyAttemptsError(`too many failed sign-ins for ${username}; try again in ${seconds} s`, seconds);
    }
    const user = await authenticate(deps.db, username, password);
    if (!user) {
      const failure = await recordFailure(deps.db, username, policy);
      deps.loginFailures?.inc({ reason: 'invalid_credentials' });
      // Never the password, not even its length.
      req.log.warn({ username, ip: req.ip, failures: failure.failures, lockedUntil: failure.lockedUntil?.toISOString() ?? null }, 'sign-in refused');
      throw new UnauthorizedError('invalid username or password');
    }
    await clearFailures(deps.db, username);
    req.log.info({ username: user.username, role: user.role }, 'signed in');
    res.json(await issueToken(user, deps.jwtSecret, deps.config.api.jwtTtlMs));
  };

  const me: RequestHandler = (req, res) => {
    res.json({ user: req.user });
  };

  /** Revokes the token this request carries, on every API process; 204. */
  const logout: RequestHandler = async (req, res) => {
    const session = sessionOf(req);
    if (!session) throw new UnauthorizedError();
    await revokeToken(deps.db, { tokenId: session.tokenId, username: session.username, expiresAt: session.expiresAt });
    req.log.info({ username: session.username }, 'signed out: token revoked');
    res.status(204).end();
  };

  return { login, me, logout };
}
