import type { RequestHandler } from 'express';
import type { ApiDeps } from '../context';
import { UnauthorizedError } from '../errors';
import type { LoginBody } from './schemas';
import { authenticate, issueToken, type Session } from './service';

export function authHandlers(deps: ApiDeps) {
  const login: RequestHandler<Record<string, string>, Session, LoginBody> = async (req, res) => {
    const user = await authenticate(deps.db, req.body.username, req.body.password);
    if (!user) {
      req.log.info({ username: req.body.username }, 'sign-in refused');
      throw new UnauthorizedError('invalid username or password');
    }
    req.log.info({ username: user.username, role: user.role }, 'signed in');
    res.json(await issueToken(user, deps.jwtSecret, deps.config.api.jwtTtlMs));
  };

  const me: RequestHandler = (req, res) => {
    res.json({ user: req.user });
  };

  return { login, me };
}
