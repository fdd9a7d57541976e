// npm run bench:cluster — Kinga on a production-shaped Temporal: the real server (built from the
// Go module proxy, cached in .kinga/temporal-server/), PostgreSQL persistence and visibility,
// several history shards, frontend/history/matching/worker as separate processes. Runs the
// throughput benchmark (Kinga's auto-approve lifecycle against the bare one-activity workflow, on
// the same cluster, in interleaved rounds) with 1, 2 and 4 Kinga worker processes and prints the
// scaling, the CPU per workflow of each process group, and how many of the machine's cores the
// run's processes kept busy (on a small machine that, not Kinga, is what stops the scaling).
//   npm run bench:cluster -- [--n 500] [--in-flight 50] [--rounds 2] [--workers 1,2,4] [--shards 8] [--customers 200]
// Everything it starts (PostgreSQL, the four Temporal services, the workers) is stopped and its
// files removed at the end, also on failure and on Ctrl-C. Not part of `npm test`: figures are
// printed and written to .kinga/bench/cluster-last.json, nothing is asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { createDb, migrateLatest } from '../db/connection';
import { ingestTransactions } from '../api/transactions/service';
import { REPO_ROOT } from '../scripts/lib/temporalCli';
import { ensureTemporalServerBuilt, startTemporalCluster, TEMPORAL_SERVER_VERSION, type TemporalCluster, type TemporalService } from '../scripts/lib/temporalCluster';
import { freePort } from '../scripts/lib/ports';
import { startThrowawayPostgres } from '../scripts/lib/throwawayPostgres';
import { lifecycleWorkflowId, type LifecycleState } from '../workflows/lifecycle/definitions';
import type { bareWorkflow } from './baseline/workflows';
import { findProcess, machineSummary, processCpuMs, treeCpuMs } from './lib/procStat';
import { spawnTsx, type TsxProcess } from './lib/spawnTsx';
import { fmt, ratio, runLimited } from './lib/stats';
import { everydayTransaction, seedWorkload, type Workload } from './lib/workload';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    'in-flight': { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,2,4' },
    rounds: { type: 'string', default: '2' },
    shards: { type: 'string', default: '8' },
    customers: { type: 'string', default: '200' },
  },
});
const N = Number(args.n);
const IN_FLIGHT = Number(args['in-flight']);
const WORKER_COUNTS = args.workers.split(',').map((w) => Number(w.trim()));
const SHARDS = Number(args.shards);
const ROUNDS = Number(args.rounds);
for (const [name, v] of [['--n', N], ['--in-flight', IN_FLIGHT], ['--shards', SHARDS], ['--rounds', ROUNDS], ...WORKER_COUNTS.map((w) => ['--workers', w] as const)] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number`);
}
const NAMESPACE = 'kinga-bench';
const KINGA_TASK_QUEUE = 'kinga-bench';
const BASELINE_TASK_QUEUE = 'baseline-bench';
const log = (msg: string) => process.stderr.write(`[bench:cluster] ${msg}\n`);

type Side = 'kinga' | 'bare';
type Group = TemporalService | 'kingaWorkers' | 'baselineWorker' | 'postgres' | 'driver';
const GROUPS: Group[] = ['frontend', 'history', 'matching', 'worker', 'kingaWorkers', 'baselineWorker', 'postgres', 'driver'];
type Cpu = Record<Group, number>;

interface StepFigures {
  kingaWorkers: number;
  perSide: Record<Side, { workflows: number; seconds: number; cpu: Cpu; statuses: Record<string, number> }>;
  /** the machine's 1-minute load average when the step ended (other work on a shared machine shows here) */
  loadAverage: number;
}

// What is running, stopped in reverse order at the end, on failure and on Ctrl-C.
const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];
let stopping: Promise<void> | undefined;
const stopAll = () =>
  (stopping ??= (async () => {
    for (const s of stoppers.splice(0).reverse()) await s.stop().catch((err: Error) => log(`stopping ${s.name}: ${err.message}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void stopAll().finally(() => process.exit(130));
  });
}

