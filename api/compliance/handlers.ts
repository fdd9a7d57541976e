import type { RequestHandler, Response } from 'express';
import { auditReportCsv, auditReportHtml, decisionsCsv } from '../../compliance/auditReport';
import { countDecisions, loadDecisions } from '../../compliance/auditTrail';
import { fetchHistory, HistoryError, parseHistoryText, resolveWorkflowId, validateHistory, WorkflowNotFoundError, type HistoryJson } from '../../compliance/history';
import type { ReplayOptions } from '../../compliance/replay';
import { auditReportFor, exportHistory, replayAndExplain, replayFromCluster, TransactionNotFoundError, type ReplayReport } from '../../compliance/service';
import { extractDecisionPath, type DecisionPath } from '../../compliance/decisionPath';
import type { ApiDeps } from '../context';
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../errors';
import type { AuditQuery, DecisionsQuery, RefParams, ReplayBody } from './schemas';

/** Domain errors of the compliance folder as HTTP errors; anything else stays a 500. */
function httpError(err: unknown): unknown {
  if (err instanceof HistoryError) return new BadRequestError(err.message, err.path ? `history.${err.path}` : 'history');
  if (err instanceof WorkflowNotFoundError || err instanceof TransactionNotFoundError) return new NotFoundError(err.message);
  const e = err as { code?: number; name?: string };
  // gRPC UNAVAILABLE / DEADLINE_EXCEEDED: the cluster did not answer
  if (e?.code === 14 || e?.code === 4 || e?.name === 'ServiceError') return new ServiceUnavailableError(`Temporal did not answer: ${(err as Error).message}`);
  return err;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw httpError(err);
  }
}

/** A file name safe in a Content-Disposition header (workflow ids are free text). */
function fileName(base: string, ext: string): string {
  return `${base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 150)}.${ext}`;
}

function attachment(res: Response, name: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
}

export function complianceHandlers(deps: ApiDeps) {
  const replayOptions: ReplayOptions = { workflowBundlePath: deps.config.temporal.workflowBundle };
  const source = { db: deps.db, client: deps.temporal };

  /** Temporal's JSON history, exactly as `temporal workflow show --output json` writes it. */
  const history: RequestHandler<RefParams> = async (req, res) => {
    const exported = await mapped(() => exportHistory(deps.temporal, req.params.ref));
    req.log.info({ workflowId: exported.workflowId }, 'history exported');
    res.setHeader('X-Workflow-Id', exported.workflowId);
    attachment(res, fileName(`${exported.workflowId}.history`, 'json'));
    res.type('application/json').send(exported.json);
  };

  const decisionPath: RequestHandler<RefParams, DecisionPath> = async (req, res) => {
    const path = await mapped(async () => extractDecisionPath(await fetchHistory(deps.temporal, await resolveWorkflowId(deps.temporal, req.params.ref))));
    res.json(path);
  };

  const replay: RequestHandler<Record<string, string>, ReplayReport, ReplayBody> = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const clusterId = 'events' in body ? undefined : typeof body.workflowId === 'string' ? body.workflowId : typeof body.transactionRef === 'string' ? body.transactionRef : undefined;
    let report: ReplayReport;
    if (clusterId !== undefined) {
      report = await mapped(() => replayFromCluster(deps.temporal, clusterId, replayOptions));
    } else {
      const name = typeof body.name === 'string' ? body.name : null;
      const what = name ? `history file ${name}` : 'the history';
      const parsed: HistoryJson = await mapped(async () =>
        typeof body.historyText === 'string' ? parseHistoryText(body.historyText, what) : validateHistory('events' in body ? body : body.history, what),
      );
      report = await mapped(() => replayAndExplain(parsed, { kind: 'file', name }, replayOptions));
    }
    req.log.info(
      { workflowId: report.replay.workflowId, verdict: report.replay.verdict, source: report.source.kind, durationMs: report.replay.durationMs },
      'history replayed',
    );
    res.json(report);
  };

  const audit = (format: 'json' | 'csv' | 'html'): RequestHandler<RefParams, unknown, unknown, AuditQuery> =>
    async (req, res) => {
      const report = await mapped(() =>
        auditReportFor(source, req.params.ref, {
          // the printable page is the document handed to a regulator: it always carries the verdict
          replay: format === 'html' || req.query.replay ? replayOptions : false,
          generatedBy: req.user?.username ?? null,
        }),
      );
      req.log.info({ transactionRef: req.params.ref, format, consistent: report.summary.consistent }, 'audit report generated');
      if (format === 'csv') {
        attachment(res, fileName(`audit-${req.params.ref}`, 'csv'));
        res.type('text/csv; charset=utf-8').send(auditReportCsv(report));
      } else if (format === 'html') {
        // the page is self-contained: no scripts, no external resources
        res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        res.type('text/html; charset=utf-8').send(auditReportHtml(report));
      } else {
        res.json(report);
      }
    };

  const decisions: RequestHandler<Record<string, string>, unknown, unknown, DecisionsQuery> = async (req, res) => {
    const { from, to, format, limit, offset } = req.query;
    const result = await loadDecisions(deps.db, { from, to, limit, offset });
    req.log.info({ from, to, count: result.decisions.length, truncated: result.truncated, format }, 'decisions report');
    if (result.truncated) res.setHeader('X-Truncated', 'true');
    if (format === 'csv') {
      attachment(res, fileName(`decisions-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}`, 'csv'));
      res.type('text/csv; charset=utf-8').send(decisionsCsv(result.decisions));
      return;
    }
    // the period's total only when asked for a page: a whole report needs no second query
    const total = offset > 0 || result.truncated ? await countDecisions(deps.db, { from, to }) : offset + result.decisions.length;
    res.json({ from: from.toISOString(), to: to.toISOString(), count: result.decisions.length, truncated: result.truncated, offset, total, decisions: result.decisions });
  };

  return { history, decisionPath, replay, audit, decisions };
}
