// A shadow run that cannot score is visible to a person, and the live score is untouched: each
// failure is counted on the run with its reason (the API's view, the Shadow runs page), the first
// one is in the admin audit trail, and kinga_shadow_scoring_failures reads the count. A database of
// its own: a running shadow run is picked up by every scorer that shares the database.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShadowScoring } from '../../activities/shadow';
import type { RecordedScoringInputs } from '../../activities/scoringInputs';
import { queryBusinessSnapshot } from '../../observability/business';
import { createApiHarness, type ApiHarness } from '../api/helpers';
import { scratchDatabase, type ScratchDatabase } from '../helpers';

let scratch: ScratchDatabase;
let h: ApiHarness;

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_shadow_failures', { migrate: true });
  h = await createApiHarness({ DATABASE_URL: scratch.url });
});
afterAll(async () => {
  await h?.close();
  await scratch?.drop();
});

/** What the failing path reads of the inputs: which transaction it was. */
const inputsFor = (transactionRef: string) => ({ transaction: { transactionRef, occurredAt: '2026-12-01T09:00:00.000Z' } }) as unknown as RecordedScoringInputs;

describe('shadow scoring failures', () => {
  it('are counted on the run with the reason, audited once, and measured; scoreInShadow never throws', async () => {
    // a candidate that can no longer be read (the API refuses to start one, so the row is written here)
    const id = randomUUID();
    await h.db('shadow_runs').insert({ id, candidate_rule_set_version: 424_242, started_by: h.users.admin });
    const shadow = createShadowScoring({ db: h.db, config: h.config, logger: pino({ level: 'silent' }) });

    await expect(shadow.scoreInShadow(inputsFor('SHADOW-FAIL-1'))).resolves.toBeUndefined();
    await expect(shadow.scoreInShadow(inputsFor('SHADOW-FAIL-2'))).resolves.toBeUndefined();

    const admin = await h.token('admin');
    const shown = await request(h.app).get(`/api/admin/shadow-runs/${id}`).set({ authorization: `Bearer ${admin}` });
    expect(shown.status).toBe(200);
    expect(shown.body.shadowRun).toMatchObject({ id, status: 'running', transactions: 0, scoringFailures: 2, lastFailure: 'rule set version 424242 not found' });
    expect(Date.parse(shown.body.shadowRun.lastFailureAt)).not.toBeNaN();
    const [{ n }] = await h.db('shadow_results').where({ shadow_run_id: id }).count<{ n: string | number }[]>('* as n');
    expect(Number(n)).toBe(0);

    // the first failure is in the trail (not every one: a broken candidate would flood it)
    const events = await request(h.app).get(`/api/admin/events?subjectType=shadow_run&subjectId=${id}`).set({ authorization: `Bearer ${admin}` });
    expect(events.body.events).toEqual([
      expect.objectContaining({ eventType: 'shadow_scoring_failed', actor: 'system:shadow', note: 'rule set version 424242 not found', payload: { transactionRef: 'SHADOW-FAIL-1' } }),
    ]);

    const snapshot = await queryBusinessSnapshot(h.db, 3_600_000);
    expect(snapshot.shadowScoringFailures).toEqual({ '424242': 2 });

    // stopped, it leaves the gauge (the page still shows its count)
    await h.db('shadow_runs').where({ id }).update({ status: 'stopped' });
    expect((await queryBusinessSnapshot(h.db, 3_600_000)).shadowScoringFailures).toEqual({});
  });
});
