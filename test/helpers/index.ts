// Small helpers for tests. Everything the harness (test/globalSetup.ts) prepared is reached
// through inject(); these wrap the common uses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, migrateLatest, type Db } from '../../db/connection';
import { startEmbeddedPostgres } from '../../db/embedded';
import { registerSearchAttributes } from '../../scripts/lib/searchAttributes';
import { createDatabase, dropDatabase } from './databases';

export { createDatabase, dropDatabase, withDatabase } from './databases';

/**
 * A knex instance on the harness's fresh, migrated test database. Each call makes a new pool:
 * destroy it when done, e.g. `const db = testDb(); afterAll(() => db.destroy());`
 */
export function testDb(poolMax = 5): Db {
  return createDb(inject('databaseUrl'), poolMax);
}

/** A reference no other test (or earlier run) uses: `<prefix>-<time>-<random>`, e.g. for transaction refs. */
export function uniqueRef(prefix = 'test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A task queue of its own, so a test's worker never picks up another test's tasks. */
export function uniqueTaskQueue(prefix = 'kinga-test'): string {
  return uniqueRef(prefix);
}

/** The Temporal server of the harness (dev server or TEMPORAL_ADDRESS). */
export function temporalTarget(): { address: string; namespace: string } {
  return { address: inject('temporalAddress'), namespace: inject('temporalNamespace') };
}

/**
 * A TestWorkflowEnvironment on the harness's Temporal server (real time, no time skipping).
 * Tear it down in afterAll: `await env.teardown()` (the server keeps running).
 */
export async function temporalTestEnv() {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  return TestWorkflowEnvironment.createFromExistingServer(temporalTarget());
}

/**
 * A TestWorkflowEnvironment with time skipping (the SDK's test server, from the harness's binary,
 * never downloaded), with Kinga's search attributes registered. Tear it down in afterAll: `await env.teardown()` (this stops that server).
 */
export async function timeSkippingTestEnv() {
  const serverPath = inject('timeSkippingServerPath');
  if (!serverPath) {
    throw new Error('no time-skipping test server binary: see the harness output (scripts/temporal-cli.sh --test-server)');
  }
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: serverPath } } });
  try {
    // unlike the dev server, the test server starts without Kinga's search attributes and then
    // rejects every upsert of them ("search attribute … is not defined")
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/** True when the harness bundled workflows/index.ts (false while a workflow is not written yet). */
export function hasWorkflowBundle(): boolean {
  return inject('workflowBundlePath') !== '';
}

/** `workflowBundle` option for Worker.create: the workflows, bundled once by the harness. */
export function workflowBundle(): { codePath: string } {
  const codePath = inject('workflowBundlePath');
  if (!codePath) throw new Error('workflows/index.ts did not bundle: see the harness output at the start of the run');
  return { codePath };
}

export interface ScratchDatabase {
  url: string;
  /** drop the database (or stop the extra embedded server) */
  drop(): Promise<void>;
}

/**
 * A separate, EMPTY database (not migrated unless `migrate` is true) on the harness's server, for
 * tests that need a database of their own (e.g. migrations up/down). With the embedded PGlite,
 * which serves one database only, it is a second embedded instance in a temp directory.
 */
export async function scratchDatabase(prefix = 'kinga_scratch', opts: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  let result: ScratchDatabase;
  if (inject('databaseKind') === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pglite') });
    result = {
      url: server.url,
      drop: async () => {
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } else {
    const admin = inject('databaseAdminUrl');
    const name = `${prefix}_${Date.now()}_${process.pid}_${randomBytes(2).toString('hex')}`.toLowerCase();
    const db = await createDatabase(admin, name);
    result = { url: db.url, drop: () => dropDatabase(admin, name) };
  }
  if (opts.migrate) {
    const db = createDb(result.url, 2);
    try {
      await migrateLatest(db);
    } finally {
      await db.destroy();
    }
  }
  return result;
}
