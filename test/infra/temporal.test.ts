// The Temporal side of the harness: the CLI script, the dev server with Kinga's search attributes,
// and the time-skipping test server from its local binary (never downloaded).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../workflows/lifecycle/definitions';
import { indexedValueType } from '../../scripts/lib/searchAttributes';
import { startTemporalDevServer } from '../../scripts/lib/temporalDevServer';
import { REPO_ROOT } from '../../scripts/lib/temporalCli';
import { temporalTarget, timeSkippingTestEnv, uniqueRef } from '../helpers';

describe('scripts/temporal-cli.sh', () => {
  it('prints only the path of a working CLI on stdout, and the route on stderr', () => {
    const script = path.join(REPO_ROOT, 'scripts', 'temporal-cli.sh');
    const stdout = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(path.isAbsolute(lines[0]!)).toBe(true);
    expect(execFileSync(lines[0]!, ['--version'], { encoding: 'utf8' })).toMatch(/temporal version/);
  });
});

describe('the Temporal server of the harness', () => {
  it('has every Kinga search attribute, with its type', async () => {
    const { address, namespace } = temporalTarget();
    const connection = await Connection.connect({ address });
    try {
      const res = await connection.operatorService.listSearchAttributes({ namespace });
      const custom = res.customAttributes ?? {};
      for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)) {
        expect(custom[name], name).toBe(indexedValueType(type));
      }
    } finally {
      await connection.close();
    }
  });
});

describe('startTemporalDevServer', () => {
  it('fails with a clear error, including the server output, when the server cannot start', async () => {
    const bogus = '/bin/false';
    await expect(startTemporalDevServer({ cliPath: bogus, headless: true, readyTimeoutMs: 10_000 })).rejects.toThrow(/did not become healthy.*exited/s);
  });
});

describe('the time-skipping test server', () => {
  it('starts from the local binary, skips time, and tears down', async () => {
    const serverPath = inject('timeSkippingServerPath');
    expect(serverPath, 'scripts/temporal-cli.sh --test-server found no binary').not.toBe('');
    expect(fs.existsSync(serverPath)).toBe(true);

    const env = await timeSkippingTestEnv();
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const before = await env.currentTimeMs();
      const wall = Date.now();
      await env.sleep('3 days');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * 86_400_000);
      expect(Date.now() - wall).toBeLessThan(10_000);

      // Kinga's search attributes are registered: a start that sets them is accepted
      const handle = await env.client.workflow.start('kingaHarnessProbe', {
        taskQueue: uniqueRef('probe'),
        workflowId: uniqueRef('probe'),
        typedSearchAttributes: [
          { key: defineSearchAttributeKey('KingaCustomerId', SearchAttributeType.KEYWORD), value: 'C-1' },
          { key: defineSearchAttributeKey('KingaRiskScore', SearchAttributeType.DOUBLE), value: 0.5 },
        ],
      });
      await handle.terminate('probe only');
    } finally {
      await env.teardown();
    }
  });
});
