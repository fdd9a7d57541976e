// docker-compose.yml cannot run here (no Docker engine), so it is checked statically: the services
// of the stack exist and are wired as production needs them (health checks, volumes, no fixed
// names or host ports on the scalable worker), and — no drift — every variable it sets for Kinga is
// one that Kinga's configuration reads, the required ones are set, and the configuration loads
// from exactly what compose sets. The Dockerfile builds what compose and the worker expect.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../config';
import { loadObservabilityConfig, OBSERVABILITY_VARIABLES } from '../../config/observability';
import { loadTemporalConnectionConfig, TEMPORAL_CONNECTION_VARIABLES } from '../../config/temporalConnection';
import { fileURLToPath } from 'node:url';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../workflows/lifecycle/definitions';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

type Service = {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  container_name?: string;
  stop_grace_period?: string;
  profiles?: string[];
};

const composeText = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown>; configs?: Record<string, { content?: string }> };
const services = compose.services;
const KINGA_SERVICES = Object.entries(services)
  .filter(([, s]) => s.image?.startsWith('kinga:'))
  .map(([name]) => name);

/** Compose's interpolation with nothing set in the shell: defaults apply, required values get a stand-in. */
function interpolate(value: string): string {
  return value
    .replace(/\$\$/g, '\u0000') // an escaped dollar is not interpolated
    .replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback: string | undefined) => fallback ?? '')
    .replace(/\$\{([A-Z0-9_]+):?\?[^}]*\}/g, () => 'compose-required-value-compose-required-value')
    .replace(/\u0000/g, '$');
}

function environmentOf(name: string): Record<string, string> {
  const env = services[name]!.environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v === null ? '' : String(v))]));
}

/**
 * Every variable a Kinga configuration module reads: each module under config/ that exports a
 * `…_VARIABLES` list (the core list, the integrations, operations), and the Temporal connection.
 */
async function knownVariables(): Promise<Set<string>> {
  const known = new Set<string>([...CONFIG_VARIABLES, ...OBSERVABILITY_VARIABLES, ...TEMPORAL_CONNECTION_VARIABLES]);
  const configDir = path.join(ROOT, 'config');
  for (const file of fs.readdirSync(configDir).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(path.join(configDir, file))) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(mod)) {
      if (exported.endsWith('_VARIABLES') && Array.isArray(value)) for (const v of value) known.add(String(v));
    }
  }
  return known;
}

/** Every `load…Config(env)` of the configuration modules. */
async function configLoaders(): Promise<[string, (env: NodeJS.ProcessEnv) => unknown][]> {
  const loaders: [string, (env: NodeJS.ProcessEnv) => unknown][] = [
    ['loadConfig', loadConfig],
    ['loadObservabilityConfig', loadObservabilityConfig],
    ['loadTemporalConnectionConfig', loadTemporalConnectionConfig],
  ];
  const configDir = path.join(ROOT, 'config');
  for (const file of fs.readdirSync(configDir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'observability.ts')) {
    const mod = (await import(path.join(configDir, file))) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(mod)) {
      if (/^load\w+Config$/.test(exported) && typeof value === 'function') loaders.push([`${file}: ${exported}`, value as (env: NodeJS.ProcessEnv) => unknown]);
    }
  }
  return loaders;
}

function commandText(s: Service): string {
  return Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? '');
}

function healthcheckText(s: Service): string {
  const t = s.healthcheck?.test;
  return Array.isArray(t) ? t.join(' ') : (t ?? '');
}

