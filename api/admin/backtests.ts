// What-if backtests through the API: an admin starts one (a candidate rule-set version — a draft or
// any past version — and/or an anomaly model, over a date range); admins and compliance follow its
// progress, read the report (JSON, CSV, HTML) and the transactions behind each cell; an admin may
// cancel a running one. The work itself is the whatIfBacktest workflow.
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { recordAdminEvent } from '../../admin/audit';
import { backtestReportCsv, backtestReportHtml, type BacktestSummary } from '../../admin/backtestReport';
import { createRuleSetStore } from '../../admin/ruleSets';
import type { BacktestReport } from '../../risk/backtest';
import { RISK_LEVELS } from '../../risk/types';
import { backtestProgressQuery, backtestWorkflowId, DEFAULT_BACKTEST_BATCH, type BacktestProgress } from '../../workflows/backtest/definitions';
import type { whatIfBacktest } from '../../workflows/backtest/workflow';
import type { ApiDeps, AuthUser } from '../context';
import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '../errors';
import { requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, type OpenAPIRegistry } from '../openapi/route';
import { ADMIN_READERS, ADMINS } from './access';
import { CELL_SUMMARY, cellPageView, cellQuery, whereInCell } from './cells';
import { plainInstant as instant, ruleSetVersion as version } from './fields';

/** The longest range one backtest re-scores (five years). */
const MAX_RANGE_DAYS = 1827;
const startBody = z
  .strictObject({
    ruleSetVersion: version.optional().describe('the candidate rule-set version (a draft or any past version); default: the live one'),
    modelVersion: version.optional().describe('the candidate anomaly model version; default: the model each transaction was scored with (or the rule set’s pinned one)'),
    from: instant.describe('transactions that occurred at or after'),
    to: instant.describe('… and before'),
    note: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
    batchSize: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').optional().describe(`transactions per batch activity (default ${DEFAULT_BACKTEST_BATCH})`),
  })
  .refine((b) => b.ruleSetVersion !== undefined || b.modelVersion !== undefined, { message: 'name a candidate: ruleSetVersion and/or modelVersion', path: ['ruleSetVersion'] })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: 'must be after from', path: ['to'] })
  // recorded inputs exist only since scoring recorded them: a century is a typing error, not a study
  .refine((b) => Date.parse(b.to) - Date.parse(b.from) <= MAX_RANGE_DAYS * 86_400_000, { message: `must be at most ${MAX_RANGE_DAYS} days after from`, path: ['to'] });
const idParams = z.object({ id: z.uuid('must be a backtest id (a UUID)') });
const listQuery = z.object({ limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50) });

const level = z.enum(RISK_LEVELS);
const detection = z.object({ fraudCaught: z.number(), fraudMissed: z.number(), falsePositives: z.number(), falsePositiveRate: z.number().nullable(), cases: z.number() });
const reportView = z
  .object({
    transactions: z.number(),
    matrix: z.record(level, z.record(level, z.number())).describe('rows: the live level; columns: the candidate level'),
    changed: z.number(),
    cells: z.array(z.object({ live: level, candidate: level, count: z.number(), transactionRefs: z.array(z.string()) })),
    labelled: z.object({ fraud: z.number(), legitimate: z.number() }),
    live: detection,
    candidate: detection,
    casesPerDay: z.array(z.object({ day: z.string(), live: z.number(), candidate: z.number() })),
    ruleShifts: z.array(z.object({ rule: z.string(), liveHits: z.number(), candidateHits: z.number(), liveRate: z.number(), candidateRate: z.number(), change: z.number() })),
  })
  .meta({ id: 'BacktestReport' });
const backtestView = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'completed', 'cancelled', 'failed']),
    candidateRuleSetVersion: z.number().nullable(),
    candidateModelVersion: z.number().nullable(),
    from: z.string(),
    to: z.string(),
    note: z.string().nullable(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    finishedAt: z.string().nullable(),
    total: z.number().nullable(),
    processed: z.number(),
    failure: z.string().nullable(),
    workflowId: z.string(),
  })
  .meta({ id: 'Backtest' });
const progressView = z.object({ stage: z.enum(['preparing', 'rescoring', 'reporting', 'completed', 'cancelled']), total: z.number(), processed: z.number(), batches: z.number() }).nullable();

