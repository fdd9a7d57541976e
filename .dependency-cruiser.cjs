// DESIGN.md's dependency rules ("who may import whom"), written once: one row per top-level
// folder, turned into dependency-cruiser rules below. `npm run lint` runs them (so CI does, through
// test/architecture/gates.test.ts) and test/architecture/dependencies.test.ts fails with
// depcruise's own messages. README's folder table is checked against LAYERS (readme.test.ts).
//
// A row says what the folder holds, which other top-level folders it may import (`may`), which
// only with `import type` (`typesFrom`) and which Node built-ins and packages are out of bounds.
// A folder missing from the table fails too (rule "folder-without-layer", and the README check).

/** Packages that do I/O: the database, HTTP servers and clients, Temporal's non-workflow SDKs. */
const IO_PACKAGES = [
  'knex', 'pg', 'express', 'argon2', 'pino', 'pino-http', 'nodemailer', '@electric-sql/pglite',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
  'axios', 'node-fetch', 'undici', 'got', 'ky', 'superagent', 'cross-fetch', 'isomorphic-fetch', 'ofetch', 'needle',
];

/**
 * Inside Temporal's workflow sandbox only the workflow SDK and what it re-exports from
 * @temporalio/common run; Node built-ins and I/O are unavailable or break determinism.
 */
const SANDBOX_PACKAGES = ['@temporalio/workflow', '@temporalio/common'];

/** Code the worker bundles into the workflow sandbox (workers/worker.ts: workflowsPath, workflowInterceptorModules). */
const SANDBOX_FILES = ['workflows/', 'observability/workflowInterceptors\\.ts$', 'observability/correlation\\.ts$'];

/**
 * One row per top-level folder. `pure`: no Node built-ins and no I/O packages. `under` narrows
 * `pure` to part of the folder (the UI's browser code, not its Vite config).
 */
const LAYERS = {
  workflows: {
    holds: "deterministic workflow code only; each workflow's `definitions.ts` (signals, queries, updates, IDs)",
    may: ['risk'],
    typesFrom: ['activities'],
    why: "workflow code runs in Temporal's sandbox: its own files, the workflow SDK, pure risk logic and activities as types only",
  },
  activities: {
    holds: 'side effects, built by `createActivities(deps)` with the database, clients and config injected',
    may: ['admin', 'boundary', 'config', 'db', 'observability', 'risk', 'temporal', 'workflows'],
    why: 'activities do the I/O; they never import the API, the worker entry point, the UI, scripts or the stand-ins',
  },
  workers: {
    holds: 'the worker entry point and the schedules it keeps current',
    may: ['activities', 'admin', 'config', 'db', 'observability', 'risk', 'temporal', 'workflows'],
    why: 'the worker wires workflows and activities together; nothing imports it',
  },
  api: {
    holds: 'Express 5 app by feature (router, handlers, service, zod schemas), auth, error mapping',
    may: ['admin', 'boundary', 'compliance', 'config', 'db', 'observability', 'risk', 'temporal', 'workflows'],
    why: 'the API talks to Temporal through the client and imports workflow definitions, never an activity implementation',
  },
  ui: {
    holds: 'Vue 3 + Vite single-page app',
    may: [],
    pure: true,
    under: 'ui/src/',
    why: 'the UI runs in the browser and reaches the system only over HTTP',
  },
  migrations: {
    holds: 'knex migrations (timestamped, real `down`), listed in `migrations/index.ts`',
    may: [],
    why: 'migrations are history: they depend on nothing that may change after them',
  },
  risk: {
    holds: 'pure risk logic: rules, customer profile, isolation forest, features, metrics, backtests',
    may: [],
    pure: true,
    why: 'risk logic has no I/O and imports none of the other folders (workflows run it in the sandbox)',
  },
  boundary: {
    holds: 'the input rules every door applies (API, warehouse rows, webhooks): pure, no I/O',
    may: ['risk'],
    pure: true,
    why: 'the input rules are pure: no I/O, only risk types from the other folders',
  },
  compliance: {
    holds: 'history export, replay against the current code, decision path and audit report (API and CLI)',
    may: ['config', 'db', 'observability', 'risk', 'temporal', 'workflows'],
    why: 'compliance logic is shared by the API and the CLI: it uses the client and the replayer, never activities, the API or workers',
  },
  admin: {
    holds: 'the rule-set store, the administration audit trail, backtest report downloads',
    may: ['boundary', 'compliance', 'config', 'db', 'risk'],
    why: 'the administration store is shared by the API and the activities: it imports neither',
  },
  warehouse: {
    holds: 'the seeded generator of realistic warehouse data (with labelled fraud)',
    may: ['boundary', 'db', 'risk'],
    why: 'the generator is used by tests, benchmarks and `npm start`; it knows the domain and the table shapes, nothing above',
  },
  db: {
    holds: 'connections, the embedded PGlite server, the transactions row mapping, FX rate look-ups',
    may: ['config', 'migrations', 'risk'],
    why: 'the database layer sits below everything that reads or writes tables',
  },
  config: {
    holds: 'configuration, read and validated once at start-up (zod)',
    may: ['boundary', 'risk'],
    why: 'configuration is parsed at the entry points and handed down; it depends only on domain types and input rules',
  },
  temporal: {
    holds: 'the Temporal connection (plain, TLS, mTLS, API key) for the worker, the API and scripts',
    may: ['config'],
    why: 'the connection is built from configuration only',
  },
  observability: {
    holds: 'logs, metrics, health checks, workflow and activity interceptors',
    may: ['config', 'workflows'],
    why: 'observability is used by every process; its workflow interceptors run in the sandbox',
  },
  simulators: {
    holds: 'local stand-ins for Tazama, Ballerine and CISO Assistant (never imported by product code)',
    may: ['api', 'config'],
    why: "the stand-ins are separate processes; they reuse the product's wire encoders (Tazama's protobuf) and duration parsing, and nothing imports them",
  },
  scripts: {
    holds: '`npm start`, bootstrap, Temporal CLI installer, migrations, compliance CLI, API types; `scripts/lib/`: the supervisor, the Temporal dev server and the throwaway PostgreSQL cluster that tests and benchmarks use',
    may: ['activities', 'admin', 'api', 'boundary', 'compliance', 'config', 'db', 'migrations', 'observability', 'risk', 'temporal', 'warehouse', 'workflows'],
    why: 'command-line entry points compose the product; they start the worker, the UI and the stand-ins as processes, never by import',
  },
  benchmarks: {
    holds: 'scoring, anomaly-model, detection, backtest, demo-trickle and cluster benchmarks (`npm run bench:*`)',
    may: ['activities', 'admin', 'api', 'boundary', 'compliance', 'config', 'db', 'migrations', 'observability', 'risk', 'scripts', 'temporal', 'warehouse', 'workflows'],
    why: 'benchmarks measure the product; they start the worker and the stand-ins as processes, never by import',
  },
  test: {
    holds: 'vitest suites; `test/fixtures/histories/` holds recorded workflow histories',
    may: '*',
    why: 'tests exercise every layer on purpose',
  },
  docs: {
    holds: 'screenshots of the UI (written by the browser tests)',
    may: [],
    why: 'no code',
  },
};

