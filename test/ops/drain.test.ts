// SIGTERM drains the worker without losing work: an activity that is in flight when the signal
// arrives (held up by a row lock this test owns) finishes in the same process, the process exits 0
// once it has, and after a new worker starts every transaction reaches its end exactly once.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideUpdate, lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../../workflows/lifecycle/workflow';
import { receivedRows } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';
import { getJson, interceptorBundle, killAllWorkers, startWorkerProcess, type WorkerProcess } from './workerProcess';

let stack: KingaTestStack;
let bundle: string;
let lock: Knex.Transaction | undefined;

beforeAll(async () => {
  [stack, bundle] = await Promise.all([createTestStack({ ANOMALY_ENABLED: 'false' }), interceptorBundle()]);
});

afterAll(async () => {
  await lock?.rollback().catch(() => undefined);
  await killAllWorkers();
  await stack?.close();
});

function workerEnv(): Record<string, string> {
  return {
    DATABASE_URL: stack.config.database.url!,
    TEMPORAL_ADDRESS: stack.config.temporal.address!,
    TEMPORAL_NAMESPACE: stack.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    KINGA_WORKFLOW_BUNDLE: bundle,
    WORKER_SHUTDOWN_GRACE: '30s',
  };
}

const count = (rows: { count: number | string }[]) => Number(rows[0]!.count);

describe('graceful shutdown of the worker', () => {
  it('finishes the activity in flight, exits 0, and loses nothing', async () => {
    const run = randomUUID().slice(0, 8);
    const refs = Array.from({ length: 16 }, (_, i) => `DRAIN-${run}-${i}`);
    const isHigh = (i: number) => i % 4 === 0; // 4 high-risk cases, 12 everyday purchases
    await stack.db('transactions').insert(receivedRows(refs, isHigh));

    // Hold one transaction's row: the lifecycle's next write to it (the one-step assessment, a local
    // activity that scores and records the routing) waits on this lock, so that activity is
    // certainly in flight when SIGTERM arrives.
    const held = refs[1]!;
    lock = await stack.db.transaction();
    await lock('transactions').where({ transaction_ref: held }).forUpdate().first();
    const lockPid = (await lock.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid')).rows[0]!.pid;

    for (const ref of refs) {
      await stack.client.workflow.start<typeof transactionLifecycle>('transactionLifecycle', {
        workflowId: lifecycleWorkflowId(ref),
        taskQueue: stack.taskQueue,
        args: [{ transactionRef: ref, requestId: `drain-${run}` }],
      });
    }

    const first: WorkerProcess = await startWorkerProcess(workerEnv());
    await eventually(async () => {
      const blocked = await stack.db.raw<{ rows: { n: number }[] }>('select count(*)::int as n from pg_stat_activity where ? = any(pg_blocking_pids(pid))', [lockPid]);
      return blocked.rows[0]!.n > 0 ? true : undefined;
    }, `a write of ${held} to wait on the lock`);
    const movedAtSignal = count(await stack.db('transactions').whereIn('transaction_ref', refs).whereNot({ status: 'received' }).count('* as count'));

    void first.kill('SIGTERM');
    await first.waitForLine((l) => l.msg === 'shutting down: draining in-flight tasks', 'the drain to start');
    // Draining: not ready any more, and still running, because the activity has not finished.
    const draining = await eventually(async () => {
      const res = await getJson(`${first.healthUrl}/readyz`);
      return res.status === 503 ? res : undefined;
    }, 'the draining worker to report not ready');
    expect(draining.body.checks.worker).toEqual({ ok: false, error: 'worker is draining' });
    expect(first.child.exitCode).toBeNull();

    await lock.commit();
    lock = undefined;
    expect(await first.exited).toEqual({ code: 0, signal: null });

    // The held activity completed in the first worker, on its first attempt, after the signal. (A
    // poll that was already outstanding when the signal came may still hand the draining worker
    // one more task of the same transaction, so there can be more than one such line.)
    const signalAt = first.lines.findIndex((l) => l.msg === 'shutting down: draining in-flight tasks');
    const completedAfter = first.lines.slice(signalAt + 1).filter((l) => l.msg === 'activity completed' && l.transactionRef === held);
    expect(completedAfter.length, 'the held activity completed in the first worker after SIGTERM').toBeGreaterThanOrEqual(1);
    for (const line of completedAfter) expect(line).toMatchObject({ attempt: 1 });
    expect(completedAfter[0]).toMatchObject({ attempt: 1, requestId: `drain-${run}`, workflowId: lifecycleWorkflowId(held), isLocal: true });
    expect(first.lines.filter((l) => l.msg === 'Activity failed' || l.level >= 50)).toEqual([]);
    expect(first.stderr()).toBe('');

    // A new worker takes over whatever is left; analysts decide the cases.
    const second = await startWorkerProcess(workerEnv());
    await eventually(async () => {
      const cases = count(await stack.db('analyst_cases').whereIn('transaction_ref', refs).count('* as count'));
      return cases === 4 ? true : undefined;
    }, 'every high-risk transaction to have its case', 180_000);
    for (const ref of refs.filter((_, i) => isHigh(i))) {
      await stack.client.workflow
        .getHandle(lifecycleWorkflowId(ref))
        .executeUpdate(decideUpdate, { args: [{ decision: 'approve', note: 'verified with the customer', actor: { username: 'baraka', role: 'senior_analyst' } }] });
    }
    for (const [i, ref] of refs.entries()) {
      const result = await stack.client.workflow.getHandle<typeof transactionLifecycle>(lifecycleWorkflowId(ref)).result();
      expect(result.status, ref).toBe('approved');
      expect(result.score!.level).toBe(isHigh(i) ? 'high' : 'low');
    }

    // Exactly once: one scoring, one routing outcome and at most one case per transaction.
    const events = await stack.db('case_events').whereIn('transaction_ref', refs).select('transaction_ref', 'event_type');
    const perType = (type: string) => events.filter((e) => e.event_type === type).length;
    expect(perType('scored')).toBe(16);
    expect(new Set(events.filter((e) => e.event_type === 'scored').map((e) => e.transaction_ref)).size).toBe(16);
    expect(perType('auto_approved')).toBe(12);
    expect(perType('case_opened')).toBe(4);
    expect(perType('approved')).toBe(4);
    const cases = await stack.db('analyst_cases').whereIn('transaction_ref', refs).select('transaction_ref', 'status');
    expect(cases).toHaveLength(4);
    expect(cases.every((c) => c.status === 'closed')).toBe(true);

    void second.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    console.log(`drain: ${movedAtSignal}/${refs.length} transactions had moved when SIGTERM arrived`);
  });
});
