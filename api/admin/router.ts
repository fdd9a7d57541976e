// The admin area: users (and, beside them, rule sets). Admins change things; compliance reads.
import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps, AuthUser } from '../context';
import { UnauthorizedError } from '../errors';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import type { StreamHub } from '../stream/hub';
import { ADMIN_READERS, ADMINS } from './access';
import {
  adminUserView,
  createUserBody,
  resetPasswordBody,
  updateUserBody,
  userParams,
} from './userSchemas';
import { documentRuleSetRoutes, mountRuleSetRoutes } from './ruleSets';
import { documentBacktestRoutes, mountBacktestRoutes } from './backtests';
import { documentAdminEventRoutes, mountAdminEventRoutes } from './events';
import { documentShadowRunRoutes, mountShadowRunRoutes } from './shadowRuns';
import { createUserByAdmin, listUsers, resetPasswordByAdmin, updateUserByAdmin } from './users';

export const adminRegistry = featureRegistry();

const TAGS = ['admin'];
const NO_SUCH_USER = { description: 'No such user' };

documentRuleSetRoutes(adminRegistry);
documentBacktestRoutes(adminRegistry);
documentShadowRunRoutes(adminRegistry);
documentAdminEventRoutes(adminRegistry);

documentRoute(adminRegistry, {
  method: 'get',
  path: '/api/admin/users',
  tags: TAGS,
  summary: 'Every user, with role and whether the account is active',
  access: ADMIN_READERS,
  responses: { 200: { description: 'The users', body: z.object({ users: z.array(adminUserView) }) } },
});
documentRoute(adminRegistry, {
  method: 'post',
  path: '/api/admin/users',
  tags: TAGS,
  summary: 'Create a user',
  access: ADMINS,
  request: { body: createUserBody },
  responses: {
    201: { description: 'Created', body: z.object({ user: adminUserView }) },
    409: { description: 'The username exists, or the e-mail belongs to another user' },
  },
});
documentRoute(adminRegistry, {
  method: 'patch',
  path: '/api/admin/users/:username',
  tags: TAGS,
  summary: "Change a user's role or name, disable or re-enable the account",
  description: "An admin cannot change their own role or disable their own account (403). A disabled user's tokens stop working at once.",
  access: ADMINS,
  request: { params: userParams, body: updateUserBody },
  responses: {
    200: { description: 'The user after the change', body: z.object({ user: adminUserView }) },
    404: NO_SUCH_USER,
  },
});
documentRoute(adminRegistry, {
  method: 'post',
  path: '/api/admin/users/:username/password',
  tags: TAGS,
  summary: "Reset a user's password",
  access: ADMINS,
  request: { params: userParams, body: resetPasswordBody },
  responses: {
    200: { description: 'Reset', body: z.object({ user: adminUserView }) },
    404: NO_SUCH_USER,
  },
});

function actorOf(req: { user?: AuthUser }) {
  const user = req.user;
  if (!user) throw new UnauthorizedError();
  return { username: user.username, role: user.role };
}

export function adminUsersRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps));
  router.get('/users', requireRole('admin', 'compliance'), async (_req, res) => {
    res.json({ users: await listUsers(deps.db) });
  });
  router.post('/users', requireRole('admin'), validate({ body: createUserBody }), async (req, res) => {
    const user = await createUserByAdmin(deps.db, req.body, actorOf(req));
    req.log.info({ username: user.username, role: user.role }, 'user created');
    res.status(201).json({ user });
  });
  router.patch('/users/:username', requireRole('admin'), validate({ params: userParams, body: updateUserBody }), async (req, res) => {
    const user = await updateUserByAdmin(deps.db, req.params.username, req.body, actorOf(req));
    // a disabled account's open event streams end now, not at its next request
    const ended = user.active ? 0 : ((req.app.locals.streamHub as StreamHub | undefined)?.disconnect(user.username) ?? 0);
    req.log.info({ username: user.username, role: user.role, active: user.active, streamsEnded: ended }, 'user changed');
    res.json({ user });
  });
  router.post('/users/:username/password', requireRole('admin'), validate({ params: userParams, body: resetPasswordBody }), async (req, res) => {
    const user = await resetPasswordByAdmin(deps.db, req.params.username, req.body.password, actorOf(req));
    // the sessions issued before the reset have ended: so have their open event streams
    const ended = (req.app.locals.streamHub as StreamHub | undefined)?.disconnect(user.username) ?? 0;
    req.log.info({ username: user.username, streamsEnded: ended }, 'password reset');
    res.json({ user });
  });
  mountAdminEventRoutes(router, deps);
  mountRuleSetRoutes(router, deps);
  mountBacktestRoutes(router, deps);
  mountShadowRunRoutes(router, deps);
  return router;
}
