// The replay verdict against the current workflow code (the harness's bundle of workflows/index.ts):
// recorded histories are deterministic; a tampered one diverges, and the event that differs is named.
import { describe, expect, inject, it } from 'vitest';
import { validateHistory } from '../../compliance/history';
import { formatReplayVerdict, replayHistory, type ReplayResult } from '../../compliance/replay';
import { corpus, corpusFiles, pick, updates } from './corpus';

const options = () => ({ workflowBundlePath: inject('workflowBundlePath') });
/** a history that opens a case and decides it through the decide update */
const withCase = () => pick('a case decided through the decide update', (p) => p.steps.some((s) => s.kind === 'case_opened') && updates(p).length > 0).json();
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const decode = (data: string) => JSON.parse(Buffer.from(data, 'base64').toString('utf8'));

function diverged(r: ReplayResult): Extract<ReplayResult, { verdict: 'diverged' }> {
  expect(r.verdict, JSON.stringify(r)).toBe('diverged');
  return r as Extract<ReplayResult, { verdict: 'diverged' }>;
}

describe('replay verdict', () => {
  it.each(corpusFiles)('%s is deterministic', async (file) => {
    const history = validateHistory(corpus.find((h) => h.file === file)!.json());
    const result = await replayHistory(history, options());
    expect(result).toMatchObject({ verdict: 'deterministic', workflowType: 'transactionLifecycle', eventCount: history.events.length });
    expect(formatReplayVerdict(result)).toMatch(/^Verdict: DETERMINISTIC/);
  });

  it('an activity renamed in the middle of the history: diverged at that very event, with the SDK message', async () => {
    const json = withCase();
    const scheduled = json.events.filter((e: any) => e.activityTaskScheduledEventAttributes);
    const target = scheduled.find((e: any) => e.activityTaskScheduledEventAttributes.activityType.name === 'openCase');
    target.activityTaskScheduledEventAttributes.activityType.name = 'closeCaseQuietly';
    const r = diverged(await replayHistory(validateHistory(json), options()));
    expect(r.errorName).toBe('DeterminismViolationError');
    expect(r.sdkMessage).toMatch(/^\[TMPRL1100\] Nondeterminism error: .*'closeCaseQuietly'.*'openCase'/);
    expect(r.divergence).toMatchObject({ eventId: Number(target.eventId), eventType: 'ActivityTaskScheduled', summary: 'ActivityTaskScheduled closeCaseQuietly' });
    expect(r.divergence!.workflowTask!.fromEventId).toBeLessThanOrEqual(Number(target.eventId));
    expect(r.divergence!.workflowTask!.toEventId).toBeGreaterThan(Number(target.eventId));
    expect(formatReplayVerdict(r)).toMatch(new RegExp(`First divergence: event ${target.eventId} \\(ActivityTaskScheduled closeCaseQuietly\\)`));
  });

  it('a recorded result changed (the score said low instead of medium/high): diverged where the code takes another path', async () => {
    const json = withCase();
    const marker = json.events.find((e: any) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    const payload = marker.markerRecordedEventAttributes.details.result.payloads[0];
    payload.data = encode({ ...decode(payload.data), level: 'low' });
    const r = diverged(await replayHistory(validateHistory(json), options()));
    expect(r.sdkMessage).toMatch(/TMPRL1100/);
    // the code, told "low", approves at once; the history goes on to open a case
    expect(r.divergence!.eventId).toBeGreaterThan(Number(marker.eventId));
    expect(r.divergence!.eventType).toBeTruthy();
  });

  it('a decision changed in a recorded update: diverged', async () => {
    const json = withCase();
    const accepted = json.events.find((e: any) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const payload = accepted.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.args.payloads[0];
    // closing a case instead of escalating it (or the other way round) changes what the code does
    // next; approve ↔ block would not: the replayer compares commands, not the data they carry
    const original = decode(payload.data);
    payload.data = encode({ ...original, decision: original.decision === 'escalate' ? 'approve' : 'escalate' });
    const r = diverged(await replayHistory(validateHistory(json), options()));
    expect(r.divergence!.eventId).toBeGreaterThan(Number(accepted.eventId));
  });
});
