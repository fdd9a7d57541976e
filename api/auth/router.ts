import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { ROLES } from '../../workflows/lifecycle/definitions';
import { requireAuth } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { authHandlers, TooManyAttemptsError, type AuthDeps } from './handlers';
import { loginBody } from './schemas';

export const authRegistry = featureRegistry();

const authUser = z.object({ username: z.string(), displayName: z.string(), role: z.enum(ROLES) }).meta({ id: 'User' });
const retryAfter = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' as const } } };

documentRoute(authRegistry, {
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Sign in: a session token',
  description:
    'Rate-limited per client address (LOGIN_RATE_LIMIT per LOGIN_RATE_WINDOW), and locked per username after ' +
    'LOGIN_LOCKOUT_THRESHOLD failures in a row (LOGIN_LOCKOUT_BASE, doubling per further failure up to LOGIN_LOCKOUT_MAX); ' +
    'while locked no password is checked.',
  access: { auth: 'public' },
  request: { body: loginBody },
  responses: {
    200: {
      description: 'Signed in',
      body: z.object({ token: z.string(), user: authUser, expiresAt: z.iso.datetime() }).meta({ id: 'Session' }),
    },
    401: { description: 'Wrong username or password (never says which)' },
    429: { description: 'Too many attempts from this address, or this username is locked out for a while', headers: retryAfter },
  },
});
documentRoute(authRegistry, {
  method: 'post',
  path: '/api/auth/logout',
  tags: ['auth'],
  summary: 'Sign out: revoke this session token on every API process',
  access: { auth: 'bearer', roles: 'any' },
  responses: { 204: { description: 'Revoked; the token is refused from now on' } },
});
documentRoute(authRegistry, {
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  access: { auth: 'bearer', roles: 'any' },
  responses: { 200: { description: 'The user', body: z.object({ user: authUser }) } },
});

export function authRouter(deps: AuthDeps): Router {
  const router = Router();
  const handlers = authHandlers(deps);
  const { max, windowMs } = deps.config.api.loginRateLimit;
  // Per client address, in this process's memory: a first brake on guessing. The lockout per
  // username (PostgreSQL) is what holds across processes.
  const loginRateLimit = rateLimit({
    windowMs,
    limit: max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
      deps.loginFailures?.inc({ reason: 'rate_limited' });
      req.log.warn({ ip: req.ip }, 'sign-in refused: rate limited');
      next(new TooManyAttemptsError(`too many sign-in attempts from this address; try again in ${seconds} s`, seconds));
    },
  });
  router.post('/login', loginRateLimit, validate({ body: loginBody }), handlers.login);
  router.post('/logout', requireAuth(deps), handlers.logout);
  router.get('/me', requireAuth(deps), handlers.me);
  return router;
}
