// Shadow runs through the API: an admin puts a candidate rule-set version in shadow (each live
// transaction is also scored with it, inside the scoring activity, and never acted on), stops it;
// admins and compliance compare live and shadow (the backtest's matrix and the transactions that
// differ). A candidate that has been backtested or shadowed can be promoted: it is proposed again
// as a new version against the live one, which a second person must approve (four-eyes).
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { recordAdminEvent } from '../../admin/audit';
import { createRuleSetStore, RuleSetRefusal } from '../../admin/ruleSets';
import { localDate } from '../../risk';
import { BacktestTally, hitsOf, prepareCandidate, recordedTazama, weighTazama, type Label } from '../../risk/backtest';
import { RISK_LEVELS, type RiskLevel, type ScoreBreakdown } from '../../risk/types';
import type { ApiDeps, AuthUser } from '../context';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import { requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, type OpenAPIRegistry } from '../openapi/route';
import { ADMIN_READERS, ADMINS } from './access';
import { CELL_SUMMARY, cellPageView, cellQuery, pageOfCell, type CellTransaction } from './cells';
import { plainInstant as instant, ruleSetVersion as version } from './fields';

const startBody = z.strictObject({
  ruleSetVersion: version.describe('the candidate rule-set version (not the live one)'),
  endsAt: instant
    .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
    .optional()
    .describe('it stops by itself then; default: until stopped'),
  note: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
});
const idParams = z.object({ id: z.uuid('must be a shadow run id (a UUID)') });
const versionParams = z.object({ version: z.coerce.number().int('must be a whole number').positive('must be a positive version number').max(2_147_483_647, 'is not a version number') });
const promoteBody = z.strictObject({ reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(2000, 'must be at most 2000 characters') });

const level = z.enum(RISK_LEVELS);
const shadowRunView = z
  .object({
    id: z.string(),
    candidateRuleSetVersion: z.number(),
    status: z.enum(['running', 'stopped']),
    note: z.string().nullable(),
    startedBy: z.string(),
    startedAt: z.string(),
    endsAt: z.string().nullable(),
    stoppedBy: z.string().nullable(),
    stoppedAt: z.string().nullable(),
    transactions: z.number().describe('live transactions scored in shadow so far'),
    scoringFailures: z.number().describe('live transactions the candidate could not score (the live score went on unaffected)'),
    lastFailure: z.string().nullable().describe('why the last one could not be scored'),
    lastFailureAt: z.string().nullable(),
  })
  .meta({ id: 'ShadowRun' });
const difference = z.object({
  transactionRef: z.string(),
  occurredAt: z.string(),
  liveLevel: level,
  shadowLevel: level,
  livePoints: z.number(),
  shadowPoints: z.number(),
  label: z.enum(['fraud', 'legitimate']).nullable(),
});

export function documentShadowRunRoutes(registry: OpenAPIRegistry): void {
  const tags = ['shadow runs'];
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/shadow-runs',
    tags,
    summary: 'Put a candidate rule-set version in shadow: live transactions are also scored with it, never acted on',
    access: ADMINS,
    request: { body: startBody },
    responses: { 201: { description: 'Running', body: z.object({ shadowRun: shadowRunView }) }, 404: { description: 'No such rule-set version' }, 409: { description: 'The version is live' } },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/shadow-runs',
    tags,
    summary: 'Shadow runs, newest first',
    access: ADMIN_READERS,
    responses: { 200: { description: 'Shadow runs', body: z.object({ shadowRuns: z.array(shadowRunView) }) } },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/shadow-runs/:id',
    tags,
    summary: 'One shadow run',
    access: ADMIN_READERS,
    request: { params: idParams },
    responses: { 200: { description: 'The shadow run', body: z.object({ shadowRun: shadowRunView }) }, 404: { description: 'No such shadow run' } },
  });
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/shadow-runs/:id/stop',
    tags,
    summary: 'Stop a shadow run',
    access: ADMINS,
    request: { params: idParams },
    responses: { 200: { description: 'Stopped', body: z.object({ shadowRun: shadowRunView }) }, 404: { description: 'No such shadow run' }, 409: { description: 'Already stopped' } },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/shadow-runs/:id/comparison',
    tags,
    summary: "Live vs shadow: the backtest report's figures (matrix, fraud caught and missed, false positives, cases per day, rule shifts) and the transactions that differ",
    access: ADMIN_READERS,
    request: { params: idParams },
    responses: {
      200: { description: 'The comparison', body: z.object({ shadowRun: shadowRunView, report: z.looseObject({}).describe('see BacktestReport'), differing: z.array(difference) }) },
      404: { description: 'No such shadow run' },
    },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/shadow-runs/:id/transactions',
    tags,
    summary: `${CELL_SUMMARY}; the candidate is the shadow`,
    access: ADMIN_READERS,
    request: { params: idParams, query: cellQuery },
    responses: { 200: { description: 'Transactions scored live and in shadow', body: cellPageView }, 404: { description: 'No such shadow run' } },
  });
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/rule-sets/:version/promote',
    tags: ['rule sets'],
    summary: 'Promote a backtested or shadowed candidate: its content proposed as a new draft against the live version (a second person approves it)',
    access: ADMINS,
    request: { params: versionParams, body: promoteBody },
    responses: {
      201: { description: 'The new draft and its diff against the live version', body: z.object({ ruleSet: z.looseObject({}), live: z.number(), changes: z.array(z.looseObject({})) }) },
      404: { description: 'No such version' },
      409: { description: 'Neither backtested nor shadowed, or the same as the live version' },
    },
  });
}

