// npm run bench:backtest — the what-if backtest workflow's throughput (transactions re-scored per
// minute, target ≥ 50,000/min) beside a baseline measured in the same run: the same recorded inputs
// read in the same batches and re-scored in this process with no Temporal and no writes. Prints
// figures and the ratio; asserts nothing.
//   npm run bench:backtest -- [--customers 1100] [--days 30] [--rounds 2] [--batch 2000]
// Starts its own PostgreSQL, Temporal dev server and Kinga worker, and stops them at the end.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createRuleSetStore } from '../admin/ruleSets';
import { TRANSACTION_COLUMNS } from '../db/transactionRows';
import { toRecordedInputs, type ScoringInputsRow } from '../activities/scoringInputs';
import { amountToNumber, anomalyFeatures, buildTrainingMatrix, ProfileHistory, scoreTransaction, toEpochMs, trainIsolationForest } from '../risk';
import { prepareCandidate, recordedTazama, rescore } from '../risk/backtest';
import type { ScoreBreakdown } from '../risk/types';
import { generateHistory, toTransaction } from '../warehouse/generator';
import { backtestWorkflowId, type BacktestProgress } from '../workflows/backtest/definitions';
import type { whatIfBacktest } from '../workflows/backtest/workflow';
import { machineSummary } from './lib/procStat';
import { KINGA_TASK_QUEUE, startBenchStack, type BenchStack } from './lib/stack';
import { fmt, ratio } from './lib/stats';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1100' },
    days: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '2' },
    batch: { type: 'string', default: '2000' },
  },
});
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
const END = '2026-11-20T05:00:00.000Z';
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function main() {
  const t0 = Date.now();
  log(`machine: ${machineSummary()}`);
  const stack = await startBenchStack();
  try {
    await run(stack);
  } finally {
    await stack.stop();
    log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}

/**
 * Recorded inputs as live scoring leaves them: a generated history scored in time order with the
 * live rule set and a model trained on it, each transaction's profile from the customer's earlier
 * ones (the scorer's own code), written to transactions and scoring_inputs.
 */
async function seed(stack: BenchStack) {
  const { db } = stack;
  const config = loadConfig(stack.kingaEnv);
  const live = await createRuleSetStore(db, config).live();
  const policy = live.content.scoring;
  const timeZone = policy.rules.offHours.timeZone;
  const rows = generateHistory({ seed: 20261203, customers: Number(args.customers), days: Number(args.days), endAt: END });
  const transactions = rows.map(toTransaction);
  const training = config.anomalyTraining;
  const forest = trainIsolationForest(buildTrainingMatrix(transactions, timeZone, policy.rules.velocity.windowMinutes), { trees: training.trees, sampleSize: training.sampleSize, seed: training.seed });
  const [model] = await db('anomaly_models')
    .insert({ engine: 'kinga-iforest/1', params: JSON.stringify({ timeZone }), model: JSON.stringify(forest.toJSON()), training_rows: rows.length, training_from: rows[0]!.occurred_at, training_to: END, metrics: '{}', trained_by: 'bench-backtest' })
    .returning<{ version: number }[]>('version');
  const blacklist = new Map(live.content.blacklist.merchants.map((m) => [m.merchantId, m]));
  const histories = new Map<string, ProfileHistory>();
  const levels = { low: 0, medium: 0, high: 0 };
  for (let i = 0; i < transactions.length; i += 1000) {
    const chunk = transactions.slice(i, i + 1000).map((txn, j) => {
      const history = histories.get(txn.customerId) ?? histories.set(txn.customerId, new ProfileHistory()).get(txn.customerId)!;
      const at = toEpochMs(txn.occurredAt);
      const profile = history.profile(at, policy.rules.velocity.windowMinutes);
      history.add({ amount: amountToNumber(txn.amount), city: txn.city, country: txn.country, at });
      const anomaly = { modelVersion: model!.version, score: forest.score(anomalyFeatures(txn, profile, timeZone)) };
      const listed = txn.merchantId ? blacklist.get(txn.merchantId) : undefined;
      const breakdown: ScoreBreakdown = scoreTransaction(txn, { blacklistedMerchant: listed ? { merchantId: listed.merchantId, reason: listed.reason } : null, customer: profile }, policy, anomaly, live.version);
      levels[breakdown.level]++;
      return { row: rows[i + j]!, txn, profile, anomaly, breakdown };
    });
    await db('transactions').insert(
      chunk.map(({ row, breakdown }) => ({
        ...Object.fromEntries(TRANSACTION_COLUMNS.map((f) => [f, row[f]])),
        source: 'warehouse',
        status: breakdown.level === 'low' ? 'approved' : breakdown.level === 'high' ? 'held' : 'flagged',
        risk_score: breakdown.score.toFixed(4),
        risk_level: breakdown.level,
        score_breakdown: JSON.stringify(breakdown),
        model_version: breakdown.modelVersion,
        rule_set_version: live.version,
        workflow_id: null,
      })),
    );
    await db('scoring_inputs').insert(
      chunk.map(({ txn, profile, anomaly }) => ({
        transaction_ref: txn.transactionRef,
        occurred_at: txn.occurredAt,
        rule_set_version: live.version,
        transaction: JSON.stringify(txn),
        profile: JSON.stringify(profile),
        anomaly: JSON.stringify(anomaly),
      })),
    );
    await db('transaction_history').insert(rows.slice(i, i + 1000));
  }
  // the candidate: a lower medium threshold (a draft; nothing live changes)
  const content = structuredClone(live.content);
  content.scoring.levels.medium = Math.round(content.scoring.levels.medium * 0.8);
  const { ruleSet: candidate } = await createRuleSetStore(db, config).propose(content, 'benchmark: a lower medium threshold', { username: 'bench', role: 'admin' });
  return { count: transactions.length, levels, candidate, alertMinLevel: config.tazama.alertMinLevel, from: rows[0]!.occurred_at };
}

/** The baseline: the same keyset batches read from PostgreSQL and re-scored here, nothing written. */
async function directRescore(stack: BenchStack, s: Awaited<ReturnType<typeof seed>>): Promise<{ ms: number; changed: number; count: number }> {
  const candidate = prepareCandidate(s.candidate.version, s.candidate.content, s.alertMinLevel);
  const t = Date.now();
  let after: { at: Date; ref: string } | null = null;
  let changed = 0;
  let count = 0;
  for (;;) {
    const q = stack.db('scoring_inputs as si')
      .join('transactions as t', 't.transaction_ref', 'si.transaction_ref')
      .whereNotNull('t.risk_level')
      .orderBy([{ column: 'si.occurred_at' }, { column: 'si.transaction_ref' }])
      .limit(BATCH)
      .select<(ScoringInputsRow & { occurred_at: Date; risk_level: string; score_breakdown: ScoreBreakdown })[]>('si.*', 't.risk_level', 't.score_breakdown');
    if (after) q.andWhereRaw('(si.occurred_at, si.transaction_ref) > (?, ?)', [after.at, after.ref]);
    const rows = await q;
    for (const row of rows) {
      const inputs = toRecordedInputs(row);
      if (rescore(inputs, candidate, inputs.anomaly, recordedTazama(row.score_breakdown)).level !== row.risk_level) changed++;
    }
    count += rows.length;
    if (rows.length < BATCH) break;
    after = { at: rows.at(-1)!.occurred_at, ref: rows.at(-1)!.transaction_ref };
  }
  return { ms: Date.now() - t, changed, count };
}

async function workflowBacktest(stack: BenchStack, s: Awaited<ReturnType<typeof seed>>): Promise<{ ms: number; changed: number; count: number }> {
  const id = randomUUID();
  await stack.db('backtests').insert({ id, candidate_rule_set_version: s.candidate.version, from_at: s.from, to_at: END, requested_by: 'bench', workflow_id: backtestWorkflowId(id) });
  const t = Date.now();
  const progress: BacktestProgress = await stack.client.workflow.execute<typeof whatIfBacktest>('whatIfBacktest', {
    taskQueue: KINGA_TASK_QUEUE,
    workflowId: backtestWorkflowId(id),
    args: [{ backtestId: id, batchSize: BATCH }],
  });
  const ms = Date.now() - t;
  const row = await stack.db('backtests').where({ id }).first<{ report: { changed: number; transactions: number } }>('report');
  if (row.report.transactions !== progress.processed) throw new Error(`report counts ${row.report.transactions}, progress ${progress.processed}`);
  return { ms, changed: row.report.changed, count: row.report.transactions };
}

async function run(stack: BenchStack) {
  log(`seeding recorded inputs (${args.customers} customers, ${args.days} days)`);
  const t = Date.now();
  const s = await seed(stack);
  log(`${s.count} recorded inputs (${s.levels.low} low, ${s.levels.medium} medium, ${s.levels.high} high) in ${((Date.now() - t) / 1000).toFixed(0)} s; starting the worker`);
  await stack.db.raw('analyze');
  await stack.startKingaWorker({ ANOMALY_ENABLED: 'true' });

  const perMin = (r: { ms: number; count: number }) => (r.count / r.ms) * 60_000;
  const results: Array<{ round: number; workflow: { ms: number; changed: number; count: number }; direct: { ms: number; changed: number; count: number } }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // alternate which goes first, so neither always runs on a warmer cache
    const first = round % 2 === 1 ? 'direct' : 'workflow';
    const a = first === 'direct' ? await directRescore(stack, s) : await workflowBacktest(stack, s);
    const b = first === 'direct' ? await workflowBacktest(stack, s) : await directRescore(stack, s);
    const [direct, workflow] = first === 'direct' ? [a, b] : [b, a];
    if (direct.changed !== workflow.changed) throw new Error(`the workflow found ${workflow.changed} level changes, the direct re-score ${direct.changed}`);
    results.push({ round, workflow, direct });
    log(`round ${round}: workflow ${fmt(perMin(workflow), 0)}/min, direct ${fmt(perMin(direct), 0)}/min (${workflow.changed} change level)`);
  }

  const total = (side: 'workflow' | 'direct') => results.reduce((acc, r) => ({ ms: acc.ms + r[side].ms, count: acc.count + r[side].count }), { ms: 0, count: 0 });
  const wf = perMin(total('workflow'));
  const direct = perMin(total('direct'));
  console.log('');
  console.log(`What-if backtest throughput — ${s.count} recorded inputs, batches of ${BATCH}, ${ROUNDS} round(s), ${machineSummary()}`);
  console.log('');
  console.log('| run | transactions / minute | seconds per run |');
  console.log('| --- | ---: | ---: |');
  console.log(`| backtest workflow (Temporal, batch activities, results written) | ${fmt(wf, 0)} | ${fmt(total('workflow').ms / 1000 / ROUNDS, 1)} |`);
  console.log(`| baseline: direct re-score loop (same reads, in process, no writes) | ${fmt(direct, 0)} | ${fmt(total('direct').ms / 1000 / ROUNDS, 1)} |`);
  console.log('');
  console.log(`workflow / baseline: ${ratio(wf, direct)} · target ≥ 50,000 transactions/minute: ${wf >= 50_000 ? 'met' : 'NOT met'} · ${results[0]!.workflow.changed} of ${s.count} change level under the candidate`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
