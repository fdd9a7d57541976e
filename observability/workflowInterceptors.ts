// Workflow interceptors (they run inside the workflow sandbox: no I/O, no Node built-ins). They
// make the lifecycle's request id follow the work: every workflow log line carries it with the
// transaction reference, and every activity the workflow schedules gets it in a header, which the
// activity interceptor turns into log fields. Logging is the SDK's replay-aware `log`, so a replay
// writes nothing; headers are not part of the determinism check, so old histories still replay.
// Registered with `interceptors.workflowModules` (or `workflowInterceptorModules` when bundling).
import { defaultPayloadConverter } from '@temporalio/common';
import { log, type WorkflowInterceptors, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { correlationOf, REQUEST_ID_HEADER, transactionRefOf, type Correlation } from './correlation';

export const interceptors: WorkflowInterceptorsFactory = (): WorkflowInterceptors => {
  // One factory call per workflow run: this closure is that run's correlation.
  const correlation: Correlation = {};
  const withRequestId = <T extends { headers: Record<string, unknown> }>(input: T): T =>
    correlation.requestId ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(correlation.requestId) } } : input;

  return {
    inbound: [
      {
        async execute(input, next) {
          Object.assign(correlation, correlationOf(input.args));
          log.info('workflow started');
          const result = await next(input);
          log.info('workflow completed');
          return result;
        },
        async handleUpdate(input, next) {
          const { requestId } = correlationOf(input.args);
          log.info('update received', { update: input.name, ...(requestId ? { requestId } : {}) });
          return next(input);
        },
        async handleSignal(input, next) {
          const { requestId } = correlationOf(input.args);
          log.info('signal received', { signal: input.signalName, ...(requestId ? { requestId } : {}) });
          return next(input);
        },
      },
    ],
    outbound: [
      {
        getLogAttributes(input, next) {
          const transactionRef = correlation.transactionRef ?? transactionRefOf(typeof input.workflowId === 'string' ? input.workflowId : undefined);
          return next({
            ...(transactionRef ? { transactionRef } : {}),
            ...(correlation.requestId ? { requestId: correlation.requestId } : {}),
            ...input,
          });
        },
        scheduleActivity(input, next) {
          return next(withRequestId(input));
        },
        scheduleLocalActivity(input, next) {
          return next(withRequestId(input));
        },
      },
    ],
  };
};
