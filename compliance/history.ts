// Loading and checking workflow histories in Temporal's JSON form — the format
// `temporal workflow show --output json` writes and Temporal Web downloads — so that an exported
// file, an uploaded file and a history fetched from the cluster are all handled the same way.
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { lifecycleWorkflowId } from '../workflows/lifecycle/definitions';

/** One event as Temporal's JSON history writes it: ids are strings, times RFC 3339 with nanoseconds. */
export interface HistoryEventJson {
  eventId: string;
  eventTime?: string;
  eventType: string;
  [key: string]: unknown;
}

export interface HistoryJson {
  events: HistoryEventJson[];
}

/** The history given is not one Kinga can read; `message` says what is wrong and where. */
export class HistoryError extends Error {
  override name = 'HistoryError';
  constructor(
    message: string,
    /** where in the document the problem is, e.g. "events[3].eventId"; "" for the whole document */
    readonly path = '',
  ) {
    super(message);
  }
}

/** The workflow (or transaction) asked for has no history on the cluster. */
export class WorkflowNotFoundError extends Error {
  override name = 'WorkflowNotFoundError';
}

const ATTRIBUTES_SUFFIX = 'EventAttributes';

/** The `…EventAttributes` key of an event, e.g. "activityTaskScheduledEventAttributes". */
export function attributesKey(event: HistoryEventJson): string | undefined {
  return Object.keys(event).find((k) => k.endsWith(ATTRIBUTES_SUFFIX));
}

/** "activityTaskScheduledEventAttributes" → "ActivityTaskScheduled": a name that reads the same in every JSON dialect. */
export function eventKind(event: HistoryEventJson): string {
  const key = attributesKey(event);
  if (!key) return 'Unknown';
  const base = key.slice(0, -ATTRIBUTES_SUFFIX.length);
  return base.charAt(0).toUpperCase() + base.slice(1);
}

export function attributesOf<T = Record<string, unknown>>(event: HistoryEventJson): T {
  const key = attributesKey(event);
  return (key ? event[key] : {}) as T;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Line and column of a character offset, for JSON syntax errors. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Parses the text of a history file; a syntax error names its line and column. */
export function parseHistoryText(text: string, source = 'the history'): HistoryJson {
  if (!text.trim()) throw new HistoryError(`${source} is empty: expected Temporal's JSON history ({"events": [...]})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? ` (${lineAndColumn(text, Number(position[1]))})` : '';
    throw new HistoryError(`${source} is not valid JSON${where}: ${message}`);
  }
  return validateHistory(value, source);
}

/**
 * Checks that `value` is a Temporal history in JSON form and returns it typed. The checks are
 * the ones a replay needs, each with a message a compliance officer can act on; the SDK's own
 * protobuf conversion runs last, so whatever it would refuse is refused here with its reason.
 */
export function validateHistory(value: unknown, source = 'the history'): HistoryJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HistoryError(`${source} is ${describe(value)}, not a Temporal history: expected an object with an "events" array`);
  }
  const events = (value as { events?: unknown }).events;
  if (events === undefined) {
    const keys = Object.keys(value).slice(0, 8);
    throw new HistoryError(
      `${source} is not a Temporal history: it has no "events" array${keys.length ? ` (its keys: ${keys.join(', ')})` : ' (it is an empty object)'}`,
      'events',
    );
  }
  if (!Array.isArray(events)) throw new HistoryError(`${source} is not a Temporal history: "events" is ${describe(events)}, not an array`, 'events');
  if (events.length === 0) throw new HistoryError(`${source} has no events: a workflow history starts with WorkflowExecutionStarted`, 'events');

  events.forEach((event: unknown, i) => {
    const at = `events[${i}]`;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new HistoryError(`${at} is ${describe(event)}, not a history event`, at);
    }
    const e = event as Record<string, unknown>;
    const id = typeof e.eventId === 'string' || typeof e.eventId === 'number' ? Number(e.eventId) : NaN;
    if (!Number.isInteger(id)) throw new HistoryError(`${at} has no eventId (a history event has "eventId", "eventType" and its attributes)`, `${at}.eventId`);
    if (id !== i + 1) {
      throw new HistoryError(`${at} has eventId ${id} where ${i + 1} was expected: events are missing, repeated or out of order`, `${at}.eventId`);
    }
    if (typeof e.eventType !== 'string' || !e.eventType) throw new HistoryError(`${at} (eventId ${id}) has no eventType`, `${at}.eventType`);
    const keys = Object.keys(e).filter((k) => k.endsWith(ATTRIBUTES_SUFFIX));
    if (keys.length !== 1) {
      throw new HistoryError(
        `${at} (eventId ${id}, ${e.eventType}) must have exactly one …EventAttributes object, found ${keys.length ? keys.join(', ') : 'none'}`,
        at,
      );
    }
    const attrs = e[keys[0]!];
    if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) {
      throw new HistoryError(`${at}.${keys[0]} is ${describe(attrs)}, not an object`, `${at}.${keys[0]}`);
    }
  });
  const first = events[0] as HistoryEventJson;
  if (eventKind(first) !== 'WorkflowExecutionStarted') {
    throw new HistoryError(`events[0] is ${first.eventType}: a workflow history starts with WorkflowExecutionStarted (is the file cut off at the start?)`, 'events[0]');
  }
  try {
    historyFromJSON(value);
  } catch (err) {
    throw new HistoryError(`${source} is not a valid Temporal history: ${(err as Error).message}`);
  }
  return value as HistoryJson;
}

/** Workflow id, run id and type, as the WorkflowExecutionStarted event records them. */
export function historyIdentity(history: HistoryJson): { workflowId: string | null; runId: string | null; workflowType: string | null } {
  const started = attributesOf<{ workflowId?: string; originalExecutionRunId?: string; firstExecutionRunId?: string; workflowType?: { name?: string } }>(
    history.events[0]!,
  );
  return {
    workflowId: started.workflowId ?? null,
    runId: started.originalExecutionRunId ?? started.firstExecutionRunId ?? null,
    workflowType: started.workflowType?.name ?? null,
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; code?: number; message?: string };
  return e?.name === 'WorkflowNotFoundError' || e?.code === 5 || /not found/i.test(e?.message ?? '');
}

/**
 * The workflow id behind what a user typed: a workflow id as it is, or a transaction reference
 * (whose lifecycle is `txn-<ref>`). Tried in that order on the cluster.
 */
export async function resolveWorkflowId(client: Client, refOrWorkflowId: string): Promise<string> {
  const candidates = [...new Set([refOrWorkflowId, lifecycleWorkflowId(refOrWorkflowId)])];
  for (const id of candidates) {
    try {
      await client.workflow.getHandle(id).describe();
      return id;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  throw new WorkflowNotFoundError(`no workflow ${candidates.map((c) => `"${c}"`).join(' or ')} on the cluster (namespace ${client.options.namespace})`);
}

/** Temporal's JSON history of the latest run of `workflowId`, exactly as the CLI would export it. */
export async function fetchHistoryJsonText(client: Client, workflowId: string): Promise<string> {
  try {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return historyToJSON(history);
  } catch (err) {
    if (isNotFound(err)) throw new WorkflowNotFoundError(`no workflow "${workflowId}" on the cluster (namespace ${client.options.namespace})`);
    throw err;
  }
}

export async function fetchHistory(client: Client, workflowId: string): Promise<HistoryJson> {
  return validateHistory(JSON.parse(await fetchHistoryJsonText(client, workflowId)), `the history of ${workflowId}`);
}
