// What ties one piece of work together in the logs: the transaction reference, the workflow id
// and the request id of the API call (or extraction run) that started it. Pure code: the workflow
// interceptors import this file inside the workflow sandbox.

/** Activity header that carries the lifecycle's request id from the workflow to its activities. */
export const REQUEST_ID_HEADER = 'kinga-request-id';

export interface Correlation {
  transactionRef?: string;
  requestId?: string;
}

const LIFECYCLE_PREFIX = 'txn-';

/** `txn-<ref>` → `<ref>`; other workflows (extraction, training) carry no transaction. */
export function transactionRefOf(workflowId: string | undefined): string | undefined {
  return workflowId?.startsWith(LIFECYCLE_PREFIX) ? workflowId.slice(LIFECYCLE_PREFIX.length) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}

/**
 * The correlation fields found in a workflow's or activity's first argument: `transactionRef`,
 * `requestId`, and a decision's own request id inside an audit event (`event.details.requestId`),
 * which is more specific than the lifecycle's.
 */
export function correlationOf(args: readonly unknown[]): Correlation {
  const first = args[0];
  if (!first || typeof first !== 'object') return {};
  const o = first as Record<string, unknown>;
  const event = o.event && typeof o.event === 'object' ? (o.event as Record<string, unknown>) : undefined;
  const details = event?.details && typeof event.details === 'object' ? (event.details as Record<string, unknown>) : undefined;
  const out: Correlation = {};
  const ref = text(o.transactionRef);
  const requestId = text(details?.requestId) ?? text(o.requestId);
  if (ref) out.transactionRef = ref;
  if (requestId) out.requestId = requestId;
  return out;
}