describe('docker-compose.yml', () => {
  it('has the whole stack: PostgreSQL, Temporal on it, Temporal Web, search attributes, migrations, worker, API', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'temporal-admin-tools', 'kinga-migrate', 'kinga-worker', 'kinga-api']),
    );
    expect(KINGA_SERVICES.sort()).toEqual(['kinga-api', 'kinga-migrate', 'kinga-worker']);
    for (const name of KINGA_SERVICES) expect(services[name]!.build, `${name} builds the Kinga image`).toBe('.');

    // Temporal persists in that PostgreSQL; its schema is set up by auto-setup.
    const temporal = services.temporal!;
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(environmentOf('temporal')).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(temporal.depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    expect(environmentOf('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');

    // Named volumes keep the data.
    expect(services.postgresql!.volumes).toContain('postgresql-data:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes)).toContain('postgresql-data');
  });

  it('registers exactly the search attributes the workflows use', () => {
    const command = commandText(services['temporal-admin-tools']!);
    const pairs = Object.fromEntries([...command.matchAll(/\b(Kinga\w+)=(\w+)/g)].map((m) => [m[1], m[2]]));
    expect(pairs).toEqual(SEARCH_ATTRIBUTE_DEFINITIONS);
    expect(environmentOf('temporal-admin-tools').TEMPORAL_NAMESPACE).toBe(environmentOf('kinga-worker').TEMPORAL_NAMESPACE);
    expect(environmentOf('temporal').DEFAULT_NAMESPACE).toBe(environmentOf('kinga-worker').TEMPORAL_NAMESPACE);
  });

  it('lets the worker scale: no container name, no published port, a readiness check, time to drain', () => {
    const worker = services['kinga-worker']!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    const env = environmentOf('kinga-worker');
    const ops = loadObservabilityConfig(env);
    expect(healthcheckText(worker)).toContain(`http://127.0.0.1:${ops.workerHealthPort.port}/readyz`);
    expect(commandText(worker)).toMatch(/workers\/worker\.ts$/);
    // compose's stop_grace_period must outlast the worker's own drain (grace + 15 s force margin)
    const stopSeconds = Number(/^(\d+)s$/.exec(worker.stop_grace_period ?? '')?.[1]);
    expect(stopSeconds * 1000).toBeGreaterThan(ops.workerShutdownGraceMs + 15_000);
    expect(worker.depends_on).toMatchObject({
      'kinga-migrate': { condition: 'service_completed_successfully' },
      'temporal-admin-tools': { condition: 'service_completed_successfully' },
    });
  });

  it('publishes the API and nothing operational; health checks on every long-running service', () => {
    const api = services['kinga-api']!;
    const env = environmentOf('kinga-api');
    expect(api.ports).toEqual([`\${KINGA_API_PORT:-3000}:${env.API_PORT}`]);
    expect(healthcheckText(api)).toContain(`http://127.0.0.1:${env.API_PORT}/readyz`);
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'kinga-worker', 'kinga-api']) {
      expect(services[name]!.healthcheck, `${name} has a health check`).toBeDefined();
    }
    // metrics and probe ports are never published; other host ports only on loopback
    const ops = loadObservabilityConfig(env);
    for (const [name, s] of Object.entries(services)) {
      for (const mapping of s.ports ?? []) {
        for (const port of [ops.apiMetricsPort.port, ops.workerMetricsPort.port, ops.workerHealthPort.port]) expect(mapping, `${name} publishes ${port}`).not.toMatch(new RegExp(`:${port}$`));
        if (name !== 'kinga-api') expect(interpolate(mapping), `${name}: ${mapping}`).toMatch(/^127\.0\.0\.1:/);
      }
    }
    // the optional Prometheus scrapes the ports Kinga's processes listen on
    const scrape = compose.configs?.['prometheus-config']?.content ?? '';
    expect(scrape).toContain(`port: ${ops.apiMetricsPort.port}`);
    expect(scrape).toContain(`port: ${ops.workerMetricsPort.port}`);
    expect(services.prometheus?.profiles).toEqual(['monitoring']);
  });

  it('sets only variables that Kinga reads, and the required ones (no drift)', async () => {
    const known = await knownVariables();
    for (const name of KINGA_SERVICES) {
      const env = environmentOf(name);
      const unknown = Object.keys(env).filter((k) => !known.has(k));
      expect(unknown, `${name} sets variables no configuration module reads`).toEqual([]);
      expect(env.NODE_ENV).toBe('production');
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgresql:5432\//);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    expect(environmentOf('kinga-api').JWT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(services['kinga-api']!.environment!.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/); // required, never defaulted
  });

  it('gives every configuration module a valid environment in every Kinga service', async () => {
    const loaders = await configLoaders();
    expect(loaders.length).toBeGreaterThanOrEqual(3);
    for (const name of KINGA_SERVICES) {
      const env = environmentOf(name);
      for (const [loader, load] of loaders) {
        expect(() => load(env), `${name}: ${loader}`).not.toThrow();
      }
      const config = loadConfig(env);
      expect(config.env).toBe('production');
      const ops = loadObservabilityConfig(env);
      expect(ops.metricsHost).toBe('0.0.0.0'); // reachable by Prometheus on the compose network
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('builds the UI and the workflow bundle (with its interceptors) that the image points the worker at', () => {
    expect(dockerfile).toMatch(/RUN npm run ui:build/);
    expect(dockerfile).toMatch(/npm run bundle:workflows/);
    const bundle = /KINGA_WORKFLOW_BUNDLE=(\S+)/.exec(dockerfile)?.[1];
    expect(bundle).toBe('/app/dist/workflow-bundle.js');
    expect(pkg.scripts['bundle:workflows']).toBe('node --import tsx workers/worker.ts --bundle dist/workflow-bundle.js');
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('runs the commands compose gives it from files that exist', () => {
    for (const name of KINGA_SERVICES) {
      const command = services[name]!.command as string[];
      expect(command.slice(0, 3), name).toEqual(['node', '--import', 'tsx']);
      expect(fs.existsSync(path.join(ROOT, command[3]!)), `${name}: ${command[3]}`).toBe(true);
    }
  });
});