/** Not source folders: build output, installs and tool state (see .gitignore). */
const NOT_SOURCE = ['node_modules', 'dist', 'coverage', 'test-results'];

const FOLDERS = Object.keys(LAYERS);
const any = (names) => `^(?:${names.join('|')})/`;
const escapePackage = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const packagePaths = (names) => `(?:^|/)node_modules/(?:${names.map(escapePackage).join('|')})/`;

function rulesFor(folder, layer) {
  const rules = [];
  if (layer.may !== '*') {
    const allowed = [folder, ...layer.may, ...(layer.typesFrom ?? [])];
    const others = FOLDERS.filter((f) => !allowed.includes(f));
    rules.push({
      name: `${folder}-imports`,
      comment: `${folder}/ may import ${layer.may.length ? layer.may.map((f) => `${f}/`).join(', ') : 'no other folder'}${layer.typesFrom ? ` (and ${layer.typesFrom.map((f) => `${f}/`).join(', ')} as types only)` : ''}: ${layer.why} (DESIGN.md, dependency rules).`,
      severity: 'error',
      from: { path: `^${folder}/` },
      to: { path: any(others) },
    });
  }
  for (const typesOnly of layer.typesFrom ?? []) {
    rules.push({
      name: `${folder}-${typesOnly}-types-only`,
      comment: `${folder}/ may import ${typesOnly}/ only with \`import type\`: ${layer.why} (DESIGN.md, dependency rules).`,
      severity: 'error',
      from: { path: `^${folder}/` },
      to: { path: `^${typesOnly}/`, dependencyTypesNot: ['type-only', 'type-import'] },
    });
  }
  if (layer.pure) {
    const scope = layer.under ?? `${folder}/`;
    rules.push(
      {
        name: `${folder}-no-node-builtins`,
        comment: `Node built-ins are not allowed in ${scope}: ${layer.why}.`,
        severity: 'error',
        from: { path: `^${scope}` },
        to: { dependencyTypes: ['core'] },
      },
      {
        name: `${folder}-no-io-packages`,
        comment: `I/O packages (database, HTTP, Temporal client/worker, logging) are not allowed in ${scope}: ${layer.why}.`,
        severity: 'error',
        from: { path: `^${scope}` },
        to: { path: packagePaths(IO_PACKAGES) },
      },
    );
  }
  return rules;
}

module.exports = {
  forbidden: [
    ...Object.entries(LAYERS).flatMap(([folder, layer]) => rulesFor(folder, layer)),
    {
      name: 'workflow-sandbox',
      comment: `Code bundled into the workflow sandbox may use only ${SANDBOX_PACKAGES.join(' and ')} at run time: no Node built-ins, no other package (Temporal's deterministic sandbox; type imports are erased).`,
      severity: 'error',
      from: { path: SANDBOX_FILES.map((p) => `^${p}`) },
      to: {
        dependencyTypesNot: ['type-only', 'type-import'],
        pathNot: [any(FOLDERS), packagePaths(SANDBOX_PACKAGES)],
      },
    },
    {
      name: 'folder-without-layer',
      comment: 'Every top-level folder has a row in .dependency-cruiser.cjs (LAYERS): say what it holds and what it may import.',
      severity: 'error',
      from: { path: '^[^/]+/', pathNot: any([...FOLDERS, ...NOT_SOURCE]) },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve cannot be checked (and would fail at run time).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // (node_modules is not excluded: the rules must see which packages are imported)
    exclude: { path: `^(?:${NOT_SOURCE.filter((f) => f !== 'node_modules').join('|')}|\\.kinga|\\.git)/` },
    // `import type` is seen (and marked type-only) so the types-only rules can tell it apart
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // only the dependencies' names matter, not what they import in turn
    skipAnalysisNotInRules: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.vue', '.json', '.d.ts'],
    },
  },
};

// The table itself, for test/architecture (README's folder table is checked against it).
// Not enumerable: depcruise validates the exported object and allows no keys of its own.
Object.defineProperty(module.exports, 'layers', { value: LAYERS, enumerable: false });
Object.defineProperty(module.exports, 'notSource', { value: NOT_SOURCE, enumerable: false });
