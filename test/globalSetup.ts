// The test harness: runs once per `vitest run`, before any test file, and provides to every test
// (through `inject(key)`) a fresh migrated PostgreSQL database, a healthy Temporal server with
// Kinga's search attributes, the time-skipping test server binary and the workflows bundled once.
//
// PostgreSQL, first that applies:
//   TEST_DATABASE_URL → DATABASE_URL → a throwaway cluster (initdb/postgres on this machine)
//   → the embedded PGlite (with a loud warning: not the real server that CI uses)
//   (KINGA_TEST_DB=throwaway|embedded forces one of the last two, to check the harness itself)
// On that server a fresh database kinga_test_<timestamp>_<pid> is created, migrated, and dropped at
// the end, so tests never touch user data.
// Temporal: TEMPORAL_ADDRESS → that cluster; otherwise a dev server started here (headless).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { Connection } from '@temporalio/client';
import { createDb, migrateLatest } from '../db/connection';
import { findPostgresBinaries, startThrowawayPostgres } from '../scripts/lib/throwawayPostgres';
import { startEmbeddedPostgres } from '../db/embedded';
import { resolveTemporalCli, resolveTimeSkippingServer, REPO_ROOT } from '../scripts/lib/temporalCli';
import { startTemporalDevServer, missingSearchAttributes, waitUntilHealthy } from '../scripts/lib/temporalDevServer';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../workflows/lifecycle/definitions';
import { createDatabase, dropDatabase } from './helpers/databases';

export type DatabaseKind = 'external' | 'throwaway' | 'embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the fresh, migrated test database */
    databaseUrl: string;
    /** which PostgreSQL the harness chose: external (TEST_DATABASE_URL/DATABASE_URL), throwaway cluster, or embedded PGlite */
    databaseKind: DatabaseKind;
    /** URL of the server's maintenance database (to create further databases); '' for embedded */
    databaseAdminUrl: string;
    /** host:port of the Temporal frontend */
    temporalAddress: string;
    temporalNamespace: string;
    /** file holding the workflows bundled once (workflowBundle: { codePath }); '' when bundling failed */
    workflowBundlePath: string;
    /** the Temporal CLI binary; '' when TEMPORAL_ADDRESS is set and no CLI could be found */
    temporalCliPath: string;
    /** the time-skipping test server binary (existing-path for createTimeSkipping); '' when unavailable */
    timeSkippingServerPath: string;
  }
}

const log = (msg: string) => process.stderr.write(`[kinga-test] ${msg}\n`);
const secs = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

type Stopper = { name: string; stop: () => Promise<void> };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const stoppers: Stopper[] = []; // stopped in reverse order
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-test-'));
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir); // also when the run is interrupted
  stoppers.push({ name: 'temp files', stop: async () => removeWorkDir() });

  const teardown = async () => {
    const t = Date.now();
    for (const s of stoppers.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log(`teardown: stopping ${s.name} failed: ${(err as Error).message}`);
      }
    }
    log(`harness stopped in ${secs(t)}`);
  };

  try {
    // Everything below is independent: do it at the same time.
    // allSettled: when one part fails, the others still finish starting (and so get stopped).
    const [pgInfo, temporalInfo, timeSkippingServerPath, workflowBundlePath] = await allOrFirstError([
      preparePostgres(stoppers, workDir),
      prepareTemporal(stoppers, workDir),
      resolveTimeSkippingServer({ report: (t) => process.stderr.write(t) }).catch((err: Error) => {
        log(`WARNING: no time-skipping test server (${err.message.split('\n')[0]}); tests that need it will fail`);
        return '';
      }),
      bundleWorkflows(workDir),
    ]);

    project.provide('databaseUrl', pgInfo.url);
    project.provide('databaseKind', pgInfo.kind);
    project.provide('databaseAdminUrl', pgInfo.adminUrl);
    project.provide('temporalAddress', temporalInfo.address);
    project.provide('temporalNamespace', temporalInfo.namespace);
    project.provide('temporalCliPath', temporalInfo.cliPath);
    project.provide('timeSkippingServerPath', timeSkippingServerPath);
    project.provide('workflowBundlePath', workflowBundlePath);

    log(
      `ready in ${secs(t0)} · PostgreSQL: ${pgInfo.summary} · Temporal: ${temporalInfo.summary} · ` +
        `time-skipping server: ${timeSkippingServerPath ? 'yes' : 'NO'} · workflows bundle: ${workflowBundlePath ? 'yes' : 'NO'}`,
    );
    return teardown;
  } catch (err) {
    await teardown();
    throw err;
  }
}

async function allOrFirstError<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

// --- PostgreSQL ---------------------------------------------------------------------------------

interface PgInfo {
  url: string;
  adminUrl: string;
  kind: DatabaseKind;
  summary: string;
}

