// `npm start` as a supervisor (scripts/start.ts): a worker or API killed with SIGKILL is started
// again with back-off and the log says so; SIGTERM stops every child — also one that hangs
// (SIGSTOP) and one already dead — and leaves no process behind, on an external PostgreSQL and
// Temporal (the harness's) and on the embedded defaults (PGlite, a Temporal dev server).
// Timings are printed, never asserted: the supervisor enforces its own bound (10 s), the test only
// checks that everything is gone within a generous deadline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, isPortOpen } from '../../scripts/lib/ports';
import { scratchDatabase, uniqueRef, type ScratchDatabase } from '../helpers';
import { signIn } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { startNodeProcess, type LogLine, type NodeProcess } from '../helpers/processes';
import { transactionFactory } from '../helpers/transactions';
import { isAlive, processTree, type ProcessId } from './processTree';

const running: NodeProcess[] = [];
const tempDirs: string[] = [];

/** `npm start` without npm: node runs scripts/start.ts itself, as the start script does. */
function startSupervisor(env: Record<string, string>): NodeProcess {
  const s = startNodeProcess(
    'scripts/start.ts',
    { HOME: process.env.HOME, LOG_LEVEL: 'info', DEMO_CUSTOMERS: '3', DEMO_HISTORY_DAYS: '1', DEMO_LIVE_HOURS: '1', PORTFOLIO_ENABLED: 'false', ...env },
    { name: 'the supervisor', waitMs: 180_000 },
  );
  running.push(s);
  return s;
}

const fromSupervisor = (msg: string | RegExp) => (l: LogLine) => l.component === 'start' && (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg ?? ''));
const banner = (l: LogLine) => Boolean(l.notJson && l.msg?.includes('Press Ctrl+C to stop.'));

