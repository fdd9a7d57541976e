// Replays a recorded history against the CURRENT workflow code with the SDK's replayer. The
// verdict is what a regulator asks: does today's code, fed the recorded inputs and results, make
// exactly the recorded decisions? If not, the first event where it does something else is named.
import { fileURLToPath } from 'node:url';
import { attributesOf, eventKind, historyIdentity, type HistoryEventJson, type HistoryJson } from './history';
import { decodeFirst } from './payloads';
import type { ReplayDivergence as Divergence, ReplayResult } from './views';

export interface ReplayOptions {
  /**
   * A pre-built workflow bundle (what production workers load: KINGA_WORKFLOW_BUNDLE, or the test
   * harness's bundle). Unset: workflows/index.ts is bundled once per process and kept.
   */
  workflowBundlePath?: string;
}

// the verdict's shape is defined once, in views.ts (zod)
export type { ReplayDivergence as Divergence, ReplayResult } from './views';

type Bundle = { codePath: string } | { code: string };

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
let sourceBundle: Promise<string> | undefined;

// The worker SDK (native core, webpack) loads on the first replay only: an API process or a CLI
// command that never replays does not pay for it.
let workerSdk: Promise<typeof import('@temporalio/worker')> | undefined;
const sdk = () => (workerSdk ??= import('@temporalio/worker'));

/** The workflow code replays run against; bundling from source happens once per process. */
export async function currentWorkflowBundle(options: ReplayOptions = {}): Promise<Bundle> {
  if (options.workflowBundlePath) return { codePath: options.workflowBundlePath };
  sourceBundle ??= sdk()
    .then(({ bundleWorkflowCode, DefaultLogger }) => bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }))
    .then(
    (b) => b.code,
    (err: unknown) => {
      sourceBundle = undefined; // let a later request try again
      throw err;
    },
  );
  return { code: await sourceBundle };
}

/**
 * Loads the worker SDK and bundles the workflow code now (the API calls it at start-up), so the
 * first replay is as fast as the next instead of paying seconds of CPU for webpack.
 */
export async function prepareReplay(options: ReplayOptions = {}): Promise<void> {
  // the native runtime too: the replayer would create this same default instance on first use
  await Promise.all([sdk().then(({ Runtime }) => Runtime.instance()), currentWorkflowBundle(options)]);
}

async function replayError(bundle: Bundle, history: HistoryJson, workflowId: string): Promise<Error | null> {
  const { Worker } = await sdk();
  try {
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
    return null;
  } catch (err) {
    return err as Error;
  }
}

/** "[TMPRL1100] Nondeterminism error: …" out of the SDK's wrapped message (a Rust debug print). */
export function coreMessage(message: string): string {
  const m = /message: "((?:[^"\\]|\\.)*)"/.exec(message);
  if (m) return m[1]!.replace(/\\(.)/g, '$1');
  const tmprl = /\[TMPRL\d+\][^\n]*/.exec(message);
  return tmprl ? tmprl[0] : message;
}

/** An event in a few words: its kind and the name that identifies it (activity, timer, marker, signal). */
export function describeEvent(event: HistoryEventJson): string {
  const kind = eventKind(event);
  const a = attributesOf<Record<string, unknown>>(event);
  const name = (v: unknown) => (v as { name?: string } | undefined)?.name;
  let detail: string | undefined;
  if (kind === 'ActivityTaskScheduled') detail = name(a.activityType);
  else if (kind.startsWith('Timer')) detail = `timer ${String(a.timerId)}`;
  else if (kind === 'MarkerRecorded') {
    const meta = decodeFirst((a.details as Record<string, unknown> | undefined)?.data) as { activity_type?: string } | undefined;
    detail = [a.markerName, meta?.activity_type].filter(Boolean).join(' ');
  } else if (kind === 'WorkflowExecutionSignaled') detail = String(a.signalName);
  else if (kind === 'WorkflowExecutionUpdateAccepted') detail = name((a.acceptedRequest as { input?: unknown } | undefined)?.input);
  else if (kind === 'WorkflowExecutionStarted') detail = name(a.workflowType);
  return detail ? `${kind} ${detail}` : kind;
}

/** Events a workflow task's commands produced (as opposed to results and messages arriving). */
function isCommandEvent(event: HistoryEventJson): boolean {
  const a = attributesOf<Record<string, unknown>>(event);
  return a.workflowTaskCompletedEventId !== undefined || /^WorkflowExecutionUpdate(Accepted|Completed)$/.test(eventKind(event));
}

function eventTime(event: HistoryEventJson): string | null {
  const ms = event.eventTime ? Date.parse(event.eventTime) : NaN;
  return Number.isNaN(ms) ? (event.eventTime ?? null) : new Date(ms).toISOString();
}

