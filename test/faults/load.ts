// Steady load through the real API for fault tests: transactions ingested at a fixed rate (a
// client that retries what failed, as a bank's would: ingestion is idempotent), analysts deciding
// every case as it opens, and the tally afterwards — accepted, lost, duplicate cases, decisions
// applied twice — read from PostgreSQL and Temporal, never from the test's own bookkeeping alone.
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { expect } from 'vitest';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { HIGH_RISK, MEDIUM_RISK, transactionFactory } from '../helpers/transactions';

export type RiskMix = 'low' | 'medium' | 'high';

export interface LoadTarget {
  baseUrl: string;
  /** bearer tokens by username: amina (analyst) ingests and decides medium cases; baraka (senior) decides high ones */
  tokens: Record<string, string>;
}

interface Sent {
  ref: string;
  risk: RiskMix;
  body: Record<string, unknown>;
  /** HTTP status of every attempt (0: no answer) */
  attempts: number[];
  accepted: boolean;
}

export interface DecisionAttempt {
  caseId: string;
  ref: string;
  statuses: number[];
  applied: boolean;
}

async function post(target: LoadTarget, path: string, body: unknown, as: string): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(`${target.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.tokens[as]}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  } catch {
    return { status: 0, body: null };
  }
}

/** Every `mediumEvery`-th transaction is medium risk, every `highEvery`-th high (high wins); the rest low. */
export function riskOf(i: number, mediumEvery = 5, highEvery = 8): RiskMix {
  if (i % highEvery === highEvery - 1) return 'high';
  if (i % mediumEvery === mediumEvery - 1) return 'medium';
  return 'low';
}

export class SteadyLoad {
  readonly sent: Sent[] = [];
  readonly decisions = new Map<string, DecisionAttempt>();
  private readonly make: ReturnType<typeof transactionFactory>;
  private readonly inFlight = new Set<Promise<void>>();
  private deciding = false;
  private decider: Promise<void> | undefined;

  constructor(
    private readonly target: LoadTarget,
    readonly prefix: string,
  ) {
    this.make = transactionFactory(prefix);
  }

  /** Sends `count` transactions, one every `intervalMs`, without waiting for answers in between. */
  async ingest(count: number, intervalMs: number, onTick?: (i: number) => Promise<void> | void): Promise<void> {
    const t0 = Date.now();
    for (let i = 0; i < count; i++) {
      // a fixed schedule: a slow answer does not slow the rate down
      const due = t0 + i * intervalMs;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      await onTick?.(i);
      const risk = riskOf(i);
      const body = this.make(risk === 'high' ? HIGH_RISK : risk === 'medium' ? MEDIUM_RISK : {});
      const entry: Sent = { ref: body.transactionRef, risk, body, attempts: [], accepted: false };
      this.sent.push(entry);
      const p = this.sendOnce(entry).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
    await Promise.all([...this.inFlight]);
  }

  private async sendOnce(entry: Sent): Promise<void> {
    const res = await post(this.target, '/api/transactions', entry.body, 'amina');
    entry.attempts.push(res.status);
    if (res.status === 202) entry.accepted = true;
  }

  /** The client's retries: what was not accepted is sent again (same body) until it is. */
  async retryRefused(deadlineMs = 120_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const pending = this.sent.filter((s) => !s.accepted);
      if (pending.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending.length} transactions still refused after retrying: ${JSON.stringify(pending.slice(0, 3).map((p) => p.attempts))}`);
      for (const entry of pending) {
        // a 4xx other than a conflict is a bad request: retrying it would be wrong
        const last = entry.attempts[entry.attempts.length - 1]!;
        if (last >= 400 && last < 500 && last !== 409 && last !== 429) throw new Error(`${entry.ref} was refused with ${last}: not a fault of the outage`);
        await this.sendOnce(entry);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Analysts decide every open case of this load as it appears: medium approved, high blocked. */
  startDeciding(db: Knex): void {
    this.deciding = true;
    this.decider = (async () => {
      while (this.deciding) {
        await this.decideOpenCases(db).catch(() => undefined); // the database may be down right now
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
  }

  /**
   * Stops the background decider and decides the rest here, until every accepted medium or high
   * transaction has its case closed (a case may open late: scoring waits for Tazama, retries…).
   */
  async stopDeciding(db: Knex, deadlineMs = 240_000): Promise<void> {
    this.deciding = false;
    await this.decider;
    const deadline = Date.now() + deadlineMs;
    const needCase = this.sent.filter((s) => s.accepted && s.risk !== 'low').map((s) => s.ref);
    for (;;) {
      const open = await this.decideOpenCases(db).catch(() => -1);
      const closed = await db('analyst_cases')
        .whereIn('transaction_ref', needCase)
        .where({ status: 'closed' })
        .count<{ count: string }[]>('* as count')
        .then((r) => Number(r[0]!.count), () => -1);
      if (open === 0 && closed === needCase.length) return;
      if (Date.now() > deadline) throw new Error(`${this.prefix}: ${open} cases still open, ${closed}/${needCase.length} closed`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** One pass: a decision request for each open case; returns how many were open. */
  private async decideOpenCases(db: Knex): Promise<number> {
    const open = await db('analyst_cases').where('transaction_ref', 'like', `${this.prefix}-%`).whereNot({ status: 'closed' }).select('id', 'transaction_ref', 'risk_level');
    for (const c of open) {
      const caseId = String(c.id);
      const attempt: DecisionAttempt = this.decisions.get(caseId) ?? { caseId, ref: c.transaction_ref as string, statuses: [], applied: false };
      this.decisions.set(caseId, attempt);
      const high = c.risk_level === 'high';
      const res = await post(
        this.target,
        `/api/cases/${caseId}/decision`,
        { decision: high ? 'block' : 'approve', note: high ? 'confirmed fraud with the customer' : 'customer confirmed by phone' },
        high ? 'baraka' : 'amina',
      );
      attempt.statuses.push(res.status);
      if (res.status === 200) attempt.applied = true;
    }
    return open.length;
  }

  /** Waits until every accepted transaction's workflow has completed. */
  async settle(temporal: Client, deadlineMs = 300_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    const pending = new Set(this.sent.filter((s) => s.accepted).map((s) => s.ref));
    while (pending.size > 0) {
      for (const ref of [...pending]) {
        try {
          const d = await temporal.workflow.getHandle(lifecycleWorkflowId(ref)).describe();
          if (d.status.name !== 'RUNNING') pending.delete(ref);
        } catch {
          // not found yet, or Temporal busy: ask again
        }
      }
      if (pending.size === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending.size} workflows still running:\n${await this.explain(temporal, [...pending].slice(0, 3))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** What a stuck workflow waits for: its stage, case, pending activities with their last failure, and the decisions sent. */
  private async explain(temporal: Client, refs: string[]): Promise<string> {
    const out: string[] = [];
    for (const ref of refs) {
      try {
        const handle = temporal.workflow.getHandle(lifecycleWorkflowId(ref));
        const d = await handle.describe();
        const state = await handle.query<{ stage: string; status: string; case: { caseId: string; status: string } | null }>('state').catch((err: Error) => ({ error: err.message }));
        const pendingActivities = (d.raw.pendingActivities ?? []).map((a) => ({
          type: a.activityType?.name,
          attempt: a.attempt,
          state: a.state,
          lastFailure: a.lastFailure?.message,
        }));
        const decisions = [...this.decisions.values()].filter((x) => x.ref === ref);
        out.push(`${ref}: ${JSON.stringify({ state, pendingActivities, decisions })}`);
      } catch (err) {
        out.push(`${ref}: ${(err as Error).message}`);
      }
    }
    return out.join('\n');
  }

  /** The figures, from PostgreSQL and Temporal. */
  async tally(db: Knex, temporal: Client): Promise<Tally> {
    const accepted = this.sent.filter((s) => s.accepted);
    const refs = accepted.map((s) => s.ref);
    const rows = await db('transactions').whereIn('transaction_ref', refs).select('transaction_ref', 'status');
    const statusOf = new Map(rows.map((r) => [r.transaction_ref as string, r.status as string]));
    const cases = await db('analyst_cases').whereIn('transaction_ref', refs).select('transaction_ref', 'risk_level');
    const caseRisk = new Map(cases.map((c) => [c.transaction_ref as string, c.risk_level as string]));
    const events = await db('case_events').whereIn('transaction_ref', refs).select('transaction_ref', 'event_type');
    const count = (list: { transaction_ref: string }[]) => {
      const m = new Map<string, number>();
      for (const r of list) m.set(r.transaction_ref, (m.get(r.transaction_ref) ?? 0) + 1);
      return m;
    };
    const casesPer = count(cases);
    const decisionsPer = count(events.filter((e) => ['approved', 'blocked', 'auto_approved'].includes(e.event_type)));
    const scoredPer = count(events.filter((e) => e.event_type === 'scored'));

    // the analysts block what their case calls high risk (Tazama's alert may raise a medium one) and approve the rest
    const expected = (ref: string) => (caseRisk.get(ref) === 'high' ? 'blocked' : 'approved');
    const wrong: string[] = [];
    let workflowsCompleted = 0;
    for (const s of accepted) {
      const d = await temporal.workflow.getHandle(lifecycleWorkflowId(s.ref)).describe();
      if (d.status.name === 'COMPLETED') workflowsCompleted += 1;
      const status = statusOf.get(s.ref);
      if (status !== expected(s.ref)) wrong.push(`${s.ref} (${s.risk}): ${status ?? 'no row'}, workflow ${d.status.name}`);
      if (s.risk === 'low' && caseRisk.has(s.ref)) wrong.push(`${s.ref}: an everyday purchase got a case`);
    }
    const caseRisks = accepted.filter((s) => s.risk !== 'low');
    return {
      sent: this.sent.length,
      acceptedFirstTime: this.sent.filter((s) => s.attempts[0] === 202).length,
      acceptedOnRetry: accepted.filter((s) => s.attempts[0] !== 202).length,
      refusedAnswers: histogram(this.sent.flatMap((s) => s.attempts.filter((a) => a !== 202))),
      accepted: accepted.length,
      lost: accepted.filter((s) => !statusOf.has(s.ref)).length + wrong.length,
      wrong,
      workflowsCompleted,
      cases: cases.length,
      casesExpected: caseRisks.length,
      casesMissing: caseRisks.filter((s) => !casesPer.has(s.ref)).length,
      duplicateCases: [...casesPer.values()].filter((n) => n > 1).length,
      decisionsAppliedTwice: [...decisionsPer.values()].filter((n) => n > 1).length,
      scoredTwice: [...scoredPer.values()].filter((n) => n > 1).length,
      decisionRequests: [...this.decisions.values()].reduce((n, d) => n + d.statuses.length, 0),
      decisionAnswers: histogram([...this.decisions.values()].flatMap((d) => d.statuses)),
    };
  }
}

export interface Tally {
  sent: number;
  acceptedFirstTime: number;
  acceptedOnRetry: number;
  /** status → count, of the answers that were not 202 (0: no answer) */
  refusedAnswers: Record<string, number>;
  accepted: number;
  lost: number;
  wrong: string[];
  workflowsCompleted: number;
  cases: number;
  casesExpected: number;
  casesMissing: number;
  duplicateCases: number;
  decisionsAppliedTwice: number;
  scoredTwice: number;
  decisionRequests: number;
  decisionAnswers: Record<string, number>;
}

/** Every one of `count` transactions accepted and ended right: none lost, one case each, nothing decided or scored twice. */
export function expectEveryTransactionRight(t: Tally, count: number): void {
  expect(t.wrong).toEqual([]);
  expect(t.accepted).toBe(count);
  expect(t.lost).toBe(0);
  expect(t.workflowsCompleted).toBe(count);
  expect(t.casesMissing).toBe(0);
  expect(t.duplicateCases).toBe(0);
  expect(t.decisionsAppliedTwice).toBe(0);
  expect(t.scoredTwice).toBe(0);
}

function histogram(values: number[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const v of values) h[String(v)] = (h[String(v)] ?? 0) + 1;
  return h;
}

export function formatTally(what: string, t: Tally, extra = ''): string {
  const answers = (h: Record<string, number>) => Object.entries(h).map(([k, v]) => `${k === '0' ? 'no answer' : k}×${v}`).join(', ') || 'none';
  return (
    `${what}: ${t.sent} transactions sent, ${t.acceptedFirstTime} accepted at once, ${t.acceptedOnRetry} on the client's retry (other answers: ${answers(t.refusedAnswers)}); ` +
    `${t.workflowsCompleted}/${t.accepted} workflows completed; lost ${t.lost}; cases ${t.cases}/${t.casesExpected}, duplicate cases ${t.duplicateCases}; ` +
    `decisions applied twice ${t.decisionsAppliedTwice}, scored twice ${t.scoredTwice}; ${t.decisionRequests} decision requests (${answers(t.decisionAnswers)})${extra ? `; ${extra}` : ''}`
  );
}
