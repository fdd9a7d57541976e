// Activity side of log correlation. Each activity learns its transaction reference and request id
// (from its arguments, else from the header the workflow interceptor set) and then:
//  - the SDK's activity logger (`Context.current().log`, and the SDK's own activity lines) carries
//    them through `getLogAttributes`;
//  - the worker's pino logger, which activities receive as `deps.logger`, adds them through a
//    mixin (activityLogFields), so activity code needs no change to log correlated lines;
//  - one `activity completed` line at info level records the activity with its duration.
import { performance } from 'node:perf_hooks';
import { asyncLocalStorage, type Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { correlationOf, REQUEST_ID_HEADER, transactionRefOf, type Correlation } from './correlation';

const correlations = new WeakMap<Context, Correlation>();

function headerText(payload: unknown): string | undefined {
  if (!payload) return undefined;
  try {
    const value = defaultPayloadConverter.fromPayload(payload as Parameters<typeof defaultPayloadConverter.fromPayload>[0]);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function fieldsOf(ctx: Context): Record<string, unknown> {
  const c = correlations.get(ctx);
  const workflowId = ctx.info.workflowExecution?.workflowId;
  const transactionRef = c?.transactionRef ?? transactionRefOf(workflowId);
  return {
    ...(transactionRef ? { transactionRef } : {}),
    ...(c?.requestId ? { requestId: c.requestId } : {}),
  };
}

/**
 * Fields for the worker's pino mixin: inside an activity, who is running (workflow, activity,
 * attempt) and for which transaction and request; outside one, nothing.
 */
export function activityLogFields(): Record<string, unknown> {
  const ctx = asyncLocalStorage.getStore();
  if (!ctx) return {};
  return {
    workflowId: ctx.info.workflowExecution?.workflowId,
    activityType: ctx.info.activityType,
    attempt: ctx.info.attempt,
    ...fieldsOf(ctx),
  };
}

export const correlationActivityInterceptors: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const fromArgs = correlationOf(input.args);
      const workflowId = ctx.info.workflowExecution?.workflowId;
      correlations.set(ctx, {
        transactionRef: fromArgs.transactionRef ?? transactionRefOf(workflowId),
        requestId: fromArgs.requestId ?? headerText(input.headers[REQUEST_ID_HEADER]),
      });
      const started = performance.now();
      const result = await next(input);
      // Failures are logged by the SDK itself (warn, with these fields through getLogAttributes).
      ctx.log.info('activity completed', { durationMs: Math.round(performance.now() - started) });
      return result;
    },
  },
  outbound: {
    getLogAttributes(input, next) {
      return next({ ...input, ...fieldsOf(ctx) });
    },
  },
});
