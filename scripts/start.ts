// `npm start`: the whole system on embedded defaults. PostgreSQL and Temporal are those configured
// (DATABASE_URL, TEMPORAL_ADDRESS) or started here; then migrations, demo data, the worker and the
// API as their own processes, the UI dev server, and a steady trickle of new warehouse rows.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { connectTemporalClient } from '../temporal/connection';
import { loadConfig } from '../config';
import { createLogger } from '../observability/logger';
import { createDb, migrateLatest } from '../db/connection';
import { startEmbeddedPostgres } from '../db/embedded';
import { createTrickle } from '../warehouse/generator';
import { EXTRACTION_SCHEDULE_ID } from '../workflows/extraction/definitions';
import { trainingWorkflowId } from '../workflows/training/definitions';
import { PORTFOLIO_SCHEDULE_ID } from '../workflows/portfolio/definitions';
import { DEMO_SEED, seedDemo } from './demo/seed';
import { seedPortfolioInputs } from './demo/portfolioSeed';
import { REPO_ROOT, resolveTemporalCli } from './lib/temporalCli';
import { startTemporalDevServer } from './lib/temporalDevServer';
import { freePort, isPortOpen } from './lib/ports';
import { DEMO_USERS } from '../api/users/service';
import { Supervisor } from './lib/supervisor';

const HOST = '127.0.0.1';

