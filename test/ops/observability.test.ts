// The small parts of observability/ on their own: configuration, correlation fields, the SDK-to-pino
// log bridge, redaction, readiness answers, and the workflow interceptors' replay safety (the
// recorded histories, made without them, still replay with them in the bundle).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadObservabilityConfig } from '../../config/observability';
import { correlationOf, transactionRefOf } from '../../observability/correlation';
import { checkReadiness, readinessBody } from '../../observability/health';
import { availablePort, jsonAnswer, startOpsServerOn } from '../../observability/httpServer';
import { coreLogLevel, createLogger, PinoSdkLogger } from '../../observability/logger';
import { interceptors as workflowInterceptors } from '../../observability/workflowInterceptors';
import { interceptorBundle } from './workerProcess';

function capture(level = 'trace') {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('operations configuration', () => {
  it('defaults to loopback listeners on fixed ports, a 30 s drain and a 24 h window cached 5 s', () => {
    expect(loadObservabilityConfig({})).toEqual({
      metricsEnabled: true,
      metricsHost: '127.0.0.1',
      apiMetricsPort: { port: 9464, explicit: false },
      workerMetricsPort: { port: 9465, explicit: false },
      workerHealthPort: { port: 9466, explicit: false },
      workerShutdownGraceMs: 30_000,
      businessWindowMs: 86_400_000,
      businessCacheMs: 5_000,
    });
    expect(loadObservabilityConfig({ METRICS_HOST: '0.0.0.0', WORKER_SHUTDOWN_GRACE: '2m', METRICS_BUSINESS_WINDOW: '1h', API_METRICS_PORT: '' })).toMatchObject({
      metricsHost: '0.0.0.0',
      workerShutdownGraceMs: 120_000,
      businessWindowMs: 3_600_000,
      apiMetricsPort: { port: 9464, explicit: false }, // blank = unset
    });
    expect(loadObservabilityConfig({ WORKER_HEALTH_PORT: '9466' }).workerHealthPort).toEqual({ port: 9466, explicit: true });
  });

  it('names the variable of a bad value', () => {
    expect(() => loadObservabilityConfig({ API_METRICS_PORT: '70000' })).toThrow(/API_METRICS_PORT/);
    expect(() => loadObservabilityConfig({ WORKER_SHUTDOWN_GRACE: 'soon' })).toThrow(/WORKER_SHUTDOWN_GRACE: not a duration/);
    expect(() => loadObservabilityConfig({ METRICS_BUSINESS_WINDOW: '10s' })).toThrow(/METRICS_BUSINESS_WINDOW: must be at least 60000 ms/);
    expect(() => loadObservabilityConfig({ METRICS_HOST: 'bad host' })).toThrow(/METRICS_HOST/);
    // the SDK's exporter cannot report a port it picked
    expect(() => loadObservabilityConfig({ WORKER_METRICS_PORT: '0' })).toThrow(/WORKER_METRICS_PORT: must be a fixed port/);
    expect(loadObservabilityConfig({ WORKER_METRICS_PORT: '0', METRICS_ENABLED: 'false' }).metricsEnabled).toBe(false);
  });
});

describe('operations listeners', () => {
  it('give way on a taken default port, and stop start-up on a taken explicit one', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const { lines, logger } = capture('warn');
    const routes = { '/ping': async () => jsonAnswer(200, { pong: true }) };
    try {
      const server = await startOpsServerOn('127.0.0.1', { port: taken, explicit: false }, 'API_METRICS_PORT', routes, logger);
      try {
        expect(server.port).not.toBe(taken);
        expect(await (await fetch(`${server.url}/ping`)).json()).toEqual({ pong: true });
        expect(lines[0]).toMatchObject({ variable: 'API_METRICS_PORT', wanted: taken, msg: `API_METRICS_PORT default ${taken} is in use: listening on ${server.port} instead` });
      } finally {
        await server.close();
      }
      await expect(startOpsServerOn('127.0.0.1', { port: taken, explicit: true }, 'API_METRICS_PORT', routes, logger)).rejects.toThrow(
        `API_METRICS_PORT: 127.0.0.1:${taken} is in use`,
      );
      const other = await availablePort('127.0.0.1', { port: taken, explicit: false }, 'WORKER_METRICS_PORT', logger);
      expect(other).not.toBe(taken);
      await expect(availablePort('127.0.0.1', { port: taken, explicit: true }, 'WORKER_METRICS_PORT', logger)).rejects.toThrow(`WORKER_METRICS_PORT: 127.0.0.1:${taken} is in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const free = await availablePort('127.0.0.1', { port: taken, explicit: true }, 'WORKER_METRICS_PORT', logger);
    expect(free).toBe(taken);
  });
});

describe('correlation fields', () => {
  it('come from a lifecycle id and from activity arguments, a decision’s own id first', () => {
    expect(transactionRefOf('txn-TX-1')).toBe('TX-1');
    expect(transactionRefOf('extraction')).toBeUndefined();
    expect(transactionRefOf(undefined)).toBeUndefined();
    expect(correlationOf([{ transactionRef: 'TX-1', requestId: 'req-1' }])).toEqual({ transactionRef: 'TX-1', requestId: 'req-1' });
    expect(correlationOf([{ transactionRef: 'TX-1', requestId: 'req-1', event: { details: { requestId: 'req-decision' } } }])).toEqual({
      transactionRef: 'TX-1',
      requestId: 'req-decision',
    });
    expect(correlationOf([{ transactionRef: 'TX-1', requestId: null }])).toEqual({ transactionRef: 'TX-1' });
    expect(correlationOf([])).toEqual({});
    expect(correlationOf(['text'])).toEqual({});
    expect(correlationOf([{ requestId: 'x'.repeat(500) }])).toEqual({}); // never a blob in every line
  });
});

describe('logs', () => {
  it('bridge the SDK logger into pino: levels, fields, errors with stacks, no task token', () => {
    const { lines, logger } = capture('debug');
    const sdk = new PinoSdkLogger(logger);
    sdk.trace('too fine', {});
    sdk.debug('Activity started', { activityType: 'loadTransaction', taskToken: 'b64-blob' });
    sdk.warn('Activity failed', { error: new Error('boom'), attempt: 2 });
    sdk.log('ERROR', 'core says', { sdkComponent: 'core' });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [20, 'Activity started'],
      [40, 'Activity failed'],
      [50, 'core says'],
    ]);
    expect(lines[0]).toMatchObject({ activityType: 'loadTransaction' });
    expect(lines[0]!.taskToken).toBeUndefined();
    expect(lines[1]!.err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(lines[1]!.err.stack).toContain('Error: boom');
    expect(coreLogLevel('info')).toBe('WARN');
    expect(coreLogLevel('debug')).toBe('DEBUG');
  });

  it('redact credentials and add the mixin’s fields to every line', () => {
    const lines: Record<string, any>[] = [];
    const logger = createLogger({ logLevel: 'info' }, 'worker', {
      mixin: () => ({ requestId: 'req-7' }),
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    logger.info({ config: { apiKey: 'k-secret', password: 'p-secret' }, token: 't-secret' }, 'starting');
    expect(lines[0]).toMatchObject({ component: 'worker', requestId: 'req-7', msg: 'starting', config: { apiKey: '[redacted]', password: '[redacted]' }, token: '[redacted]' });
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });
});

describe('readiness answers', () => {
  it('name each failing dependency with its reason', async () => {
    const readiness = await checkReadiness({
      database: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432\nstack…');
      },
      temporal: async () => 'ok',
    });
    expect(readiness).toEqual({ ready: false, checks: { database: { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:5432' }, temporal: { ok: true } } });
    expect(readinessBody(readiness)).toEqual({
      status: 503,
      body: { status: 'unavailable', message: 'not ready: database: connect ECONNREFUSED 127.0.0.1:5432', checks: readiness.checks },
    });
    const ok = await checkReadiness({ database: async () => 1 });
    expect(readinessBody(ok)).toEqual({ status: 200, body: { status: 'ready', checks: { database: { ok: true } } } });
  });
});

describe('workflow interceptors', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await interceptorBundle();
  });

  it('add the transaction reference to workflow log attributes and leave headers alone without a request id', async () => {
    // (the parts that need no workflow context; the worker-process tests cover the rest)
    const outbound = workflowInterceptors().outbound![0]!;
    const attrs = outbound.getLogAttributes!({ workflowId: 'txn-TX-9', runId: 'r' }, (a) => a);
    expect(attrs).toEqual({ transactionRef: 'TX-9', workflowId: 'txn-TX-9', runId: 'r' });
    expect(outbound.getLogAttributes!({ workflowId: 'extraction' }, (a) => a)).toEqual({ workflowId: 'extraction' });
    const input = { activityType: 'loadTransaction', args: [], headers: {}, options: {}, seq: 1 } as unknown as Parameters<NonNullable<typeof outbound.scheduleActivity>>[0];
    await outbound.scheduleActivity!(input, async (given) => {
      expect(given.headers).toEqual({});
      return undefined;
    });
  });

  it('leave recorded histories replayable (headers and replay-aware logs are no new commands)', async () => {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'histories');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const history = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      await Worker.runReplayHistory({ workflowBundle: { codePath: bundle } }, history, `ops-replay-${file}`);
    }
  });
});
