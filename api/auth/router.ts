import { Router } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { authHandlers } from './handlers';
import { loginBody } from './schemas';

export function authRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = authHandlers(deps);
  router.post('/login', validate({ body: loginBody }), handlers.login);
  router.get('/me', requireAuth(deps), handlers.me);
  return router;
}
