// Rule sets through the API: admins propose a new version (the diff against the live one comes
// back), compliance or a second admin approves it (four-eyes), or it is rejected. Everyone in the
// admin area (admin, compliance) reads versions and their diffs. A proposal can be previewed first:
// the same validation and the same diff, with nothing stored.
import type { Router } from 'express';
import { z } from 'zod';
import { contentSchemaFor, createRuleSetStore, RuleSetRefusal, type RuleSet } from '../../admin/ruleSets';
import { diffRuleSets } from '../../risk/ruleSet';
import type { ApiDeps, AuthUser } from '../context';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import { requireRole } from '../middleware/auth';
import { parseOrThrow, validate } from '../middleware/validate';
import { documentRoute, type OpenAPIRegistry } from '../openapi/route';
import { ADMIN_READERS, ADMINS } from './access';

// at most PostgreSQL's integer: a larger number is no version, not a database error (found by Schemathesis)
const ruleSetParams = z.object({
  version: z.coerce.number().int('must be a whole number').positive('must be a positive version number').max(2_147_483_647, 'is not a version number'),
});
const reason = z.string().trim().min(3, 'must say why (at least 3 characters)').max(2000, 'must be at most 2000 characters');
// the content is checked against the schema derived from the running configuration, in the handler
const proposeBody = z.strictObject({ content: z.looseObject({}).describe('the whole rule-set content (see GET /api/admin/rule-sets/live)'), reason });
const approveBody = z.strictObject({ note: z.string().trim().max(2000).optional() });
const rejectBody = z.strictObject({ reason });

const change = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() }).meta({ id: 'RuleSetChange' });
const ruleSetView = z
  .object({
    version: z.number(),
    status: z.enum(['draft', 'approved', 'superseded', 'rejected']),
    content: z.looseObject({}),
    baseVersion: z.number().nullable(),
    reason: z.string(),
    proposedBy: z.string(),
    proposedAt: z.string(),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    effectiveAt: z.string().nullable(),
    supersededAt: z.string().nullable(),
    rejectedBy: z.string().nullable(),
    rejectedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
  })
  .meta({ id: 'RuleSet' });
const withChanges = z.object({ ruleSet: ruleSetView, live: z.number().describe('the live version the changes are against'), changes: z.array(change) });
const previewView = z
  .object({ live: z.number().describe('the live version the changes are against'), changes: z.array(change).describe('empty: the content is the live version; proposing it would be refused') })
  .meta({ id: 'RuleSetPreview' });

export function documentRuleSetRoutes(registry: OpenAPIRegistry): void {
  const tags = ['rule sets'];
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/rule-sets',
    tags,
    summary: 'Every rule-set version, newest first (drafts waiting for approval among them)',
    access: ADMIN_READERS,
    responses: { 200: { description: 'Versions', body: z.object({ live: z.number(), ruleSets: z.array(ruleSetView) }) } },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/rule-sets/live',
    tags,
    summary: 'The live rule set (version 1 is seeded from the environment on first use)',
    access: ADMIN_READERS,
    responses: { 200: { description: 'The live version', body: z.object({ ruleSet: ruleSetView }) } },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/rule-sets/:version',
    tags,
    summary: 'One version with its changes against the live one',
    access: ADMIN_READERS,
    request: { params: ruleSetParams },
    responses: { 200: { description: 'The version', body: withChanges }, 404: { description: 'No such version' } },
  });
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/rule-sets',
    tags,
    summary: 'Propose a new version (a draft; nothing changes until a second person approves it)',
    access: ADMINS,
    request: { body: proposeBody },
    responses: { 201: { description: 'The draft and its diff against the live version', body: withChanges }, 409: { description: 'Identical to the live version' } },
  });
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/rule-sets/preview',
    tags,
    summary: 'Check a proposal without making it: the diff against the live version, or 400 naming every field that does not fit',
    description: 'The same body and the same validation as proposing; nothing is stored and nothing enters the audit trail.',
    access: ADMINS,
    request: { body: proposeBody },
    responses: { 200: { description: 'What the proposal would change', body: previewView } },
  });
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/rule-sets/:version/approve',
    tags,
    summary: 'Approve a draft: it becomes the live version for transactions that start from now on',
    description: 'Four-eyes: the proposer may not approve their own draft (403). A draft proposed against a version that is no longer live is refused (409).',
    access: ADMIN_READERS,
    request: { params: ruleSetParams, body: approveBody, bodyRequired: false },
    responses: { 200: { description: 'Now live', body: z.object({ ruleSet: ruleSetView }) }, 404: { description: 'No such version' }, 409: { description: 'Not a draft, or proposed against an older live version' } },
  });
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/rule-sets/:version/reject',
    tags,
    summary: 'Reject a draft (or withdraw your own)',
    access: ADMIN_READERS,
    request: { params: ruleSetParams, body: rejectBody },
    responses: { 200: { description: 'Rejected', body: z.object({ ruleSet: ruleSetView }) }, 404: { description: 'No such version' }, 409: { description: 'Not a draft' } },
  });
}

