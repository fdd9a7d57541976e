// The API under test: createApp on the harness's real PostgreSQL and Temporal server, with a task
// queue of its own (no worker polls it unless a test starts one, so started lifecycles just wait),
// users of its own, and cleanup of every workflow it started.
import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { Application } from 'express';
import { inject } from 'vitest';
import { loadConfig, type KingaConfig } from '../../config';
import { createDb, type Db } from '../../db/connection';
import { createUser } from '../../api/users/service';
import type { ScoreBreakdown } from '../../risk/types';
import type { Role } from '../../workflows/lifecycle/definitions';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { temporalTarget, testDb, uniqueRef, uniqueTaskQueue } from '../helpers';
import { signIn, startTestApi } from '../helpers/api';
import { everydayPurchase } from '../helpers/transactions';

export const JWT_SECRET = 'api-test-secret-api-test-secret-0123456789';

export interface ApiHarness {
  app: Application;
  db: Db;
  temporal: Client;
  connection: Connection;
  config: KingaConfig;
  /** one user per role, unique to this harness; password is `password` */
  users: Record<Role, string>;
  password: string;
  token(role: Role): Promise<string>;
  /** remember a workflow to terminate when the harness closes */
  track(workflowId: string): void;
  /** whether the transaction's lifecycle workflow was started */
  workflowExists(transactionRef: string): Promise<boolean>;
  close(): Promise<void>;
}

export function testApiConfig(extra: Record<string, string> = {}): KingaConfig {
  const { address, namespace } = temporalTarget();
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api-test'),
    JWT_SECRET,
    ...extra,
  });
}

export async function createApiHarness(extraEnv: Record<string, string> = {}): Promise<ApiHarness> {
  const config = testApiConfig(extraEnv);
  // A test that counts rows across the whole database brings its own (DATABASE_URL).
  const db = extraEnv.DATABASE_URL ? createDb(extraEnv.DATABASE_URL, 5) : testDb();
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const api = await startTestApi({ db, client: temporal, config });
  const suffix = randomBytes(3).toString('hex');
  const password = `pw-${suffix}-secret`;
  const users = {
    analyst: `t-analyst-${suffix}`,
    senior_analyst: `t-senior-${suffix}`,
    compliance: `t-compliance-${suffix}`,
    admin: `t-admin-${suffix}`,
  } satisfies Record<Role, string>;
  for (const [role, username] of Object.entries(users) as [Role, string][]) {
    await createUser(db, { username, displayName: `Test ${role}`, password, role });
  }
  const tokens: Record<string, string> = {};
  const started = new Set<string>();
  return {
    app: api.app,
    db,
    temporal,
    connection,
    config,
    users,
    password,
    async token(role) {
      if (!tokens[role]) await signIn(api.baseUrl, [{ username: users[role], password, as: role }], tokens);
      return tokens[role]!;
    },
    track(workflowId) {
      started.add(workflowId);
    },
    async workflowExists(transactionRef) {
      try {
        await temporal.workflow.getHandle(lifecycleWorkflowId(transactionRef)).describe();
        return true;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },
    async close() {
      for (const id of started) {
        await temporal.workflow
          .getHandle(id)
          .terminate('api test cleanup')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
      }
      await api.close();
      await connection.close();
      await db.destroy();
    },
  };
}

let seq = 0;
/** A valid API transaction with a unique reference. */
export function apiTransaction(overrides: Record<string, unknown> = {}) {
  seq += 1;
  const txn = everydayPurchase({ transactionRef: uniqueRef(`API-${seq}`), customerId: 'CUST-API-1', accountId: 'ACC-API-1', amount: '2500.50', occurredAt: '2026-11-20T10:15:00+03:00' });
  return { ...txn, ...overrides };
}

/** Inserts a transaction row and (optionally) its case directly, as the workflow would have. */
export async function insertCase(
  db: Db,
  opts: {
    ref?: string;
    riskLevel?: 'medium' | 'high';
    status?: 'assigned' | 'escalated' | 'closed';
    assignee?: string | null;
    openedAt?: Date;
    amount?: string;
    customerId?: string;
    workflowId?: string;
    decision?: 'approve' | 'block' | null;
    decidedBy?: string | null;
  } = {},
): Promise<{ caseId: number; ref: string; workflowId: string }> {
  const ref = opts.ref ?? uniqueRef('CASE');
  const riskLevel = opts.riskLevel ?? 'medium';
  const workflowId = opts.workflowId ?? lifecycleWorkflowId(ref);
  await db('transactions').insert({
    transaction_ref: ref,
    customer_id: opts.customerId ?? 'CUST-CASES',
    account_id: 'ACC-CASES',
    amount: opts.amount ?? '150000.00',
    currency: 'KES',
    txn_type: 'transfer',
    channel: 'online',
    merchant_id: null,
    merchant_name: null,
    city: 'Mombasa',
    country: 'KE',
    occurred_at: '2026-11-20T10:15:00+03:00',
    source: 'api',
    status: riskLevel === 'high' ? 'held' : 'flagged',
    risk_score: riskLevel === 'high' ? '0.8500' : '0.5500',
    risk_level: riskLevel,
    score_breakdown: JSON.stringify(caseBreakdown(riskLevel)),
    model_version: 'rules-test',
    workflow_id: workflowId,
  });
  const [row] = await db('analyst_cases')
    .insert({
      transaction_ref: ref,
      workflow_id: workflowId,
      risk_level: riskLevel,
      status: opts.status ?? 'assigned',
      required_role: riskLevel === 'high' ? 'senior_analyst' : 'analyst',
      assignee: opts.assignee ?? null,
      sla_due_at: new Date(Date.now() + 3_600_000),
      opened_at: opts.openedAt ?? new Date(),
      decision: opts.decision ?? null,
      decided_by: opts.decidedBy ?? null,
    })
    .returning<{ id: number }[]>('id');
  return { caseId: row!.id, ref, workflowId };
}

/** A complete breakdown (the shape the lifecycle records) for a case inserted without scoring. */
function caseBreakdown(level: 'medium' | 'high'): ScoreBreakdown {
  const points = level === 'high' ? 8500 : 5500;
  return {
    score: points / 10_000,
    points,
    level,
    rules: [{ rule: 'amount', label: 'Large amount', hit: true, points, contribution: points / 10_000, detail: 'inserted by the test' }],
    anomaly: { enabled: false, modelVersion: null, score: null, points: 0, contribution: 0, detail: 'anomaly model off' },
    thresholds: { medium: 4000, high: 7000 },
    modelVersion: 'rules-test',
  };
}