function spawnNode(name: string, scriptArgs: string[], env: Record<string, string>): TsxProcess {
  const proc = spawnTsx(name, scriptArgs, env);
  stoppers.push(proc);
  return proc;
}

async function main() {
  const started = Date.now();
  log(`machine: ${machineSummary()}`);
  const build = await ensureTemporalServerBuilt({ cacheDir: path.join(REPO_ROOT, '.kinga', 'temporal-server'), version: TEMPORAL_SERVER_VERSION, env: process.env, report: log });
  log(`temporal-server ${build.version}: ${build.serverBin}${build.built ? ' (built now)' : ' (cached)'}; schemas from ${build.moduleDir}`);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-cluster-'));
  stoppers.push({ name: 'work directory', stop: async () => fs.rmSync(workDir, { recursive: true, force: true }) });
  const postgres = await startThrowawayPostgres({ database: 'kinga_bench' });
  stoppers.push({ name: 'PostgreSQL', stop: () => postgres.stop() });
  const postgresPid = findProcess(postgres.dataDir);
  if (!postgresPid) throw new Error(`cannot find the postgres process for ${postgres.dataDir}`);
  log(`PostgreSQL on 127.0.0.1:${postgres.port}`);

  const cluster = await startTemporalCluster({ build, postgres: { host: '127.0.0.1', port: postgres.port, user: 'postgres' }, workDir, historyShards: SHARDS, namespace: NAMESPACE, report: log });
  stoppers.push({ name: 'Temporal services', stop: () => cluster.stop() });
  log(`Temporal cluster on ${cluster.address}: ${SHARDS} history shards, ${cluster.services.map((s) => `${s.service} (pid ${s.pid})`).join(', ')}`);

  const db = createDb(postgres.url, 10);
  stoppers.push({ name: 'database pool', stop: () => db.destroy() });
  await migrateLatest(db);
  const connection = await Connection.connect({ address: cluster.address });
  stoppers.push({ name: 'Temporal client', stop: () => connection.close() });
  const client = new Client({ connection, namespace: NAMESPACE });

  log('seeding the warehouse history and training the anomaly model');
  const workload = await seedWorkload(db, { customers: Number(args.customers), days: 30 });

  log('bundling the workflow code once for every Kinga worker process');
  const bundle = path.join(workDir, 'workflow-bundle.js');
  const bundler = spawnNode('workflow bundler', ['workers/worker.ts', '--bundle', bundle], {});
  while (!bundler.exited()) await new Promise((r) => setTimeout(r, 200));
  if (!fs.existsSync(bundle)) throw new Error(`bundling the workflows failed:\n${bundler.tail()}`);

  const kingaEnv: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: KINGA_TASK_QUEUE,
    KINGA_WORKFLOW_BUNDLE: bundle,
    TEMPORAL_SCHEDULES_ENABLED: 'false',
    EXTRACTION_ENABLED: 'false',
    METRICS_ENABLED: 'false',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  };
  const fx = loadConfig(kingaEnv).fx;

  /** Waits until `count` distinct worker processes poll the task queue for workflow tasks. */
  const waitForPollers = async (taskQueue: string, count: number, procs: TsxProcess[]) => {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const dead = procs.find((p) => p.exited());
      if (dead) throw new Error(`${dead.name} exited during start-up:\n${dead.tail()}`);
      const res = await connection.workflowService.describeTaskQueue({ namespace: NAMESPACE, taskQueue: { name: taskQueue }, taskQueueType: 1 });
      if (new Set((res.pollers ?? []).map((p) => p.identity)).size >= count) return;
      if (Date.now() > deadline) throw new Error(`${count} worker processes did not poll ${taskQueue} within 5 minutes:\n${procs.map((p) => p.tail()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const baseline = spawnNode('baseline worker', ['benchmarks/baseline/worker.ts', cluster.address, NAMESPACE, BASELINE_TASK_QUEUE], {});
  await waitForPollers(BASELINE_TASK_QUEUE, 1, [baseline]);
  const kingaWorkers: TsxProcess[] = [];

  const pidOf = (service: TemporalService) => cluster.services.find((s) => s.service === service)!.pid;
  const cpuNow = (): Cpu => {
    const own = process.cpuUsage();
    return {
      frontend: processCpuMs(pidOf('frontend')),
      history: processCpuMs(pidOf('history')),
      matching: processCpuMs(pidOf('matching')),
      worker: processCpuMs(pidOf('worker')),
      kingaWorkers: kingaWorkers.reduce((sum, w) => sum + processCpuMs(w.pid), 0),
      baselineWorker: processCpuMs(baseline.pid),
      postgres: treeCpuMs(postgresPid),
      driver: (own.user + own.system) / 1000,
    };
  };

  let seq = 0;
  const kingaLifecycle = async (prefix: string) => {
    const t = everydayTransaction(workload, prefix, seq++);
    await ingestTransactions({ db, temporal: client, taskQueue: KINGA_TASK_QUEUE, fx }, [t], { batch: false, requestId: `bench-${t.transactionRef}` });
    const state = await client.workflow.getHandle<(i: unknown) => Promise<LifecycleState>>(lifecycleWorkflowId(t.transactionRef)).result();
    return state.status;
  };
  const bareRoundTrip = async (prefix: string) => {
    const i = seq++;
    await client.workflow.execute<typeof bareWorkflow>('bareWorkflow', { taskQueue: BASELINE_TASK_QUEUE, workflowId: `bare-${prefix}-${i}`, args: [{ ref: `${prefix}-${i}` }] });
    return 'done';
  };
  const sides: Record<Side, (prefix: string) => Promise<string>> = { kinga: kingaLifecycle, bare: bareRoundTrip };

  const steps: StepFigures[] = [];
  for (const [s, count] of WORKER_COUNTS.entries()) {
    while (kingaWorkers.length < count) {
      const w = spawnNode(`kinga worker ${kingaWorkers.length + 1}`, ['workers/worker.ts'], { ...kingaEnv, WORKER_HEALTH_PORT: String(await freePort()) });
      kingaWorkers.push(w);
    }
    // a worker count below the one already running is measured with the extra ones stopped
    while (kingaWorkers.length > count) await kingaWorkers.pop()!.stop();
    await waitForPollers(KINGA_TASK_QUEUE, count, kingaWorkers);
    log(`${count} Kinga worker process(es) polling; warming up`);
    for (const side of ['kinga', 'bare'] as Side[]) await runLimited(2 * IN_FLIGHT, IN_FLIGHT, async () => void (await sides[side](`warm${count}`)));

    const zero = () => Object.fromEntries(GROUPS.map((g) => [g, 0])) as Cpu;
    const step: StepFigures = {
      kingaWorkers: count,
      perSide: { kinga: { workflows: 0, seconds: 0, cpu: zero(), statuses: {} }, bare: { workflows: 0, seconds: 0, cpu: zero(), statuses: {} } },
      loadAverage: 0,
    };
    const perRound = Math.ceil(N / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      for (const side of ((s + r) % 2 === 0 ? ['kinga', 'bare'] : ['bare', 'kinga']) as Side[]) {
        const f = step.perSide[side];
        const before = cpuNow();
        const t0 = performance.now();
        await runLimited(perRound, IN_FLIGHT, async () => {
          const status = await sides[side](`c${count}-${side}`);
          f.statuses[status] = (f.statuses[status] ?? 0) + 1;
        });
        const seconds = (performance.now() - t0) / 1000;
        const after = cpuNow();
        for (const g of GROUPS) f.cpu[g] += after[g] - before[g];
        f.seconds += seconds;
        f.workflows += perRound;
        log(`${count} worker(s), round ${r + 1}/${ROUNDS}: ${side} ${fmt(perRound / seconds)} wf/s (${perRound} workflows, ${IN_FLIGHT} in flight; load average ${os.loadavg()[0]!.toFixed(1)})`);
      }
    }
    step.loadAverage = os.loadavg()[0]!;
    steps.push(step);
  }
  report(steps, cluster, workload);
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; stopping`);
}