export function documentBacktestRoutes(registry: OpenAPIRegistry): void {
  const tags = ['backtests'];
  const text = (description: string, contentType: string) => ({ description, contentType, body: z.string() });
  const notFound = { description: 'No such backtest' };
  const notCompleted = { description: 'Not completed' };
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/backtests',
    tags,
    summary: 'Start a what-if backtest: the recorded scoring inputs in a date range re-scored with a candidate',
    access: ADMINS,
    request: { body: startBody },
    responses: { 201: { description: 'Started', body: z.object({ backtest: backtestView }) }, 404: { description: 'No such rule-set or model version' } },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/backtests',
    tags,
    summary: 'Backtests, newest first',
    access: ADMIN_READERS,
    request: { query: listQuery },
    responses: { 200: { description: 'Backtests', body: z.object({ backtests: z.array(backtestView) }) } },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/backtests/:id',
    tags,
    summary: 'One backtest with its live progress (from the workflow while it runs)',
    access: ADMIN_READERS,
    request: { params: idParams },
    responses: { 200: { description: 'The backtest', body: z.object({ backtest: backtestView, progress: progressView }) }, 404: notFound },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/backtests/:id/report',
    tags,
    summary: 'The report: level-change matrix, labelled fraud caught and missed, false-positive rate, cases per day, rules whose hit rate moved most',
    access: ADMIN_READERS,
    request: { params: idParams },
    responses: { 200: { description: 'The report', body: z.object({ backtest: backtestView, report: reportView }) }, 404: notFound, 409: notCompleted },
  });
  for (const [format, summary, description, contentType] of [
    ['csv', 'The report as CSV', 'The report', 'text/csv'],
    ['html', 'The printable report', 'The page', 'text/html'],
  ] as const) {
    documentRoute(registry, {
      method: 'get',
      path: `/api/admin/backtests/:id/report.${format}`,
      tags,
      summary,
      access: ADMIN_READERS,
      request: { params: idParams },
      responses: { 200: text(description, contentType), 404: notFound, 409: notCompleted },
    });
  }
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/backtests/:id/transactions',
    tags,
    summary: CELL_SUMMARY,
    access: ADMIN_READERS,
    request: { params: idParams, query: cellQuery },
    responses: { 200: { description: 'Re-scored transactions', body: cellPageView }, 404: notFound, 409: notCompleted },
  });
  documentRoute(registry, {
    method: 'post',
    path: '/api/admin/backtests/:id/cancel',
    tags,
    summary: 'Cancel a running backtest',
    access: ADMINS,
    request: { params: idParams },
    responses: { 202: { description: 'Cancellation requested', body: z.object({ backtest: backtestView }) }, 404: notFound, 409: { description: 'Not running' } },
  });
}

