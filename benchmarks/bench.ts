// npm run bench — Kinga against bare Temporal on the same server, in one run, interleaved; prints
// ratios (absolute figures on a shared machine are noisy, ratios within one run are not).
//   npm run bench -- [--n 300] [--in-flight 30] [--latency 60] [--rounds 2] [--skip-forest]
//                    [--only throughput,latency,scoring,forest]   (a part or several; default these)
//                    [--only backlog] [--backlog-rows 5000] [--backlog-samples 30]
//   backlog: API real-time answers while a warehouse-sized backfill runs, against the same with none
// Starts its own PostgreSQL (the machine's server binaries), Temporal dev server, Kinga worker and
// baseline worker, and stops them at the end. Figures are printed and written to
// .kinga/bench/last.json; nothing is asserted.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import proto from '@temporalio/proto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { loadConfig } from '../config';
import { createApp } from '../api/app';
import { ingestTransactions } from '../api/transactions/service';
import { createUser } from '../api/users/service';
import { REPO_ROOT } from '../scripts/lib/temporalCli';
import { lifecycleWorkflowId, type LifecycleState } from '../workflows/lifecycle/definitions';
import type { bareAnswerWorkflow, bareWorkflow } from './baseline/workflows';
import { compareForests, printForestComparison, type ForestComparison } from './forestVsSklearn';
import { machineSummary, memoryMiB, processCpuMs, treeCpuMs } from './lib/procStat';
import { BASELINE_TASK_QUEUE, KINGA_TASK_QUEUE, startBenchStack, type BenchStack } from './lib/stack';
import { fmt, percentile, ratio, runLimited } from './lib/stats';
import { everydayTransaction, seedWorkload, type Workload } from './lib/workload';
import { scoringBench, type ScoringFigures } from './scoring';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    'in-flight': { type: 'string', default: '30' },
    latency: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '2' },
    customers: { type: 'string', default: '200' },
    'skip-forest': { type: 'boolean', default: false },
    only: { type: 'string', default: 'throughput,latency,scoring,forest' },
    'backlog-rows': { type: 'string', default: '5000' },
    'backlog-samples': { type: 'string', default: '30' },
  },
});
const PARTS = new Set(args.only.split(',').map((p) => p.trim()));
for (const part of PARTS) if (!['throughput', 'latency', 'scoring', 'forest', 'backlog'].includes(part)) throw new Error(`--only: unknown part ${part}`);
const runs = (part: 'throughput' | 'latency' | 'scoring' | 'forest' | 'backlog') => PARTS.has(part) && !(part === 'forest' && args['skip-forest']);
const N = Number(args.n);
const IN_FLIGHT = Number(args['in-flight']);
const LATENCY_SAMPLES = Number(args.latency);
const ROUNDS = Number(args.rounds);
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const POLL_MS = 20;

type Side = 'kinga' | 'bare';
interface CpuSnapshot {
  temporal: number;
  worker: number;
  postgres: number;
}
interface SideFigures {
  workflows: number;
  seconds: number;
  cpu: CpuSnapshot;
  statuses: Record<string, number>;
}

