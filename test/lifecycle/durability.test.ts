// Kill the worker process while workflows are in flight, start a new one, and every transaction
// still reaches its correct end with exactly one case each.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decideUpdate, lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../../workflows/lifecycle/workflow';
import { killAllWorkers, startWorkerProcess } from '../ops/workerProcess';
import { receivedRows } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from './context';

let stack: KingaTestStack;

/** the worker entry point as its own process, on this file's database and task queue */
function workerProcessOnStack() {
  return startWorkerProcess({
    DATABASE_URL: stack.config.database.url!,
    TEMPORAL_ADDRESS: stack.config.temporal.address!,
    TEMPORAL_NAMESPACE: stack.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    KINGA_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
  });
}

beforeAll(async () => {
  stack = await createTestStack({ ANOMALY_ENABLED: 'false' });
});

afterAll(async () => {
  await killAllWorkers();
  await stack?.close();
});

describe('durability', () => {
  it('survives the worker being killed mid-flight, twice', { timeout: 600_000 }, async () => {
    const run = randomUUID().slice(0, 8);
    const count = 40;
    const refs = Array.from({ length: count }, (_, i) => `DUR-${run}-${i}`);
    // Every fourth is high risk (12M transfer); the rest are everyday purchases.
    const isHigh = (i: number) => i % 4 === 0;
    await stack.db('transactions').insert(receivedRows(refs, isHigh));
    for (const ref of refs) {
      await stack.client.workflow.start<typeof transactionLifecycle>('transactionLifecycle', {
        workflowId: lifecycleWorkflowId(ref),
        taskQueue: stack.taskQueue,
        args: [{ transactionRef: ref }],
      });
    }

    // First worker: killed without warning once some, but not all, transactions have moved on.
    const first = await workerProcessOnStack();
    await eventually(async () => {
      const moved = await stack.db('transactions').whereIn('transaction_ref', refs).whereNot({ status: 'received' }).count<{ count: number }[]>('* as count');
      return Number(moved[0]!.count) >= 3 ? true : undefined;
    }, 'the first worker to make progress', 180_000);
    await first.kill('SIGKILL');
    const progressed = Number((await stack.db('transactions').whereIn('transaction_ref', refs).whereNot({ status: 'received' }).count<{ count: number }[]>('* as count'))[0]!.count);

    // Second worker: finishes the routing; killed again while cases wait for analysts.
    const second = await workerProcessOnStack();
    await eventually(async () => {
      const waiting = await stack.db('analyst_cases').whereIn('transaction_ref', refs).count<{ count: number }[]>('* as count');
      const approved = await stack.db('transactions').whereIn('transaction_ref', refs).where({ status: 'approved' }).count<{ count: number }[]>('* as count');
      return Number(waiting[0]!.count) === 10 && Number(approved[0]!.count) === 30 ? true : undefined;
    }, 'every transaction to be routed', 240_000);
    await second.kill('SIGKILL');

    // Third worker: the analysts decide every case.
    await workerProcessOnStack();
    for (const ref of refs.filter((_, i) => isHigh(i))) {
      const state = await stack.client.workflow
        .getHandle(lifecycleWorkflowId(ref))
        .executeUpdate(decideUpdate, { args: [{ decision: 'approve', note: 'verified', actor: { username: 'baraka', role: 'senior_analyst' } }] });
      expect(state.case?.status).toBe('closed');
    }
    for (const [i, ref] of refs.entries()) {
      const result = await stack.client.workflow.getHandle<typeof transactionLifecycle>(lifecycleWorkflowId(ref)).result();
      expect(result.status, ref).toBe('approved');
      expect(result.score!.level).toBe(isHigh(i) ? 'high' : 'low');
    }

    const cases = await stack.db('analyst_cases').whereIn('transaction_ref', refs).select('transaction_ref', 'status', 'decided_by');
    expect(cases).toHaveLength(10);
    expect(new Set(cases.map((c) => c.transaction_ref)).size).toBe(10);
    expect(cases.every((c) => c.status === 'closed' && c.decided_by === 'baraka')).toBe(true);
    const events = await stack.db('case_events').whereIn('transaction_ref', refs).select('transaction_ref', 'event_type');
    const perType = (type: string) => events.filter((e) => e.event_type === type).length;
    expect(perType('scored')).toBe(40);
    expect(perType('auto_approved')).toBe(30);
    expect(perType('case_opened')).toBe(10);
    expect(perType('approved')).toBe(10);
    console.log(`durability: ${progressed}/${count} transactions had moved when the first worker was killed`);
  });
});