function report(steps: StepFigures[], cluster: TemporalCluster, workload: Workload) {
  const tput = (st: StepFigures, side: Side) => st.perSide[side].workflows / st.perSide[side].seconds;
  const per = (st: StepFigures, side: Side, groups: Group[]) => groups.reduce((sum, g) => sum + st.perSide[side].cpu[g], 0) / st.perSide[side].workflows;
  const temporal: Group[] = ['frontend', 'history', 'matching', 'worker'];
  const first = steps[0]!;
  console.log(
    `\nKinga on a Temporal cluster — ${new Date().toISOString()} — ${machineSummary()}\n` +
      `temporal-server ${TEMPORAL_SERVER_VERSION} on PostgreSQL, ${cluster.historyShards} history shards, frontend/history/matching/worker as 4 processes; ` +
      `N=${N} per side per step in ${ROUNDS} interleaved rounds, ${IN_FLIGHT} in flight, ${workload.customers.length} customers; bare: one baseline worker process`,
  );
  // CPU seconds per wall-clock second of all the run's processes: how many cores they kept busy
  const coresBusy = (st: StepFigures, side: Side) => GROUPS.reduce((sum, g) => sum + st.perSide[side].cpu[g], 0) / 1000 / st.perSide[side].seconds;
  console.log('\n| Kinga worker processes | Kinga wf/s | vs 1st step | bare wf/s, same cluster | Kinga vs bare | cores busy, Kinga / bare (of ' + os.cpus().length + ') | load average | Kinga outcomes |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const st of steps) {
    const outcomes = Object.entries(st.perSide.kinga.statuses).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(
      `| ${st.kingaWorkers} | ${fmt(tput(st, 'kinga'))} | ${ratio(tput(st, 'kinga'), tput(first, 'kinga'))} | ${fmt(tput(st, 'bare'))} | ${ratio(tput(st, 'kinga'), tput(st, 'bare'))} | ${fmt(coresBusy(st, 'kinga'), 2)} / ${fmt(coresBusy(st, 'bare'), 2)} | ${fmt(st.loadAverage)} | ${outcomes} |`,
    );
  }
  console.log('\nCPU per workflow (ms), by process group: Kinga lifecycle / bare workflow');
  console.log('\n| Kinga worker processes | Temporal (frontend + history + matching + worker) | Kinga workers / baseline worker | PostgreSQL | benchmark driver (client, ingest) | all |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const pair = (st: StepFigures, k: Group[], b: Group[] = k) => `${fmt(per(st, 'kinga', k))} / ${fmt(per(st, 'bare', b))}`;
  for (const st of steps) {
    const split = (side: Side) => temporal.map((g) => fmt(per(st, side, [g]), 0)).join('+');
    console.log(
      `| ${st.kingaWorkers} | ${pair(st, temporal)} (${split('kinga')} / ${split('bare')}) | ${fmt(per(st, 'kinga', ['kingaWorkers']))} / ${fmt(per(st, 'bare', ['baselineWorker']))} | ${pair(st, ['postgres'])} | ${pair(st, ['driver'])} | ${pair(st, GROUPS)} |`,
    );
  }
  console.log();
  const out = path.join(REPO_ROOT, '.kinga', 'bench', 'cluster-last.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), machine: machineSummary(), version: TEMPORAL_SERVER_VERSION, shards: cluster.historyShards, n: N, rounds: ROUNDS, inFlight: IN_FLIGHT, steps }, null, 2));
  log(`figures written to ${out}`);
}

let exitCode = 0;
main()
  .catch((err: unknown) => {
    console.error(err);
    exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    process.exit(exitCode);
  });