async function preparePostgres(stoppers: Stopper[], workDir: string): Promise<PgInfo> {
  // KINGA_TEST_DB=throwaway|embedded forces a route (to check the harness itself on this machine)
  const forced = process.env.KINGA_TEST_DB;
  if (forced && forced !== 'throwaway' && forced !== 'embedded') throw new Error(`KINGA_TEST_DB must be throwaway or embedded, not ${forced}`);
  const fromEnv = forced ? undefined : process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : process.env.DATABASE_URL ? 'DATABASE_URL' : undefined;
  let serverUrl: string;
  let kind: DatabaseKind;
  let route: string;
  if (fromEnv) {
    serverUrl = process.env[fromEnv]!;
    kind = 'external';
    route = `${fromEnv} (${redact(serverUrl)})`;
  } else if (forced !== 'embedded' && findPostgresBinaries()) {
    const cluster = await startThrowawayPostgres({ database: 'kinga_harness' });
    stoppers.push({ name: 'throwaway PostgreSQL', stop: () => cluster.stop() });
    serverUrl = cluster.adminUrl;
    kind = 'throwaway';
    route = `throwaway cluster (${findPostgresBinaries()!.binDir}, port ${cluster.port})`;
  } else {
    log('WARNING ************************************************************************');
    log(forced ? 'WARNING  KINGA_TEST_DB=embedded:' : 'WARNING  No TEST_DATABASE_URL/DATABASE_URL and no initdb/postgres on this machine:');
    log('WARNING  the tests run on the EMBEDDED PGlite, not on a real PostgreSQL server.');
    log('WARNING  PGlite is single-session; results may differ from production. Install');
    log('WARNING  PostgreSQL (apt-get install postgresql) or set TEST_DATABASE_URL.');
    log('WARNING ************************************************************************');
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(workDir, 'pglite') });
    stoppers.push({ name: 'embedded PostgreSQL', stop: () => embedded.stop() });
    serverUrl = embedded.url;
    kind = 'embedded';
    route = `EMBEDDED PGlite (${embedded.url})`;
  }

  let url: string;
  let adminUrl: string;
  if (kind === 'embedded') {
    // PGlite serves a single database whatever name a client asks for; this instance is fresh
    // (a temp directory) and so already is the private test database.
    url = serverUrl;
    adminUrl = '';
  } else {
    const fresh = await createDatabase(serverUrl, `kinga_test_${Date.now()}_${process.pid}`);
    stoppers.push({ name: `database ${fresh.name}`, stop: () => dropDatabase(serverUrl, fresh.name) });
    url = fresh.url;
    adminUrl = serverUrl;
    route += ` · database ${fresh.name}`;
  }

  const db = createDb(url, 2);
  try {
    await migrateLatest(db);
  } catch (err) {
    throw new Error(`migrating the test database failed: ${(err as Error).message}`);
  } finally {
    await db.destroy();
  }
  return { url, adminUrl, kind, summary: route };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

// --- Temporal -----------------------------------------------------------------------------------

interface TemporalInfo {
  address: string;
  namespace: string;
  cliPath: string;
  summary: string;
}

async function prepareTemporal(stoppers: Stopper[], workDir: string): Promise<TemporalInfo> {
  const report = (t: string) => process.stderr.write(t);
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
    const cliPath = await resolveTemporalCli({ report }).catch(() => '');
    await waitUntilHealthy({ address: external, namespace, searchAttributes: [], timeoutMs: 20_000 }).catch((err: Error) => {
      throw new Error(`TEMPORAL_ADDRESS=${external} is not reachable: ${err.message}`);
    });
    const connection = await Connection.connect({ address: external });
    try {
      const missing = await missingSearchAttributes(connection, namespace, Object.keys(SEARCH_ATTRIBUTE_DEFINITIONS));
      if (missing.length) log(`WARNING: ${external} namespace ${namespace} lacks search attributes ${missing.join(', ')}`);
    } finally {
      await connection.close();
    }
    return { address: external, namespace, cliPath, summary: `TEMPORAL_ADDRESS ${external} (namespace ${namespace})` };
  }

  const cliPath = await resolveTemporalCli({ report });
  const server = await startTemporalDevServer({
    cliPath,
    headless: true,
    namespace: 'default',
    logFile: path.join(workDir, 'temporal-dev-server.log'),
  });
  stoppers.push({ name: 'Temporal dev server', stop: () => server.stop() });
  return { address: server.address, namespace: server.namespace, cliPath, summary: `dev server ${server.address} (pid ${server.pid})` };
}

// --- workflows bundle ---------------------------------------------------------------------------

async function bundleWorkflows(workDir: string): Promise<string> {
  const workflowsPath = path.join(REPO_ROOT, 'workflows', 'index.ts');
  if (!fs.existsSync(workflowsPath)) {
    log('no workflows/index.ts yet: workflowBundlePath is empty');
    return '';
  }
  try {
    const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
    const codePath = path.join(workDir, 'workflow-bundle.js');
    fs.writeFileSync(codePath, code);
    return codePath;
  } catch (err) {
    log(`workflows/index.ts did not bundle, workflowBundlePath is empty: ${(err as Error).message.split('\n').slice(0, 6).join(' | ')}`);
    return '';
  }
}
