// One version from start to end, for Tazama's weight too: a transaction scored under one rule-set
// version is still waiting for Tazama's verdict when another version (with another alert weight)
// goes live; the ALRT is weighed with the version the lifecycle began with. Real Temporal, real
// worker, the Tazama stand-in over HTTP (its answer held back), real HTTP for the admin steps.
// A database of its own: approving versions changes what is live for every transaction in it.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { freePort } from '../../scripts/lib/ports';
import { startTazamaSimulator, type TazamaSimulator } from '../../simulators/tazama/server';
import { scratchDatabase, type ScratchDatabase } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { transactionFactory } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';

let scratch: ScratchDatabase;
let stack: KingaTestStack;
let tazama: TazamaSimulator;
let testApi: TestApi | undefined;
let baseUrl: string;
const tokens: Record<string, string> = {};
const api = jsonClient(() => baseUrl, tokens);
const run = randomUUID().slice(0, 8);
const transaction = transactionFactory(`RST-${run}`);
const WATCHED = `CWATCH-${run}`;
const PASSWORD = 'rule-set-tazama-password';
const users = { admin: `rst-admin-${run}`, compliance: `rst-compliance-${run}`, analyst: `rst-analyst-${run}` };

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_rule_set_tazama', { migrate: true });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const relayToken = randomBytes(16).toString('hex');
  // Tazama answers after 12 s: time for a new version to go live while the lifecycle waits
  tazama = await startTazamaSimulator({
    evaluationDelayMs: 12_000,
    relay: { url: `${baseUrl}/api/integrations/tazama/relay`, token: relayToken },
    evaluator: { alertDebtorIds: [WATCHED] },
  });
  stack = await createTestStack({
    DATABASE_URL: scratch.url,
    ANOMALY_ENABLED: 'false',
    BALLERINE_ENABLED: 'false',
    TAZAMA_TMS_URL: tazama.url,
    TAZAMA_ADMIN_URL: tazama.adminUrl,
    TAZAMA_RELAY_TOKEN: relayToken,
    TAZAMA_TIMEOUT: '90s',
    TAZAMA_POLL_INTERVAL: '1s',
    TAZAMA_REQUEST_TIMEOUT: '5s',
  });
  await stack.startWorker();
  await createUser(stack.db, { username: users.admin, displayName: 'Admin', password: PASSWORD, role: 'admin' });
  await createUser(stack.db, { username: users.compliance, displayName: 'Compliance', password: PASSWORD, role: 'compliance' });
  await createUser(stack.db, { username: users.analyst, displayName: 'Analyst', password: PASSWORD, role: 'analyst' });
  testApi = await startTestApi(stack, { port, users: Object.entries(users).map(([as, username]) => ({ username, password: PASSWORD, as })), tokens });
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  await tazama?.stop();
  await scratch?.drop();
});

/** Proposes the live content with `edit` applied, and has compliance approve it; returns the version. */
async function goLive(edit: (content: any) => void, reason: string): Promise<{ version: number; effectiveAt: string }> {
  const live = (await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet;
  const content = structuredClone(live.content);
  edit(content);
  const proposed = await api('POST', '/api/admin/rule-sets', { content, reason }, 'admin');
  expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
  const approved = await api('POST', `/api/admin/rule-sets/${proposed.body.ruleSet.version}/approve`, {}, 'compliance');
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return { version: approved.body.ruleSet.version, effectiveAt: approved.body.ruleSet.effectiveAt };
}

describe("Tazama's weight stays the version the lifecycle began with", () => {
  it('an ALRT that arrives after a new version went live is weighed with the old version', { timeout: 240_000 }, async () => {
    const X = 9_000;
    const Y = 4_000;
    const x = await goLive((c) => (c.tazama.alertPoints = X), 'heavy Tazama alerts');

    const txn = transaction({ customerId: WATCHED });
    const ingested = await api('POST', '/api/transactions', txn, 'analyst');
    expect(ingested.status, JSON.stringify(ingested.body)).toBe(202);
    // scored (its inputs recorded under version X), now waiting for Tazama
    const inputs = await eventually(() => stack.db('scoring_inputs').where({ transaction_ref: txn.transactionRef }).first(), 'the scoring inputs', 90_000);
    expect(inputs.rule_set_version).toBe(x.version);

    const y = await goLive((c) => (c.tazama.alertPoints = Y), 'lighter Tazama alerts');
    // the new version went live while the lifecycle was still waiting: the verdict was not weighed yet
    const waiting = await stack.db('transactions').where({ transaction_ref: txn.transactionRef }).first();
    expect(waiting.risk_level, 'Tazama answered before the new version went live; the test proves nothing').toBeNull();

    const routed = await eventually(async () => {
      const row = await stack.db('transactions').where({ transaction_ref: txn.transactionRef }).first();
      return row?.risk_level ? row : undefined;
    }, `${txn.transactionRef} routed`, 120_000);
    const b = routed.score_breakdown;
    expect(b.tazama).toMatchObject({ status: 'ALRT' });
    expect(routed.rule_set_version).toBe(x.version);
    expect(b.ruleSetVersion).toBe(x.version);
    const base = b.points - b.tazama.points;
    const floor = (await stack.db('rule_sets').where({ version: x.version }).first()).content.scoring.levels.medium;
    const weighed = (alertPoints: number) => Math.min(10_000 - base, Math.max(alertPoints, floor - base));
    expect(weighed(X)).not.toBe(weighed(Y));
    expect(b.tazama.points).toBe(weighed(X));

    // a transaction that starts now is weighed with version Y
    const later = transaction({ customerId: WATCHED });
    expect((await api('POST', '/api/transactions', later, 'analyst')).status).toBe(202);
    const laterRow = await eventually(async () => {
      const row = await stack.db('transactions').where({ transaction_ref: later.transactionRef }).first();
      return row?.risk_level ? row : undefined;
    }, `${later.transactionRef} routed`, 120_000);
    expect(laterRow.rule_set_version).toBe(y.version);
    const laterBase = laterRow.score_breakdown.points - laterRow.score_breakdown.tazama.points;
    expect(laterRow.score_breakdown.tazama.points).toBe(Math.min(10_000 - laterBase, Math.max(Y, floor - laterBase)));
  });
});