interface BacktestRow {
  id: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  candidate_rule_set_version: number | null;
  candidate_model_version: number | null;
  from_at: Date;
  to_at: Date;
  note: string | null;
  requested_by: string;
  requested_at: Date;
  finished_at: Date | null;
  total: number | null;
  processed: number;
  report: BacktestReport | null;
  failure: string | null;
  workflow_id: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const toView = (r: BacktestRow) => ({
  id: r.id,
  status: r.status,
  candidateRuleSetVersion: r.candidate_rule_set_version,
  candidateModelVersion: r.candidate_model_version,
  from: iso(r.from_at)!,
  to: iso(r.to_at)!,
  note: r.note,
  requestedBy: r.requested_by,
  requestedAt: iso(r.requested_at)!,
  finishedAt: iso(r.finished_at),
  total: r.total,
  processed: r.processed,
  failure: r.failure,
  workflowId: r.workflow_id,
});

function actor(user: AuthUser | undefined) {
  if (!user) throw new UnauthorizedError();
  return { username: user.username, role: user.role };
}

export function mountBacktestRoutes(router: Router, deps: ApiDeps): void {
  const ruleSets = createRuleSetStore(deps.db, deps.config);
  const readers = requireRole('admin', 'compliance');
  const find = async (id: string) => {
    const row = await deps.db<BacktestRow>('backtests').where({ id }).first();
    if (!row) throw new NotFoundError(`backtest ${id} not found`);
    return row;
  };
  const completed = async (id: string) => {
    const row = await find(id);
    if (row.status !== 'completed' || !row.report) throw new ConflictError(`backtest ${id} is ${row.status}: the report comes when it has completed`);
    const summary: BacktestSummary = { ...toView(row), candidateRuleSetVersion: row.candidate_rule_set_version, candidateModelVersion: row.candidate_model_version };
    return { row, report: row.report, summary };
  };

  router.post('/backtests', requireRole('admin'), validate({ body: startBody }), async (req, res) => {
    const by = actor(req.user);
    const body = req.body;
    const candidate = body.ruleSetVersion === undefined ? await ruleSets.live() : await ruleSets.get(body.ruleSetVersion);
    if (!candidate) throw new NotFoundError(`ruleSetVersion: rule set version ${body.ruleSetVersion} not found`);
    if (body.modelVersion !== undefined && !(await deps.db('anomaly_models').where({ version: body.modelVersion }).first('version'))) {
      throw new NotFoundError(`modelVersion: anomaly model version ${body.modelVersion} not found`);
    }
    if (body.modelVersion !== undefined && !candidate.content.scoring.anomaly.enabled) {
      throw new BadRequestError(`modelVersion: rule set version ${candidate.version} has the anomaly model switched off`, 'modelVersion');
    }
    const id = randomUUID();
    const workflowId = backtestWorkflowId(id);
    const row = await deps.db.transaction(async (trx) => {
      const [inserted] = await trx('backtests')
        .insert({
          id,
          status: 'running',
          // resolved now: "the live version" means the one live when the backtest was asked for
          candidate_rule_set_version: candidate.version,
          candidate_model_version: body.modelVersion ?? null,
          from_at: body.from,
          to_at: body.to,
          note: body.note || null,
          requested_by: by.username,
          workflow_id: workflowId,
        })
        .returning<BacktestRow[]>('*');
      await recordAdminEvent(trx, {
        subjectType: 'backtest',
        subjectId: id,
        eventType: 'backtest_started',
        actor: by,
        note: body.note || null,
        // the live version and its own model re-score to the recorded result: a control run
        payload: { ruleSetVersion: candidate.version, modelVersion: body.modelVersion ?? null, from: body.from, to: body.to, control: candidate.status === 'approved' && body.modelVersion === undefined },
      });
      return inserted!;
    });
    try {
      await deps.temporal.workflow.start<typeof whatIfBacktest>('whatIfBacktest', { taskQueue: deps.config.temporal.taskQueue, workflowId, args: [{ backtestId: id, ...(body.batchSize ? { batchSize: body.batchSize } : {}) }] });
    } catch (err) {
      // nobody would ever finish it: the row says why instead of "running" for ever
      await deps.db('backtests').where({ id }).update({ status: 'failed', failure: `could not start: ${err instanceof Error ? err.message : String(err)}`, finished_at: deps.db.fn.now() });
      throw err;
    }
    req.log.info({ backtestId: id, ruleSetVersion: candidate.version, modelVersion: body.modelVersion ?? null }, 'backtest started');
    res.status(201).json({ backtest: toView(row) });
  });

  router.get('/backtests', readers, validate({ query: listQuery }), async (req, res) => {
    const rows = await deps.db<BacktestRow>('backtests').orderBy('requested_at', 'desc').limit(req.query.limit);
    res.json({ backtests: rows.map(toView) });
  });

  router.get('/backtests/:id', readers, validate({ params: idParams }), async (req, res) => {
    const row = await find(req.params.id);
    let progress: BacktestProgress | null = null;
    if (row.status === 'running') {
      try {
        progress = await deps.temporal.workflow.getHandle(row.workflow_id).query(backtestProgressQuery);
      } catch (err) {
        // between start and the first workflow task the query has nobody to answer it yet
        if (!(err instanceof WorkflowNotFoundError)) req.log.warn({ err, backtestId: row.id }, 'backtest progress query failed');
      }
    }
    res.json({ backtest: toView(row), progress: progress && { stage: progress.stage, total: progress.total, processed: progress.processed, batches: progress.batches } });
  });

  router.get('/backtests/:id/report', readers, validate({ params: idParams }), async (req, res) => {
    const { row, report } = await completed(req.params.id);
    res.json({ backtest: toView(row), report });
  });
  router.get('/backtests/:id/report.csv', readers, validate({ params: idParams }), async (req, res) => {
    const { summary, report } = await completed(req.params.id);
    res.attachment(`backtest-${summary.id}.csv`).type('text/csv; charset=utf-8').send(backtestReportCsv(summary, report));
  });
  router.get('/backtests/:id/report.html', readers, validate({ params: idParams }), async (req, res) => {
    const { summary, report } = await completed(req.params.id);
    res.type('text/html; charset=utf-8').send(backtestReportHtml(summary, report));
  });

  router.get('/backtests/:id/transactions', readers, validate({ params: idParams, query: cellQuery }), async (req, res) => {
    // the cells' transactions belong to the report: a running, cancelled or failed backtest's
    // results so far are part of no report and would read like one
    await completed(req.params.id);
    const { limit, offset } = req.query;
    const q = whereInCell(deps.db('backtest_results').where({ backtest_id: req.params.id }), req.query);
    const [{ n }] = await q.clone().count<{ n: string }[]>('* as n');
    const rows: Array<Record<string, unknown>> = await q.orderBy([{ column: 'occurred_at' }, { column: 'transaction_ref' }]).limit(limit).offset(offset).select('*');
    res.json({
      total: Number(n),
      transactions: rows.map((r) => ({
        transactionRef: r.transaction_ref,
        occurredAt: iso(r.occurred_at as Date),
        liveLevel: r.live_level,
        candidateLevel: r.candidate_level,
        livePoints: r.live_points,
        candidatePoints: r.candidate_points,
        label: r.label,
        liveHits: r.live_hits,
        candidateHits: r.candidate_hits,
      })),
    });
  });

  router.post('/backtests/:id/cancel', requireRole('admin'), validate({ params: idParams }), async (req, res) => {
    const row = await find(req.params.id);
    if (row.status !== 'running') throw new ConflictError(`backtest ${row.id} is ${row.status}, not running`);
    await recordAdminEvent(deps.db, { subjectType: 'backtest', subjectId: row.id, eventType: 'backtest_cancel_requested', actor: actor(req.user) });
    await deps.temporal.workflow.getHandle(row.workflow_id).cancel();
    req.log.info({ backtestId: row.id }, 'backtest cancel requested');
    res.status(202).json({ backtest: toView(row) });
  });
}