/** Polls (no idle-CPU assumption) until every process is gone; the figure is returned, not asserted. */
async function allGone(processes: ProcessId[], deadlineMs: number): Promise<{ ms: number; left: ProcessId[] }> {
  const t0 = Date.now();
  for (;;) {
    const left = processes.filter(isAlive);
    if (left.length === 0 || Date.now() - t0 > deadlineMs) return { ms: Date.now() - t0, left };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  // a failed test must not leave a supervisor (and its children) running
  for (const s of running) {
    const tree = processTree(s.child.pid!);
    for (const p of tree.reverse()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm start on an external PostgreSQL and Temporal', () => {
  let scratch: ScratchDatabase;
  let sup: NodeProcess;
  let apiUrl: string;

  /** lines logged after `line` */
  const after = (line: LogLine) => (l: LogLine) => sup.lines.indexOf(l) > sup.lines.indexOf(line);

  beforeAll(async () => {
    scratch = await scratchDatabase('kinga_supervisor');
    const apiPort = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    sup = startSupervisor({
      DATABASE_URL: scratch.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: uniqueRef('supervisor'),
      // the schedules' ids are global to the namespace, which the other test files share
      TEMPORAL_SCHEDULES_ENABLED: 'false',
      KINGA_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      KINGA_DATA_DIR: tempDir('kinga-supervisor-'),
      API_PORT: String(apiPort),
      ANOMALY_ENABLED: 'false',
    });
    await sup.waitForLine(banner, 'the start-up banner', 300_000);
  }, 320_000);

  afterAll(async () => {
    sup?.child.kill('SIGKILL');
    await scratch?.drop();
  });

  it('restarts a worker killed with SIGKILL, says so, and the new worker processes transactions', { timeout: 240_000 }, async () => {
    const first = await sup.waitForLine(fromSupervisor('worker started'), 'the worker to be started');
    await sup.waitForLine((l) => l.component === 'worker' && l.msg === 'worker started', 'the worker to log that it runs');
    process.kill(first.pid as number, 'SIGKILL');

    const crash = await sup.waitForLine(fromSupervisor(/^worker exited unexpectedly/), 'the supervisor to report the dead worker');
    expect(crash).toMatchObject({ process: 'worker', pid: first.pid, signal: 'SIGKILL', restartInMs: 1000 });
    expect(crash.msg).toBe('worker exited unexpectedly (signal SIGKILL); restarting in 1 s');
    const second = await sup.waitForLine(fromSupervisor('worker restarted'), 'the worker to be restarted');
    expect(second.pid).not.toBe(first.pid);
    expect(second.restarts).toBe(1);
    await sup.waitForLine((l) => l.component === 'worker' && l.msg === 'worker started' && after(second)(l), 'the new worker to run');

    // the restarted worker does the work: an everyday purchase is approved end to end
    const api = jsonClient(() => apiUrl, await signIn(apiUrl, ['amina']));
    const txn = transactionFactory(uniqueRef('SUP'))();
    const ingest = await api('POST', '/api/transactions', txn, 'amina');
    expect(ingest.status).toBe(202);
    const deadline = Date.now() + 120_000;
    let status = '';
    while (Date.now() < deadline) {
      const res = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'amina');
      status = res.status === 200 ? res.body.status : `HTTP ${res.status}`;
      if (status === 'approved') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe('approved');
  });

  it('restarts an API that keeps crashing with a growing back-off', { timeout: 180_000 }, async () => {
    const first = await sup.waitForLine(fromSupervisor('api started'), 'the API to be started');
    process.kill(first.pid as number, 'SIGKILL');
    const again = await sup.waitForLine((l) => fromSupervisor('api restarted')(l) && l.restarts === 1, 'the API to be restarted');
    // killed again at once: the second crash in a row waits twice as long
    process.kill(again.pid as number, 'SIGKILL');
    const crashes = await sup.waitForLine((l) => fromSupervisor(/^api exited unexpectedly/)(l) && l.pid === again.pid, 'the second API crash');
    expect(crashes).toMatchObject({ crashesInARow: 2, restartInMs: 2000, signal: 'SIGKILL' });
    const third = await sup.waitForLine((l) => fromSupervisor('api restarted')(l) && l.restarts === 2, 'the API to be restarted again');
    await sup.waitForLine((l) => l.component === 'api' && l.msg === 'API listening' && after(third)(l), 'the restarted API to listen');
    const health = await fetch(`${apiUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it('on SIGTERM stops every child — a hung one and a dead one too — and leaves no process behind', { timeout: 120_000 }, async () => {
    const tree = processTree(sup.child.pid!);
    const names = tree.map((p) => p.command).join('\n');
    for (const part of ['workers/worker.ts', 'api/server.ts', 'simulators/tazama', 'simulators/ballerine', 'simulators/ciso-assistant', 'vite']) expect(names).toContain(part);

    // the API hangs (stopped: it cannot even see SIGTERM); the Ballerine stand-in is already dead
    const api = sup.lines.filter(fromSupervisor(/^api (started|restarted)$/)).pop()!;
    const ballerine = sup.lines.find(fromSupervisor('Ballerine stand-in started'))!;
    process.kill(api.pid as number, 'SIGSTOP');
    process.kill(ballerine.pid as number, 'SIGKILL');
    await sup.waitForLine(fromSupervisor(/^Ballerine stand-in exited unexpectedly/), 'the supervisor to see the dead stand-in');

    sup.child.kill('SIGTERM');
    const gone = await allGone(tree, 60_000);
    const exit = await sup.exited;
    console.log(`supervisor: ${tree.length} processes (children and their helpers) gone ${gone.ms} ms after SIGTERM`);
    expect(gone.left.map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    const stopped = sup.lines.find(fromSupervisor('Kinga stopped'))!;
    expect(stopped.killed).toEqual(['api']); // the hung API needed SIGKILL; the rest stopped on SIGTERM
    expect(sup.lines.some(fromSupervisor('children did not stop after SIGTERM: SIGKILL'))).toBe(true);
    // a dead child is not restarted once the stop has begun
    expect(sup.lines.some(fromSupervisor('Ballerine stand-in restarted'))).toBe(false);
    console.log(`supervisor: stopped in ${stopped.stoppedInMs} ms by its own clock (bound 10 s)`);
  });
});

describe('npm start on the embedded defaults', () => {
  it('SIGTERM right after the worker died stops PGlite, the Temporal dev server and everything else', { timeout: 400_000 }, async () => {
    const dataDir = tempDir('kinga-supervisor-embedded-');
    const sup = startSupervisor({
      KINGA_DATA_DIR: dataDir,
      API_PORT: String(await freePort()),
      KINGA_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      ANOMALY_ENABLED: 'false',
      TAZAMA_ENABLED: 'false',
      BALLERINE_ENABLED: 'false',
      CISO_ENABLED: 'false',
    });
    await sup.waitForLine(banner, 'the start-up banner', 360_000);
    const pgUrl = new URL(sup.lines.find(fromSupervisor(/^embedded PostgreSQL \(PGlite\) started/))!.databaseUrl as string);
    const temporalAddress = sup.text().match(/Temporal {6}(127\.0\.0\.1:\d+)/)![1]!;
    const tree = processTree(sup.child.pid!);
    expect(tree.map((p) => p.command).join('\n')).toContain('temporal server start-dev');
    expect(fs.existsSync(path.join(dataDir, 'pgdata.lock'))).toBe(true);

    // the worker dies; its restart is pending (back-off) when the stop comes
    const worker = sup.lines.find(fromSupervisor('worker started'))!;
    process.kill(worker.pid as number, 'SIGKILL');
    await sup.waitForLine(fromSupervisor(/^worker exited unexpectedly/), 'the supervisor to see the dead worker');
    sup.child.kill('SIGTERM');

    const gone = await allGone(tree, 60_000);
    const exit = await sup.exited;
    console.log(`supervisor (embedded): ${tree.length} processes gone ${gone.ms} ms after SIGTERM`);
    expect(gone.left.map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(sup.lines.some(fromSupervisor('worker restarted'))).toBe(false);
    // the servers are down: their ports are closed and the PGlite data directory is unlocked
    expect(await isPortOpen(Number(pgUrl.port))).toBe(false);
    expect(await isPortOpen(Number(temporalAddress.split(':')[1]))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'pgdata.lock'))).toBe(false);
  });
});