async function preferredPort(port: number): Promise<number> {
  return (await isPortOpen(port, HOST)) ? freePort(HOST) : port;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config, 'start');
  const dataDir = path.resolve(REPO_ROOT, config.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const supervisor = new Supervisor({ logger });

  const shutdown = async (code: number, reason: string) => {
    await supervisor.stop(reason);
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!supervisor.isStopping) return void shutdown(0, signal);
    // A second Ctrl+C does not wait for the orderly stop; the exit handlers SIGKILL what is left.
    logger.warn({ signal }, 'second signal while stopping: exiting now');
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // PostgreSQL
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pgdata'), port: await preferredPort(5433) });
      supervisor.onStop('embedded PostgreSQL', () => pg.stop());
      if (pg.preferredPortInUse) {
        logger.warn({ preferredPort: pg.preferredPortInUse, port: pg.port }, `port ${pg.preferredPortInUse} is in use (another run holds it?): embedded PostgreSQL listens on ${pg.port} instead`);
      }
      databaseUrl = pg.url;
      logger.info({ databaseUrl }, 'embedded PostgreSQL (PGlite) started; set DATABASE_URL to use a real server');
    }

    // Temporal
    let temporalAddress = config.temporal.address;
    let temporalUi = config.temporal.uiUrl;
    if (!temporalAddress) {
      const cliPath = await resolveTemporalCli();
      const server = await startTemporalDevServer({
        cliPath,
        dbFilename: path.join(dataDir, 'temporal.db'),
        port: await preferredPort(7233),
        uiPort: await preferredPort(8233),
        logFile: path.join(dataDir, 'temporal.log'),
        ownProcessGroup: true,
      });
      supervisor.onStop('Temporal dev server', () => server.stop(2000));
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
    }

    // Schema and demo data
    const db = createDb(databaseUrl, 4);
    supervisor.onStop('database pool', () => db.destroy());
    const applied = await migrateLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const seeded = await seedDemo(db, { customers: config.demo.customers, days: config.demo.historyDays, now: new Date(), liveHours: config.demo.liveHours, sourceName: config.warehouse.sourceName });
    logger.info(seeded, 'demo data ready');
    await seedPortfolioInputs(db, { now: new Date(), timeZone: config.portfolio.timeZone });

    const apiPort = config.api.port === 3000 ? await preferredPort(3000) : config.api.port;
    const apiUrl = `http://${HOST}:${apiPort}`;

    // External services: the configured installation, or the local stand-in when none is set.
    const integrationEnv: NodeJS.ProcessEnv = {};
    const standIn = async (name: string, script: string, port: number, standInEnv: NodeJS.ProcessEnv) => {
      supervisor.start({
        name: `${name} stand-in`,
        command: process.execPath,
        args: ['--import', 'tsx', path.join(REPO_ROOT, script)],
        cwd: REPO_ROOT,
        env: { ...process.env, ...standInEnv },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitForHttp(`http://${HOST}:${port}/`, `${name} stand-in`);
      logger.info({ url: `http://${HOST}:${port}` }, `${name} stand-in answers (no ${name} URL configured)`);
    };
    if (config.tazama.enabled && !config.tazama.tmsUrl) {
      const port = await preferredPort(5100);
      const relayToken = randomBytes(24).toString('hex');
      await standIn('Tazama', 'simulators/tazama/server.ts', port, {
        PORT: String(port),
        HOST,
        TAZAMA_SIM_RELAY_URL: `${apiUrl}/api/integrations/tazama/relay`,
        TAZAMA_SIM_RELAY_TOKEN: relayToken,
      });
      Object.assign(integrationEnv, { TAZAMA_TMS_URL: `http://${HOST}:${port}`, TAZAMA_ADMIN_URL: `http://${HOST}:${port}`, TAZAMA_RELAY_TOKEN: relayToken });
    }
    if (config.ballerine.enabled && !config.ballerine.url) {
      const port = await preferredPort(5200);
      const apiKey = randomBytes(16).toString('hex');
      const webhookSecret = randomBytes(24).toString('hex');
      const webhookUrl = `${apiUrl}/api/integrations/ballerine/webhook`;
      await standIn('Ballerine', 'simulators/ballerine/server.ts', port, {
        BALLERINE_SIM_PORT: String(port),
        BALLERINE_SIM_HOST: HOST,
        BALLERINE_API_KEY: apiKey,
        BALLERINE_WEBHOOK_SECRET: webhookSecret,
        BALLERINE_SIM_WEBHOOK_URL: webhookUrl,
      });
      Object.assign(integrationEnv, { BALLERINE_URL: `http://${HOST}:${port}`, BALLERINE_API_KEY: apiKey, BALLERINE_WEBHOOK_SECRET: webhookSecret, BALLERINE_WEBHOOK_URL: webhookUrl });
    }
    if (config.ciso.enabled && !config.ciso.url) {
      const port = await preferredPort(5300);
      const token = randomBytes(20).toString('hex');
      await standIn('CISO Assistant', 'simulators/ciso-assistant/server.ts', port, { CISO_SIM_PORT: String(port), CISO_SIM_HOST: HOST, CISO_SIM_TOKEN: token });
      Object.assign(integrationEnv, { CISO_URL: `http://${HOST}:${port}`, CISO_TOKEN: token });
    }

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...integrationEnv,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      ...(temporalUi ? { TEMPORAL_UI_URL: temporalUi } : {}),
      API_PORT: String(apiPort),
      // The embedded database is one session: a few connections per process are plenty.
      DATABASE_POOL_MAX: String(config.database.url || process.env.DATABASE_POOL_MAX ? config.database.poolMax : 3),
    };
    // node runs each process itself (tsx as a loader), so a signal reaches the process, not a wrapper.
    const launch = (name: string, script: string, extraEnv: NodeJS.ProcessEnv = {}) =>
      supervisor.start({ name, command: process.execPath, args: ['--import', 'tsx', path.join(REPO_ROOT, script)], cwd: REPO_ROOT, env: { ...env, ...extraEnv } });
    // The supervisor gives every child 6 s after SIGTERM: the worker's drain must fit in that.
    launch('worker', 'workers/worker.ts', process.env.WORKER_SHUTDOWN_GRACE ? {} : { WORKER_SHUTDOWN_GRACE: '4s' });
    launch('api', 'api/server.ts');

    // The UI dev server proxies /api to the API process.
    const uiPort = await preferredPort(5173);
    supervisor.start({
      name: 'UI dev server',
      command: process.execPath,
      args: [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), '--config', 'ui/vite.config.ts', '--host', HOST, '--port', String(uiPort), '--strictPort'],
      cwd: REPO_ROOT,
      env: { ...env, KINGA_API_URL: `http://${HOST}:${apiPort}` },
      stdio: ['ignore', 'ignore', 'inherit'],
    });

    // Kick off the first extraction and an initial model on the backfilled history.
    // The same connection settings (TLS, API key) as the worker and the API use.
    const client = await connectTemporalClient(temporalAddress, config.temporal.namespace, config.temporal.connection);
    supervisor.onStop('Temporal client', () => client.connection.close());
    // Without schedules (TEMPORAL_SCHEDULES_ENABLED=false: another worker keeps them) there is
    // nothing to wait for or trigger here.
    if (config.temporal.schedulesEnabled) await waitForSchedule(client);
    try {
      await client.workflow.start('anomalyModelTraining', {
        workflowId: trainingWorkflowId('initial'),
        taskQueue: config.temporal.taskQueue,
        args: [{ reason: 'initial model for the demo' }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    if (config.temporal.schedulesEnabled) {
      await client.schedule.getHandle(EXTRACTION_SCHEDULE_ID).trigger();
      // A first portfolio run now, rather than an interval from now, so the risk register has figures.
      if (config.portfolio.enabled) await client.schedule.getHandle(PORTFOLIO_SCHEDULE_ID).trigger();
    } else {
      logger.info('TEMPORAL_SCHEDULES_ENABLED=false: extraction and portfolio runs are left to the schedules another worker keeps');
    }

    // New transactions keep arriving in the warehouse: the history's own customers (same seed) at
    // their own pace, hours, places and amounts, so live scoring sees the bank the history describes.
    const trickle = createTrickle({ seed: DEMO_SEED, customers: config.demo.customers, startAt: new Date().toISOString(), refPrefix: `LIVE${Date.now().toString(36).toUpperCase()}` });
    const timer = setInterval(() => {
      const rows = trickle.due(new Date().toISOString());
      if (rows.length === 0) return;
      db('transaction_history')
        .insert(rows)
        .catch((err: unknown) => logger.warn({ err }, 'trickle insert failed'));
    }, config.demo.trickleIntervalMs);
    supervisor.onStop('trickle', async () => clearInterval(timer));

    const users = DEMO_USERS.map((u) => `    ${u.username.padEnd(8)} ${u.password.padEnd(22)} ${u.role}`).join('\n');
    process.stdout.write(
      `\nKinga is running\n` +
        `  UI            http://${HOST}:${uiPort}\n` +
        `  API           http://${HOST}:${apiPort}  (health: /healthz)\n` +
        `  Temporal Web  ${temporalUi ?? '(your cluster)'}\n` +
        `  Temporal      ${temporalAddress}\n` +
        `  PostgreSQL    ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}\n` +
        `  demo users (username, password, role):\n${users}\n` +
        `Press Ctrl+C to stop.\n\n`,
    );
  } catch (err) {
    // a stop during start-up interrupts it: that is no failure
    if (supervisor.isStopping) return;
    logger.error({ err }, 'start-up failed');
    await shutdown(1, 'start-up failed');
  }
}

async function waitForHttp(url: string, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${what} did not answer at ${url} within 30 s`);
}

async function waitForSchedule(client: Client): Promise<void> {
  // The worker creates the schedules when it starts.
  for (let i = 0; i < 120; i++) {
    try {
      await client.schedule.getHandle(EXTRACTION_SCHEDULE_ID).describe();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`the worker did not create schedule ${EXTRACTION_SCHEDULE_ID} within a minute`);
}

void main();
