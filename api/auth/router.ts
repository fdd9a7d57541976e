import { Router } from 'express';
import { z } from 'zod';
import { ROLES } from '../../workflows/lifecycle/definitions';
import type { ApiDeps } from '../context';
import { requireAuth } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { authHandlers } from './handlers';
import { loginBody } from './schemas';

export const authRegistry = featureRegistry();

const authUser = z.object({ username: z.string(), displayName: z.string(), role: z.enum(ROLES) }).meta({ id: 'User' });

documentRoute(authRegistry, {
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Sign in: a session token',
  access: { auth: 'public' },
  request: { body: loginBody },
  responses: {
    200: {
      description: 'Signed in',
      body: z.object({ token: z.string(), user: authUser, expiresAt: z.iso.datetime() }).meta({ id: 'Session' }),
    },
    401: { description: 'Wrong username or password (never says which)' },
  },
});
documentRoute(authRegistry, {
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  access: { auth: 'bearer', roles: 'any' },
  responses: { 200: { description: 'The user', body: z.object({ user: authUser }) } },
});

export function authRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = authHandlers(deps);
  router.post('/login', validate({ body: loginBody }), handlers.login);
  router.get('/me', requireAuth(deps), handlers.me);
  return router;
}