async function main() {
  const t0 = Date.now();
  log(`machine: ${machineSummary()}`);
  if (!runs('throughput') && !runs('latency') && !runs('backlog')) {
    report({ ...(await alone()), workload: null });
    log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return;
  }
  const stack = await startBenchStack();
  try {
    await run(stack);
  } finally {
    await stack.stop();
    log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}

async function run(stack: BenchStack) {
  const { client, db } = stack;
  log('seeding the warehouse history and training the anomaly model');
  const workload = await seedWorkload(db, { customers: Number(args.customers), days: 30 });
  log(`${workload.historyRows} history rows, ${workload.customers.length} customers, model v${workload.modelVersion}; starting the workers`);
  const [kingaWorker, baselineWorker] = await Promise.all([stack.startKingaWorker(), stack.startBaselineWorker()]);
  const workerPid: Record<Side, number> = { kinga: kingaWorker.pid, bare: baselineWorker.pid };

  const cpuNow = (side: Side): CpuSnapshot => ({
    temporal: treeCpuMs(stack.temporalServer.pid),
    worker: processCpuMs(workerPid[side]),
    postgres: treeCpuMs(stack.postgresPid),
  });
  const figures: Record<Side, SideFigures> = {
    kinga: { workflows: 0, seconds: 0, cpu: { temporal: 0, worker: 0, postgres: 0 }, statuses: {} },
    bare: { workflows: 0, seconds: 0, cpu: { temporal: 0, worker: 0, postgres: 0 }, statuses: {} },
  };

  let seq = 0;
  let sampleLifecycle = '';
  const fx = loadConfig(stack.kingaEnv).fx;
  const kingaLifecycle = async (prefix: string, i: number) => {
    const t = everydayTransaction(workload, prefix, seq++);
    await ingestTransactions({ db, temporal: client, taskQueue: KINGA_TASK_QUEUE, fx }, [t], { batch: false, requestId: `bench-${t.transactionRef}` });
    const state = await client.workflow.getHandle<(i: unknown) => Promise<LifecycleState>>(lifecycleWorkflowId(t.transactionRef)).result();
    // the history figures are those of an auto-approved lifecycle, the path measured here
    if (!sampleLifecycle && state.status === 'approved') sampleLifecycle = lifecycleWorkflowId(t.transactionRef);
    void i;
    return state.status;
  };
  const bareRoundTrip = async (prefix: string, i: number) => {
    await client.workflow.execute<typeof bareWorkflow>('bareWorkflow', { taskQueue: BASELINE_TASK_QUEUE, workflowId: `bare-${prefix}-${i}`, args: [{ ref: `${prefix}-${i}` }] });
    return 'done';
  };
  const sides: Record<Side, (prefix: string, i: number) => Promise<string>> = { kinga: kingaLifecycle, bare: bareRoundTrip };

  log('warming up');
  for (const side of ['kinga', 'bare'] as Side[]) await runLimited(20, 10, async (i) => void (await sides[side]('warm', i)));

  // --- throughput, interleaved rounds ---------------------------------------------------------
  const perRound = Math.ceil(N / ROUNDS);
  for (let r = 0; r < (runs('throughput') ? ROUNDS : 0); r++) {
    for (const side of (r % 2 === 0 ? ['kinga', 'bare'] : ['bare', 'kinga']) as Side[]) {
      log(`throughput round ${r + 1}/${ROUNDS}: ${side}, ${perRound} workflows, ${IN_FLIGHT} in flight`);
      const before = cpuNow(side);
      const started = performance.now();
      await runLimited(perRound, IN_FLIGHT, async (i) => {
        const status = await sides[side](`tp${r}`, i);
        figures[side].statuses[status] = (figures[side].statuses[status] ?? 0) + 1;
      });
      const f = figures[side];
      f.seconds += (performance.now() - started) / 1000;
      f.workflows += perRound;
      const after = cpuNow(side);
      for (const k of Object.keys(after) as (keyof CpuSnapshot)[]) f.cpu[k] += after[k] - before[k];
    }
  }
  const memory = { kinga: memoryMiB(kingaWorker.pid), bare: memoryMiB(baselineWorker.pid) };

  // --- latency, one at a time, interleaved ----------------------------------------------------
  const samples = runs('latency') ? LATENCY_SAMPLES : 0;
  if (samples) log(`latency: ${samples} samples each`);
  const api = await startApi(stack);
  const latency: Record<string, number[]> = { post: [], bare: [], realtime: [], bareUws: [] };
  let gets = 0;
  let pending = 0;
  try {
    for (let i = 0; i < samples; i++) {
      const t = everydayTransaction(workload, 'lat', seq++);
      let started = performance.now();
      const posted = await api.request('POST', '/api/transactions', t);
      if (posted.status !== 202) throw new Error(`POST /api/transactions answered ${posted.status}: ${JSON.stringify(posted.body)}`);
      for (;;) {
        gets++;
        const got = await api.request('GET', `/api/transactions/${t.transactionRef}`);
        const status = (got.body as { status?: string }).status;
        if (status && status !== 'received') break;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      latency.post!.push(performance.now() - started);
      started = performance.now();
      await bareRoundTrip('lat', i);
      latency.bare!.push(performance.now() - started);

      // the real-time answer (update-with-start through the API) against a bare update-with-start
      const rt = everydayTransaction(workload, 'rt', seq++);
      started = performance.now();
      const answered = await api.request('POST', '/api/transactions/realtime', rt);
      latency.realtime!.push(performance.now() - started);
      if (answered.status === 202) pending++;
      else if (answered.status !== 200) throw new Error(`POST /api/transactions/realtime answered ${answered.status}: ${JSON.stringify(answered.body)}`);
      started = performance.now();
      await client.workflow.executeUpdateWithStart('answer', {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof bareAnswerWorkflow>('bareAnswerWorkflow', {
          workflowId: `bare-uws-${i}`,
          taskQueue: BASELINE_TASK_QUEUE,
          args: [{ ref: `uws-${i}` }],
          workflowIdConflictPolicy: 'FAIL',
        }),
      });
      latency.bareUws!.push(performance.now() - started);
    }
  } finally {
    await api.close();
  }

  const backlog = runs('backlog') ? await backlogPart(stack, (prefix) => everydayTransaction(workload, prefix, seq++)) : undefined;

  // --- history per workflow -------------------------------------------------------------------
  const histories = { kinga: await historyFigures(client, sampleLifecycle), bare: await historyFigures(client, 'bare-warm-0') };

  report({ figures, memory, latency, gets: gets / Math.max(samples, 1), pending, boundMs: loadConfig(stack.kingaEnv).api.realtimeBoundMs, histories, backlog, ...(await alone()), workload });
}

interface BacklogFigures {
  rows: number;
  samples: number;
  quiet: number[];
  busy: number[];
  busyPending: number;
  /** the same answers with the API on the backfill queue (one queue for all, as before) */
  shared: number[];
  sharedPending: number;
  boundMs: number;
  /** backfill lifecycles started and finished when the busy samples began and ended */
  progressAtStart: { started: number; finished: number };
  progressAtEnd: { started: number; finished: number };
}

/**
 * API real-time answers (interactive task queue) with no backfill, then while a backfill of
 * BACKLOG_ROWS transactions runs on the backfill queue, started the way the warehouse extraction
 * starts them (recorded, then their lifecycles started on TEMPORAL_TASK_QUEUE, 16 at a time).
 */
async function backlogPart(stack: BenchStack, transaction: (prefix: string) => ReturnType<typeof everydayTransaction>): Promise<BacklogFigures> {
  const rows = Number(args['backlog-rows']);
  const samples = Number(args['backlog-samples']);
  const api = await startApi(stack);
  // the API as it was: transactions on the one queue the backfill also uses
  const sharedApi = await startApi(stack, { TEMPORAL_INTERACTIVE_TASK_QUEUE: KINGA_TASK_QUEUE });
  const boundMs = loadConfig(stack.kingaEnv).api.realtimeBoundMs;
  const sharedRefs: string[] = [];
  const answer = async (client: ApiClient, into: number[]): Promise<boolean> => {
    const started = performance.now();
    const txn = transaction('bl');
    if (client === sharedApi) sharedRefs.push(txn.transactionRef);
    const res = await client.request('POST', '/api/transactions/realtime', txn);
    into.push(performance.now() - started);
    if (res.status !== 200 && res.status !== 202) throw new Error(`POST /api/transactions/realtime answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.status === 202;
  };
  const figures: BacklogFigures = { rows, samples, quiet: [], busy: [], busyPending: 0, shared: [], sharedPending: 0, boundMs, progressAtStart: { started: 0, finished: 0 }, progressAtEnd: { started: 0, finished: 0 } };
  let started = 0;
  const progress = async () => {
    const [{ n }] = (await stack.db('transactions').where('transaction_ref', 'like', 'bf-%').whereNot('status', 'received').count({ n: '*' })) as [{ n: string | number }];
    return { started, finished: Number(n) };
  };
  try {
    for (let i = 0; i < 5; i++) await answer(api, []); // the interactive Worker polls and is warm
    log(`backlog: ${samples} real-time answers with no backfill`);
    for (let i = 0; i < samples; i++) await answer(api, figures.quiet);

    log(`backlog: recording and starting a ${rows}-row backfill on ${KINGA_TASK_QUEUE}`);
    const fx = loadConfig(stack.kingaEnv).fx;
    const backfill = transactionsFor(rows, (i) => ({ ...transaction('bf-src'), transactionRef: `bf-${i}` }));
    let feedFailed: unknown;
    const feed = (async () => {
      for (let i = 0; i < backfill.length; i += 500) {
        const chunk = backfill.slice(i, i + 500);
        await ingestTransactions({ db: stack.db, temporal: stack.client, taskQueue: KINGA_TASK_QUEUE, fx }, chunk, { batch: true, requestId: 'bench-backfill' });
        started += chunk.length;
      }
    })().catch((err: unknown) => {
      feedFailed = err;
    });
    // answers are measured once the backlog is real: the first 1,000 lifecycles are queued
    while (started < Math.min(1000, rows) && feedFailed === undefined) await new Promise((r) => setTimeout(r, 100));
    figures.progressAtStart = await progress();
    log(`backlog: ${samples} real-time answers during the backfill (${figures.progressAtStart.started} started, ${figures.progressAtStart.finished} finished)`);
    for (let i = 0; i < samples; i++) if (await answer(api, figures.busy)) figures.busyPending++;
    figures.progressAtEnd = await progress();
    log('backlog: 5 answers with the API on the backfill queue (one queue, as before)');
    for (let i = 0; i < 5; i++) if (await answer(sharedApi, figures.shared)) figures.sharedPending++;
    await feed;
    if (feedFailed !== undefined) throw feedFailed;
  } finally {
    // Those answered 202 still wait behind the backfill, their updates long-polling: ended here,
    // so no call is left open when the stack stops.
    for (const ref of sharedRefs) {
      await stack.client.workflow
        .getHandle(lifecycleWorkflowId(ref))
        .terminate('benchmark over')
        .catch(() => undefined);
    }
    await api.close();
    await sharedApi.close();
  }
  return figures;
}

function transactionsFor<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

/** The parts that need no Temporal: scoring alone and the forest. */
async function alone(): Promise<{ scoring: ScoringFigures | null; forest: ForestComparison | null }> {
  let scoring: ScoringFigures | null = null;
  let forest: ForestComparison | null = null;
  if (runs('scoring')) {
    log('scoring alone on one core');
    scoring = scoringBench();
  }
  if (runs('forest')) {
    log('isolation forest vs scikit-learn');
    forest = await compareForests({ report: (t) => process.stderr.write(t) });
  }
  return { scoring, forest };
}

type EventType = proto.temporal.api.enums.v1.EventType;
const EventType = proto.temporal.api.enums.v1.EventType;

/** What one workflow cost Temporal: its history's events and bytes, and what they were. */
async function historyFigures(client: BenchStack['client'], workflowId: string): Promise<HistoryFigures> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const count = (...types: EventType[]) => events.filter((e) => types.includes(e.eventType as EventType)).length;
  return {
    events: events.length,
    bytes: proto.temporal.api.history.v1.History.encode({ events }).finish().length,
    workflowTasks: count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    activities: count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    localActivities: events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
    upserts: count(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED),
  };
}

interface HistoryFigures {
  events: number;
  bytes: number;
  workflowTasks: number;
  activities: number;
  localActivities: number;
  upserts: number;
}

type Run = {
  scoring: ScoringFigures | null;
  forest: ForestComparison | null;
  workload: Workload | null;
} & Partial<{
  figures: Record<Side, SideFigures>;
  memory: Record<Side, { rss: number; peak: number }>;
  latency: Record<string, number[]>;
  gets: number;
  pending: number;
  boundMs: number;
  histories: Record<Side, HistoryFigures>;
  backlog: BacklogFigures;
}>;

function report(r: Run) {
  const row = (name: string, bare: string, kinga: string, rat: string) => console.log(`| ${name} | ${bare} | ${kinga} | ${rat} |`);
  console.log(`\nKinga vs bare Temporal — ${new Date().toISOString()} — ${machineSummary()} — parts: ${[...PARTS].filter((p) => runs(p as 'forest')).join(', ')}`);
  if (r.workload) {
    console.log(`N=${N} per side in ${ROUNDS} interleaved rounds, ${IN_FLIGHT} in flight; ${runs('latency') ? LATENCY_SAMPLES : 0} latency samples; ${r.workload.customers.length} customers with history`);
  }
  const f = r.figures;
  if (f && runs('throughput')) console.log(`Kinga outcomes: ${Object.entries(f.kinga.statuses).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log('\n| figure | bare Temporal | Kinga | ratio |');
  console.log('| --- | --- | --- | --- |');
  if (f && runs('throughput')) {
    const tput = (s: Side) => f[s].workflows / f[s].seconds;
    const cpuPer = (s: Side, k: keyof CpuSnapshot) => f[s].cpu[k] / f[s].workflows;
    const cpuAll = (s: Side) => cpuPer(s, 'temporal') + cpuPer(s, 'worker') + cpuPer(s, 'postgres');
    row('throughput (wf/s)', fmt(tput('bare')), fmt(tput('kinga')), ratio(tput('kinga'), tput('bare')));
    row('CPU per workflow, all processes (ms)', fmt(cpuAll('bare')), fmt(cpuAll('kinga')), ratio(cpuAll('kinga'), cpuAll('bare')));
    for (const k of ['temporal', 'worker', 'postgres'] as const) row(`  CPU per workflow: ${k} (ms)`, fmt(cpuPer('bare', k)), fmt(cpuPer('kinga', k)), ratio(cpuPer('kinga', k), cpuPer('bare', k)));
    if (r.memory) row('worker memory RSS / peak (MiB)', `${fmt(r.memory.bare.rss, 0)} / ${fmt(r.memory.bare.peak, 0)}`, `${fmt(r.memory.kinga.rss, 0)} / ${fmt(r.memory.kinga.peak, 0)}`, ratio(r.memory.kinga.peak, r.memory.bare.peak));
  }
  if (r.latency && runs('latency')) {
    const p = (k: string, q: number) => percentile(r.latency![k]!, q);
    row('latency p50, POST → approved visible vs workflow round trip (ms)', fmt(p('bare', 50), 0), fmt(p('post', 50), 0), ratio(p('post', 50), p('bare', 50)));
    row('latency p99 (ms)', fmt(p('bare', 99), 0), fmt(p('post', 99), 0), ratio(p('post', 99), p('bare', 99)));
    row('GETs per transaction while polling', '—', fmt(r.gets ?? NaN), '—');
    row('real-time answer p50, POST /api/transactions/realtime vs bare update-with-start (ms)', fmt(p('bareUws', 50), 0), fmt(p('realtime', 50), 0), ratio(p('realtime', 50), p('bareUws', 50)));
    row('real-time answer p99 (ms)', fmt(p('bareUws', 99), 0), fmt(p('realtime', 99), 0), ratio(p('realtime', 99), p('bareUws', 99)));
    row(`real-time answers past the ${r.boundMs} ms bound (202 pending)`, '—', `${r.pending} of ${LATENCY_SAMPLES}`, '—');
  }
  if (r.histories) {
    const h = r.histories;
    const each = (name: string, k: keyof HistoryFigures) => row(`${name} per workflow (auto-approved lifecycle)`, String(h.bare[k]), String(h.kinga[k]), ratio(h.kinga[k], h.bare[k]));
    each('history events', 'events');
    each('history bytes', 'bytes');
    each('workflow tasks', 'workflowTasks');
    each('activities', 'activities');
    each('local activities', 'localActivities');
    each('search-attribute / memo upserts', 'upserts');
  }
  if (r.scoring) {
    row('scoring alone, one core, profile given (tx per CPU s)', '—', fmt(r.scoring.profileGiven, 0), ratio(r.scoring.profileGiven, 100_000) + ' of 100k');
    row('scoring alone, profile kept up to date (tx per CPU s)', '—', fmt(r.scoring.profileKept, 0), ratio(r.scoring.profileKept, 100_000) + ' of 100k');
    row(`scoring alone, profile built from ~${fmt(r.scoring.historyRows, 0)} rows (tx per CPU s)`, '—', fmt(r.scoring.profileBuilt, 0), '—');
    row(`scoring alone, profile from the customer's stored window (tx per CPU s)`, '—', fmt(r.scoring.profileStored, 0), ratio(r.scoring.profileStored, r.scoring.profileBuilt) + ' of built from rows');
  }
  if (r.forest && !('error' in r.forest.sklearn)) {
    const s = r.forest.sklearn;
    const k = r.forest.kinga;
    row(`isolation forest AUC (${r.forest.rows} rows)`, s.auc.toFixed(4), k.auc.toFixed(4), `${k.auc - s.auc >= 0 ? '+' : ''}${(k.auc - s.auc).toFixed(4)}`);
    row('isolation forest scoring (rows per CPU s)', fmt(s.rowsPerSecond, 0), fmt(k.rowsPerSecond, 0), ratio(k.rowsPerSecond, s.rowsPerSecond));
  }
  if (r.backlog) {
    const b = r.backlog;
    const p = (v: number[], q: number) => percentile(v, q);
    console.log(`\nBacklog: POST /api/transactions/realtime (interactive task queue, own Worker slots) with no backfill vs during a ${b.rows}-row backfill on the backfill queue; ${b.samples} answers each, bound ${b.boundMs} ms`);
    console.log('\n| figure | no backfill | during backfill | ratio |');
    console.log('| --- | --- | --- | --- |');
    row('real-time answer p50 (ms)', fmt(p(b.quiet, 50), 0), fmt(p(b.busy, 50), 0), ratio(p(b.busy, 50), p(b.quiet, 50)));
    row('real-time answer p99 (ms)', fmt(p(b.quiet, 99), 0), fmt(p(b.busy, 99), 0), ratio(p(b.busy, 99), p(b.quiet, 99)));
    row('answers past the bound (202 pending)', '—', `${b.busyPending} of ${b.samples}`, '—');
    row(
      'backfill lifecycles started / finished when the answers began → ended',
      '—',
      `${b.progressAtStart.started} / ${b.progressAtStart.finished} → ${b.progressAtEnd.started} / ${b.progressAtEnd.finished} of ${b.rows}`,
      '—',
    );
    row(
      'for contrast: API on the backfill queue (one queue, as before), p50 (ms)',
      '—',
      `${fmt(p(b.shared, 50), 0)} (${b.sharedPending} of ${b.shared.length} past the bound)`,
      ratio(p(b.shared, 50), p(b.quiet, 50)),
    );
  }
  console.log();
  if (r.forest) printForestComparison(r.forest);

  const out = path.join(REPO_ROOT, '.kinga', 'bench', 'last.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), machine: machineSummary(), n: N, inFlight: IN_FLIGHT, parts: [...PARTS], ...r, workload: undefined }, null, 2));
  log(`figures written to ${out}`);
}

interface ApiClient {
  request(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Kinga's API on a loopback port, with one analyst signed in. */
async function startApi(stack: BenchStack, env: Record<string, string> = {}): Promise<ApiClient> {
  const config = loadConfig({ ...stack.kingaEnv, ...env });
  const app = createApp({ db: stack.db, temporal: stack.client, config, logger: pino({ level: 'silent' }), jwtSecret: config.api.jwtSecret! });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let token = '';
  const request: ApiClient['request'] = (method, url, body) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        { host: '127.0.0.1', port, method, path: url, agent, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null });
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  // one analyst for every API this run starts
  if (!(await stack.db('users').where({ username: 'bench-analyst' }).first())) {
    await createUser(stack.db, { username: 'bench-analyst', displayName: 'Benchmark analyst', password: 'bench-password-1', role: 'analyst' });
  }
  const login = await request('POST', '/api/auth/login', { username: 'bench-analyst', password: 'bench-password-1' });
  token = (login.body as { token: string }).token;
  if (!token) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return {
    request,
    close: async () => {
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
