// The SLA ladder on the time-skipping test server: hours pass in milliseconds, the real activities
// write to the real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createDb, type Db } from '../../db/connection';
import { decideUpdate, lifecycleWorkflowId, stateQuery } from '../../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../../workflows/lifecycle/workflow';
import { eventually, testConfig } from './context';
import { timeSkippingTestEnv } from '../helpers';
import { saveHistoryFixture } from './fixtures';

let env: TestWorkflowEnvironment;
let db: Db;
const config = testConfig({ ANOMALY_ENABLED: 'false', SLA_MEDIUM: '4h', SLA_HIGH: '1h', SLA_ESCALATED: '2h' });

beforeAll(async () => {
  env = await timeSkippingTestEnv(); // the SDK's test server, with Kinga's search attributes registered
  db = createDb(config.database.url!, 3);
});

afterAll(async () => {
  await env?.teardown();
  await db?.destroy();
});

async function insertMediumTransaction(ref: string): Promise<void> {
  await db('transactions').insert({
    transaction_ref: ref,
    customer_id: `SLA-${ref}`,
    account_id: `ACC-${ref}`,
    amount: '1500000.00',
    currency: 'KES',
    txn_type: 'purchase',
    channel: 'pos',
    city: 'London',
    country: 'GB',
    occurred_at: '2026-11-20T20:40:00.000Z',
    source: 'api',
    status: 'received',
    workflow_id: lifecycleWorkflowId(ref),
  });
}

describe('SLA escalation ladder', () => {
  it('escalates an undecided case analyst → senior → management, records the breach, and still accepts a decision', async () => {
    const ref = `SLA-${randomUUID().slice(0, 8)}`;
    await insertMediumTransaction(ref);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ db, config, logger: pino({ level: 'silent' }) }),
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof transactionLifecycle>('transactionLifecycle', {
        workflowId: lifecycleWorkflowId(ref),
        taskQueue: config.temporal.taskQueue,
        args: [{ transactionRef: ref }],
      });
      const opened = await eventually(async () => {
        const s = await handle.query(stateQuery);
        return s.case ? s : undefined;
      }, 'the case to open');
      expect(opened.case).toMatchObject({ status: 'assigned', requiredRole: 'analyst', escalationLevel: 0 });
      expect(Date.parse(opened.case!.slaDueAt) - Date.parse(opened.events.find((e) => e.type === 'case_opened')!.at)).toBe(4 * 3_600_000);

      await env.sleep('241m');
      const first = await handle.query(stateQuery);
      expect(first.case).toMatchObject({ status: 'escalated', escalationLevel: 1, requiredRole: 'senior_analyst' });
      expect(first.events.at(-1)).toMatchObject({ type: 'sla_escalated', actor: 'system:sla' });

      await env.sleep('121m');
      const second = await handle.query(stateQuery);
      expect(second.case).toMatchObject({ escalationLevel: 2, requiredRole: 'senior_analyst' });

      await env.sleep('121m');
      const breached = await handle.query(stateQuery);
      expect(breached.events.at(-1)).toMatchObject({ type: 'sla_breached' });
      // No further timers: a day later nothing new has happened.
      await env.sleep('1d');
      expect((await handle.query(stateQuery)).events).toHaveLength(breached.events.length);

      const notifications = await db('notifications').where({ transaction_ref: ref }).orderBy('id');
      expect(notifications.map((n) => [n.kind, n.recipient_role])).toEqual([
        ['sla_escalation', 'senior_analyst'],
        ['sla_escalation', 'admin'],
        ['sla_breach', 'admin'],
      ]);
      const caseRow = await db('analyst_cases').where({ transaction_ref: ref }).first();
      expect(caseRow).toMatchObject({ status: 'escalated', escalation_level: 2, required_role: 'senior_analyst' });

      // An analyst may no longer decide; a senior analyst can.
      await expect(
        handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', note: 'late', actor: { username: 'amina', role: 'analyst' } }] }),
      ).rejects.toThrow();
      const closed = await handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', note: 'verified with the customer', actor: { username: 'baraka', role: 'senior_analyst' } }] });
      expect(closed.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'baraka' });
      const result = await handle.result();
      expect(result.status).toBe('approved');
      await saveHistoryFixture(handle, 'sla-escalation-ladder');
    });
  });
});