/** The events of the workflow task that produced (or received) event `eventId`. */
function workflowTaskAround(history: HistoryJson, eventId: number): { fromEventId: number; toEventId: number } | null {
  const events = history.events;
  let from = -1;
  for (let i = Math.min(eventId, events.length) - 1; i >= 0; i--) {
    if (eventKind(events[i]!) === 'WorkflowTaskCompleted') {
      from = i;
      break;
    }
  }
  if (from < 0) return null;
  let to = events.length - 1;
  for (let i = Math.max(from + 1, eventId); i < events.length; i++) {
    if (eventKind(events[i]!) === 'WorkflowTaskStarted') {
      to = i;
      break;
    }
  }
  return { fromEventId: from + 1, toEventId: to + 1 };
}

function divergenceAt(history: HistoryJson, eventId: number, locatedBy: Divergence['locatedBy'], task?: Divergence['workflowTask']): Divergence | null {
  const event = history.events[eventId - 1];
  if (!event) return null;
  return { eventId, eventType: eventKind(event), at: eventTime(event), summary: describeEvent(event), workflowTask: task ?? workflowTaskAround(history, eventId), locatedBy };
}

/**
 * Finds the first event the current code does not reproduce. The SDK names it in some messages
 * ("HistoryEvent(id: 22, …)"); otherwise prefixes of the history are replayed to find the first
 * workflow task that fails, and within it the event the message quotes, or its first command.
 * Each prefix ends just before a workflow task is scheduled, so that it holds whole workflow tasks
 * with all their commands (a prefix cut inside a task would leave, say, a local activity without
 * its marker and fail for that reason alone).
 */
async function locateDivergence(bundle: Bundle, history: HistoryJson, message: string, workflowId: string): Promise<Divergence | null> {
  const named = /HistoryEvent\(id: (\d+)/.exec(message) ?? /event(?:_id| id)[:=]? ?(\d+)/i.exec(message);
  if (named) {
    const found = divergenceAt(history, Number(named[1]), 'sdk_message');
    if (found) return found;
  }

  const events = history.events;
  const firstCompleted = events.findIndex((e) => eventKind(e) === 'WorkflowTaskCompleted');
  const ends = events.flatMap((e, i) => (eventKind(e) === 'WorkflowTaskScheduled' && firstCompleted >= 0 && i > firstCompleted ? [i - 1] : []));
  ends.push(events.length - 1); // the whole history is known to fail
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const prefix: HistoryJson = { events: events.slice(0, ends[mid]! + 1) };
    if (await replayError(bundle, prefix, workflowId)) hi = mid;
    else lo = mid + 1;
  }
  const start = lo === 0 ? 0 : ends[lo - 1]! + 1;
  const segment = events.slice(start, ends[lo]! + 1);
  const task = { fromEventId: start + 1, toEventId: ends[lo]! + 1 };

  const commands = segment.filter(isCommandEvent);
  const quotedNames = [...message.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
  const quotedEvent = commands.find((e) => quotedNames.some((n) => describeEvent(e).split(' ').slice(1).includes(n)));
  const chosen = quotedEvent ?? commands[0] ?? segment.find((e) => eventKind(e) === 'WorkflowTaskCompleted') ?? segment[segment.length - 1]!;
  return divergenceAt(history, Number(chosen.eventId), 'prefix_replay', task);
}

/** Replays `history` (already validated) against the current workflow code. */
export async function replayHistory(history: HistoryJson, options: ReplayOptions = {}): Promise<ReplayResult> {
  const t0 = performance.now();
  const identity = historyIdentity(history);
  const bundle = await currentWorkflowBundle(options);
  const replayId = identity.workflowId ?? 'replayed-history';
  const err = await replayError(bundle, history, replayId);
  const base = { ...identity, eventCount: history.events.length };
  if (!err) return { verdict: 'deterministic', ...base, durationMs: Math.round(performance.now() - t0) };

  const errorName = err.name || err.constructor?.name || 'Error';
  const nondeterminism = errorName === 'DeterminismViolationError' || /TMPRL1100|[Nn]ondeterminism/.test(err.message);
  // A workflow task failure (an exception in the code) also means the code no longer reproduces the
  // history; it is located the same way.
  const divergence = nondeterminism || errorName === 'ReplayError' ? await locateDivergence(bundle, history, err.message, replayId) : null;
  return {
    verdict: 'diverged',
    errorName,
    message: err.message,
    sdkMessage: coreMessage(err.message),
    divergence,
    ...base,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** The verdict in two or three lines of text. */
export function formatReplayVerdict(r: ReplayResult): string {
  if (r.verdict === 'deterministic') {
    return `Verdict: DETERMINISTIC — the current workflow code replays all ${r.eventCount} events of ${r.workflowId ?? 'the history'} and makes the recorded decisions.`;
  }
  const lines = [`Verdict: DIVERGED — the current workflow code does not reproduce ${r.workflowId ?? 'the history'}.`];
  if (r.divergence) {
    const d = r.divergence;
    lines.push(`First divergence: event ${d.eventId} (${d.summary})${d.at ? ` at ${d.at}` : ''}${d.workflowTask ? `, in the workflow task of events ${d.workflowTask.fromEventId}–${d.workflowTask.toEventId}` : ''}`);
  }
  lines.push(`${r.errorName}: ${r.sdkMessage}`);
  return lines.join('\n');
}