function actor(user: AuthUser | undefined) {
  if (!user) throw new UnauthorizedError();
  return { username: user.username, role: user.role };
}

function asHttp(err: unknown): never {
  if (err instanceof RuleSetRefusal) {
    if (err.code === 'not_found') throw new NotFoundError(err.message);
    if (err.code === 'forbidden') throw new ForbiddenError(err.message);
    throw new ConflictError(err.message);
  }
  throw err;
}

/** Mounts the rule-set routes on the admin router (which already required a session). */
export function mountRuleSetRoutes(router: Router, deps: ApiDeps): void {
  const store = createRuleSetStore(deps.db, deps.config);
  const { schema } = contentSchemaFor(deps.config);
  // one parse for propose and preview: every problem at once, each named by its field
  // (content.scoring.levels.medium, reason), so the editor can show each beside its input
  const proposal = z.strictObject({ content: schema, reason });
  const readers = requireRole('admin', 'compliance');
  const withDiff = async (ruleSet: RuleSet) => {
    const live = await store.live();
    return { ruleSet, live: live.version, changes: diffRuleSets(live.content, ruleSet.content) };
  };

  router.get('/rule-sets', readers, async (_req, res) => {
    const ruleSets = await store.list();
    res.json({ live: ruleSets.find((r) => r.status === 'approved')!.version, ruleSets });
  });
  router.get('/rule-sets/live', readers, async (_req, res) => {
    res.json({ ruleSet: await store.live() });
  });
  router.get('/rule-sets/:version', readers, validate({ params: ruleSetParams }), async (req, res) => {
    const ruleSet = await store.get(req.params.version);
    if (!ruleSet) throw new NotFoundError(`rule set version ${req.params.version} not found`);
    res.json(await withDiff(ruleSet));
  });
  router.post('/rule-sets/preview', requireRole('admin'), async (req, res) => {
    const { content } = parseOrThrow(proposal, req.body, 'body');
    const live = await store.live();
    res.json({ live: live.version, changes: diffRuleSets(live.content, content) });
  });
  router.post('/rule-sets', requireRole('admin'), async (req, res) => {
    const { content, reason: why } = parseOrThrow(proposal, req.body, 'body');
    const proposed = await store.propose(content, why, actor(req.user)).catch(asHttp);
    req.log.info({ version: proposed.ruleSet.version, changes: proposed.changes.length }, 'rule set proposed');
    res.status(201).json({ ruleSet: proposed.ruleSet, live: proposed.ruleSet.baseVersion, changes: proposed.changes });
  });
  router.post('/rule-sets/:version/approve', requireRole('admin', 'compliance'), validate({ params: ruleSetParams }), async (req, res) => {
    const body = parseOrThrow(approveBody, req.body ?? {}, 'body');
    const ruleSet = await store.approve(req.params.version, actor(req.user), body.note || null).catch(asHttp);
    req.log.info({ version: ruleSet.version }, 'rule set approved: live');
    res.json({ ruleSet });
  });
  router.post('/rule-sets/:version/reject', requireRole('admin', 'compliance'), validate({ params: ruleSetParams, body: rejectBody }), async (req, res) => {
    const ruleSet = await store.reject(req.params.version, actor(req.user), req.body.reason).catch(asHttp);
    req.log.info({ version: ruleSet.version }, 'rule set rejected');
    res.json({ ruleSet });
  });
}
