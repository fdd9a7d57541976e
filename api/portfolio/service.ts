// Portfolio-risk runs on demand: the same `portfolioRisk` workflow the schedule starts, started by
// a senior analyst or an admin (e.g. after the treasury corrected its inputs), and read back by id.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { KingaConfig } from '../../config';
import { PORTFOLIO_WORKFLOW_ID, portfolioWorkflowId, type PortfolioRiskInput, type PortfolioRiskSummary } from '../../workflows/portfolio/definitions';
import type { portfolioRisk } from '../../workflows/portfolio/workflow';
import { temporalUiLink } from '../cases/service';
import { ConflictError, NotFoundError } from '../errors';

const WORKFLOW_TYPE = 'portfolioRisk';
/** A run that hangs (a stuck database) ends and frees its id; the schedule's next run starts over anyway. */
const RUN_TIMEOUT = '1 hour';

export interface PortfolioRunDeps {
  temporal: Client;
  config: Pick<KingaConfig, 'temporal'>;
}

export interface PortfolioRunStarted {
  workflowId: string;
}

/** Temporal's execution status, lower-case: running, completed, failed, cancelled, terminated, timed_out, continued_as_new. */
export type PortfolioRunStatus = string;

export interface PortfolioRunView {
  workflowId: string;
  runId: string;
  status: PortfolioRunStatus;
  startedAt: string;
  closedAt: string | null;
  /** who started it through the API; null for scheduled runs */
  requestedBy: string | null;
  /** present once completed */
  summary: PortfolioRiskSummary | null;
  /** why it failed, when it did */
  failure: string | null;
  temporalUiUrl: string | null;
}

/**
 * Starts a run on the worker's task queue. The id is made from the request id, so a client that
 * retries with the same X-Request-Id gets 409 instead of a second run.
 */
export async function startPortfolioRun(
  deps: PortfolioRunDeps,
  input: PortfolioRiskInput,
  by: { username: string; requestId?: string },
): Promise<PortfolioRunStarted> {
  const workflowId = portfolioWorkflowId(`api-${by.requestId ?? randomUUID()}`);
  try {
    await deps.temporal.workflow.start<typeof portfolioRisk>(WORKFLOW_TYPE, {
      taskQueue: deps.config.temporal.taskQueue,
      workflowId,
      args: [input],
      workflowExecutionTimeout: RUN_TIMEOUT,
      // who asked, visible in Temporal Web; never inputs the workflow acts on
      memo: { requestedBy: by.username, ...(by.requestId ? { requestId: by.requestId } : {}) },
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new ConflictError(`portfolio run ${workflowId} was already started by this request id`);
    throw err;
  }
  return { workflowId };
}

function failureOf(err: unknown): string {
  if (err instanceof WorkflowFailedError) return err.cause?.message ?? err.message;
  return (err as Error).message ?? String(err);
}

/** The latest run under `workflowId`; 404 for an unknown id or a workflow that is not a portfolio run. */
export async function getPortfolioRun(deps: PortfolioRunDeps, workflowId: string): Promise<PortfolioRunView> {
  const notFound = () => new NotFoundError(`portfolio run ${workflowId} not found`);
  // the API's and the schedule's ids both start so; anything else is not ours to show here
  if (!workflowId.startsWith(`${PORTFOLIO_WORKFLOW_ID}-`)) throw notFound();
  const handle = deps.temporal.workflow.getHandle<typeof portfolioRisk>(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  }
  if (description.type !== WORKFLOW_TYPE) throw notFound();
  const status = description.status.name.toLowerCase();
  let summary: PortfolioRiskSummary | null = null;
  let failure: string | null = null;
  if (status === 'completed') summary = await handle.result();
  else if (status === 'failed') failure = await handle.result().then(() => null, failureOf);
  const requestedBy = description.memo?.requestedBy;
  return {
    workflowId,
    runId: description.runId,
    status,
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
    requestedBy: typeof requestedBy === 'string' ? requestedBy : null,
    summary,
    failure,
    temporalUiUrl: temporalUiLink(deps.config, workflowId),
  };
}