interface ShadowRunRow {
  id: string;
  candidate_rule_set_version: number;
  status: 'running' | 'stopped';
  note: string | null;
  started_by: string;
  started_at: Date;
  ends_at: Date | null;
  stopped_by: string | null;
  stopped_at: Date | null;
  transactions?: string | number;
  scoring_failures: number;
  last_failure: string | null;
  last_failure_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const toView = (r: ShadowRunRow) => ({
  id: r.id,
  candidateRuleSetVersion: r.candidate_rule_set_version,
  // past its end it is as good as stopped: the scorer no longer picks it up
  status: r.status === 'running' && r.ends_at && new Date(r.ends_at).getTime() <= Date.now() ? ('stopped' as const) : r.status,
  note: r.note,
  startedBy: r.started_by,
  startedAt: iso(r.started_at)!,
  endsAt: iso(r.ends_at),
  stoppedBy: r.stopped_by,
  stoppedAt: iso(r.stopped_at),
  transactions: Number(r.transactions ?? 0),
  scoringFailures: r.scoring_failures,
  lastFailure: r.last_failure,
  lastFailureAt: iso(r.last_failure_at),
});

function actor(user: AuthUser | undefined) {
  if (!user) throw new UnauthorizedError();
  return { username: user.username, role: user.role };
}

export function mountShadowRunRoutes(router: Router, deps: ApiDeps): void {
  const { db } = deps;
  const ruleSets = createRuleSetStore(db, deps.config);
  const readers = requireRole('admin', 'compliance');
  const withCounts = () =>
    db('shadow_runs as s').select('s.*', db('shadow_results as r').whereRaw('r.shadow_run_id = s.id').count('*').as('transactions'));
  const find = async (id: string): Promise<ShadowRunRow> => {
    const row = await withCounts().where('s.id', id).first();
    if (!row) throw new NotFoundError(`shadow run ${id} not found`);
    return row;
  };

  router.post('/shadow-runs', requireRole('admin'), validate({ body: startBody }), async (req, res) => {
    const by = actor(req.user);
    const candidate = await ruleSets.get(req.body.ruleSetVersion);
    if (!candidate) throw new NotFoundError(`ruleSetVersion: rule set version ${req.body.ruleSetVersion} not found`);
    if (candidate.status === 'approved') throw new ConflictError(`ruleSetVersion: version ${candidate.version} is live; a shadow run tries a candidate`, 'ruleSetVersion');
    const id = randomUUID();
    await db.transaction(async (trx) => {
      await trx('shadow_runs').insert({ id, candidate_rule_set_version: candidate.version, note: req.body.note || null, started_by: by.username, ends_at: req.body.endsAt ?? null });
      await recordAdminEvent(trx, { subjectType: 'shadow_run', subjectId: id, eventType: 'shadow_run_started', actor: by, note: req.body.note || null, payload: { ruleSetVersion: candidate.version, endsAt: req.body.endsAt ?? null } });
    });
    req.log.info({ shadowRunId: id, ruleSetVersion: candidate.version }, 'shadow run started');
    res.status(201).json({ shadowRun: toView(await find(id)) });
  });

  router.get('/shadow-runs', readers, async (_req, res) => {
    const rows: ShadowRunRow[] = await withCounts().orderBy('s.started_at', 'desc').limit(200);
    res.json({ shadowRuns: rows.map(toView) });
  });

  router.get('/shadow-runs/:id', readers, validate({ params: idParams }), async (req, res) => {
    res.json({ shadowRun: toView(await find(req.params.id)) });
  });

  router.post('/shadow-runs/:id/stop', requireRole('admin'), validate({ params: idParams }), async (req, res) => {
    const by = actor(req.user);
    const stopped = await db.transaction(async (trx) => {
      const n = await trx('shadow_runs').where({ id: req.params.id, status: 'running' }).update({ status: 'stopped', stopped_by: by.username, stopped_at: trx.fn.now() });
      if (n > 0) await recordAdminEvent(trx, { subjectType: 'shadow_run', subjectId: req.params.id, eventType: 'shadow_run_stopped', actor: by });
      return n > 0;
    });
    const row = await find(req.params.id);
    if (!stopped) throw new ConflictError(`shadow run ${row.id} is already stopped`);
    req.log.info({ shadowRunId: row.id }, 'shadow run stopped');
    res.json({ shadowRun: toView(row) });
  });

  /** Each routed transaction the run scored, live beside shadow (Tazama's recorded verdict weighed onto the shadow score), oldest first. */
  const compare = async (run: ShadowRunRow): Promise<{ timeZone: string; rows: CellTransaction[] }> => {
    const ruleSet = await ruleSets.get(run.candidate_rule_set_version);
    if (!ruleSet) throw new NotFoundError(`rule set version ${run.candidate_rule_set_version} not found`);
    const candidate = prepareCandidate(ruleSet.version, ruleSet.content, deps.config.tazama.alertMinLevel);
    // only transactions the live lifecycle has routed: their level and Tazama's verdict are known
    const rows: Array<{ transaction_ref: string; occurred_at: Date; points: number; hits: string[]; risk_level: RiskLevel; score_breakdown: ScoreBreakdown; is_fraud: boolean | null; decision: string | null }> = await db('shadow_results as r')
      .join('transactions as t', 't.transaction_ref', 'r.transaction_ref')
      .leftJoin('transaction_history as h', 'h.transaction_ref', 'r.transaction_ref')
      .leftJoin('analyst_cases as c', 'c.transaction_ref', 'r.transaction_ref')
      .where('r.shadow_run_id', run.id)
      .whereNotNull('t.risk_level')
      .orderBy([{ column: 'r.occurred_at' }, { column: 'r.transaction_ref' }])
      .select('r.transaction_ref', 'r.occurred_at', 'r.points', 'r.hits', 't.risk_level', 't.score_breakdown', 'h.is_fraud', 'c.decision');
    const compared = rows.map((row): CellTransaction => {
      const shadow = weighTazama({ points: row.points, hits: row.hits }, candidate, recordedTazama(row.score_breakdown));
      const label: Label | null = row.is_fraud !== null ? (row.is_fraud ? 'fraud' : 'legitimate') : row.decision === 'block' ? 'fraud' : row.decision === 'approve' ? 'legitimate' : null;
      return {
        transactionRef: row.transaction_ref,
        occurredAt: new Date(row.occurred_at).toISOString(),
        liveLevel: row.risk_level,
        candidateLevel: shadow.level,
        livePoints: row.score_breakdown.points,
        candidatePoints: shadow.points,
        label,
        liveHits: hitsOf(row.score_breakdown),
        candidateHits: shadow.hits,
      };
    });
    return { timeZone: ruleSet.content.scoring.rules.offHours.timeZone, rows: compared };
  };

  router.get('/shadow-runs/:id/comparison', readers, validate({ params: idParams }), async (req, res) => {
    const run = await find(req.params.id);
    const { timeZone, rows: compared } = await compare(run);
    const tally = new BacktestTally();
    const differing: z.infer<typeof difference>[] = [];
    for (const r of compared) {
      tally.add({ ...r, day: localDate(r.occurredAt, timeZone) });
      if (r.candidateLevel !== r.liveLevel) {
        differing.push({ transactionRef: r.transactionRef, occurredAt: r.occurredAt, liveLevel: r.liveLevel, shadowLevel: r.candidateLevel, livePoints: r.livePoints, shadowPoints: r.candidatePoints, label: r.label });
      }
    }
    res.json({ shadowRun: toView(run), report: tally.report(), differing });
  });

  router.get('/shadow-runs/:id/transactions', readers, validate({ params: idParams, query: cellQuery }), async (req, res) => {
    const run = await find(req.params.id);
    res.json(pageOfCell((await compare(run)).rows, req.query));
  });

  router.post('/rule-sets/:version/promote', requireRole('admin'), validate({ params: versionParams, body: promoteBody }), async (req, res) => {
    const by = actor(req.user);
    const candidate = await ruleSets.get(req.params.version);
    if (!candidate) throw new NotFoundError(`rule set version ${req.params.version} not found`);
    const [backtested, shadowed] = await Promise.all([
      db('backtests').where({ candidate_rule_set_version: candidate.version, status: 'completed' }).first('id'),
      db('shadow_runs as s').where('s.candidate_rule_set_version', candidate.version).whereExists(db('shadow_results as r').whereRaw('r.shadow_run_id = s.id')).first('s.id'),
    ]);
    if (!backtested && !shadowed) throw new ConflictError(`version ${candidate.version} has neither a completed backtest nor a shadow run with results: try it first`);
    const evidence = [backtested ? `backtest ${backtested.id}` : null, shadowed ? `shadow run ${shadowed.id}` : null].filter(Boolean).join(', ');
    const proposed = await ruleSets.propose(candidate.content, `promotion of version ${candidate.version} (${evidence}): ${req.body.reason}`, by, { promotedFrom: candidate.version }).catch((err: unknown) => {
      if (err instanceof RuleSetRefusal) throw err.code === 'forbidden' ? new ForbiddenError(err.message) : err.code === 'not_found' ? new NotFoundError(err.message) : new ConflictError(err.message);
      throw err;
    });
    req.log.info({ version: proposed.ruleSet.version, from: candidate.version }, 'candidate promoted to a draft');
    res.status(201).json({ ruleSet: proposed.ruleSet, live: proposed.ruleSet.baseVersion, changes: proposed.changes });
  });
}

