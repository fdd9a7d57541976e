// The CISO Assistant stand-in: exactly the subset of the real API (Django REST Framework under
// /api/, checked against v3.10.4's source) that Kinga uses, with the real service's habits —
//   - every path ends with "/": without it, a path that exists with one is redirected (301, as
//     Django's APPEND_SLASH; in debug mode a non-GET gets Django's 500 instead), anything else 404;
//   - Knox token auth, `Authorization: Token <token>`: none or a wrong one → 401, a read-only
//     token writing → 403; /api/health/ needs none, but a wrong one is still refused (401);
//   - bodies and query strings validated as its serializers and filters do (drf.ts): a bad one is
//     a 400 {"field": ["message"]} and changes nothing; names unique in their scope, case-insensitively;
//   - lists paginated by limit/offset: {count, next, previous, results}, with absolute links,
//     `search` and filters; create answers 201 with the write shape (related objects as ids),
//     reads give {id, str};
//   - risk matrices exist only after their stored library is imported;
//   - a likelihood and impact pair outside the matrix is not validated: the real server fails on
//     it computing the level, a Django 500 with an HTML page, and stores nothing;
//   - a locked assessment (is_locked) refuses edits to itself and its scenarios (400), yet new
//     scenarios can still be added to it.
// Plus a fault knob for tests (/__faults): latency, an error rate (deterministic), down, failNext.
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { anyOf, boolean, choice, choicesOf, DrfError, exact, integer, list, notFound, oneOf, parse, pk, text, uuid, validationError, type Filters, type Searchable } from './drf';
import { CRITICAL_5X5_LIBRARY, type StoredLibraryDefinition } from './matrix';

export interface CisoFaults {
  /** added before every /api answer */
  latencyMs: number;
  /** share of /api requests answered 503 (deterministic: exactly that share, evenly spread) */
  errorRate: number;
  /** /api connections are dropped without an answer */
  down: boolean;
  /** the next N /api requests are answered 503 */
  failNext: number;
}

interface Base {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface FolderRecord extends Base {
  parent_folder: string | null;
  content_type: 'GLOBAL' | 'DOMAIN';
  builtin: boolean;
}

export interface PerimeterRecord extends Base {
  folder: string;
  ref_id: string;
  lc_status: string;
}

export interface RiskMatrixRecord extends Base {
  urn: string;
  ref_id: string;
  folder: string;
  library: string;
  definition: StoredLibraryDefinition['matrix'];
}

export interface RiskAssessmentRecord extends Base {
  perimeter: string | null;
  folder: string;
  risk_matrix: string;
  version: string;
  status: string;
  ref_id: string;
  risk_tolerance: number;
  is_locked: boolean;
  eta: string | null;
  due_date: string | null;
}

const INDEXES = ['current_proba', 'current_impact', 'residual_proba', 'residual_impact', 'inherent_proba', 'inherent_impact'] as const;

export interface RiskScenarioRecord extends Base, Record<(typeof INDEXES)[number], number> {
  risk_assessment: string;
  folder: string;
  ref_id: string;
  treatment: string;
  justification: string;
  strength_of_knowledge: number;
}

interface LibraryRecord {
  id: string;
  definition: StoredLibraryDefinition;
  loaded: boolean;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  /** which credentials came with it: none, the token, a read-only token, or a wrong one */
  auth: 'none' | 'token' | 'read-only' | 'invalid';
}

export interface CisoSimulatorState {
  token: string;
  readOnlyTokens: Set<string>;
  /** Django DEBUG: a non-GET without its slash gets a 500 instead of a redirect */
  debug: boolean;
  /** the risk scenario treatments this release knows ("cancelled" since v3.16) */
  treatments: readonly [string, ...string[]];
  faults: CisoFaults;
  /** /api requests seen, for the deterministic error rate */
  counter: number;
  folders: Map<string, FolderRecord>;
  perimeters: Map<string, PerimeterRecord>;
  libraries: Map<string, LibraryRecord>;
  riskMatrices: Map<string, RiskMatrixRecord>;
  riskAssessments: Map<string, RiskAssessmentRecord>;
  riskScenarios: Map<string, RiskScenarioRecord>;
  requests: RequestRecord[];
  rootId: string;
}

// RiskScenario.TREATMENT_OPTIONS with their English labels; "cancelled" came with v3.16 (#4009).
const TREATMENTS: Record<string, string> = { open: 'Open', mitigate: 'Mitigate', accept: 'Accept', avoid: 'Avoid', transfer: 'Transfer', cancelled: 'Cancelled' };
const TREATMENTS_BEFORE_3_16 = ['open', 'mitigate', 'accept', 'avoid', 'transfer'] as const;
const ASSESSMENT_STATUSES = ['planned', 'in_progress', 'in_review', 'done', 'deprecated'] as const;
const LC_STATUSES = ['undefined', 'in_design', 'in_dev', 'in_prod', 'eol', 'dropped'] as const;
const MAX_REQUEST_LOG = 2000;

export function createState(opts: { token: string; readOnlyTokens?: string[]; debug?: boolean; faults?: Partial<CisoFaults>; preloadMatrix?: boolean; cancelledTreatment?: boolean }): CisoSimulatorState {
  const now = new Date().toISOString();
  const rootId = randomUUID();
  const state: CisoSimulatorState = {
    token: opts.token,
    readOnlyTokens: new Set(opts.readOnlyTokens ?? []),
    debug: opts.debug ?? false,
    treatments: opts.cancelledTreatment === false ? TREATMENTS_BEFORE_3_16 : (Object.keys(TREATMENTS) as [string, ...string[]]),
    faults: { latencyMs: 0, errorRate: 0, down: false, failNext: 0 },
    counter: 0,
    folders: new Map([[rootId, { id: rootId, name: 'Global', description: null, parent_folder: null, content_type: 'GLOBAL', builtin: true, created_at: now, updated_at: now }]]),
    perimeters: new Map(),
    libraries: new Map(),
    riskMatrices: new Map(),
    riskAssessments: new Map(),
    riskScenarios: new Map(),
    requests: [],
    rootId,
  };
  const library: LibraryRecord = { id: randomUUID(), definition: CRITICAL_5X5_LIBRARY, loaded: false };
  state.libraries.set(library.id, library);
  if (opts.preloadMatrix) loadLibrary(state, library);
  setFaults(state, opts.faults ?? {});
  return state;
}

const faultsSchema = z
  .object({
    latencyMs: z.coerce.number().int().min(0).max(120_000),
    errorRate: z.coerce.number().min(0).max(1),
    down: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
    failNext: z.coerce.number().int().min(0).max(1_000_000),
  })
  .partial()
  .strict();

/** Sets the fault knob; a value it cannot take is refused (DrfError 400 naming the field), nothing changed. */
export function setFaults(state: CisoSimulatorState, faults: unknown): CisoFaults {
  const parsed = faultsSchema.safeParse(faults);
  if (!parsed.success) throw validationError(parsed.error);
  Object.assign(state.faults, parsed.data);
  return { ...state.faults };
}

/** Faults from CISO_SIM_LATENCY_MS, CISO_SIM_ERROR_RATE, CISO_SIM_DOWN. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): Partial<CisoFaults> {
  return {
    ...(env.CISO_SIM_LATENCY_MS ? { latencyMs: Number(env.CISO_SIM_LATENCY_MS) } : {}),
    ...(env.CISO_SIM_ERROR_RATE ? { errorRate: Number(env.CISO_SIM_ERROR_RATE) } : {}),
    ...(env.CISO_SIM_DOWN ? { down: ['1', 'true', 'yes', 'on'].includes(env.CISO_SIM_DOWN) } : {}),
  };
}

// ---- Django's pages and the model's rules --------------------------------------------------------

const page = (title: string, body: string) => `<!doctype html>\n<html lang="en">\n<head>\n  <title>${title}</title>\n</head>\n<body>\n  <h1>${title}</h1><p>${body}</p>\n</body>\n</html>\n`;
/** Django's production pages (DEBUG off). */
const serverError = () => new DrfError(500, page('Server Error (500)', ''));
const NOT_FOUND_PAGE = page('Not Found', 'The requested resource was not found on this server.');
const HTML = 'text/html; charset=utf-8';

const taken = (value: string) => `${value} is already used in this scope. Please choose another value.`;
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const values = <T>(map: Map<string, T>) => [...map.values()];
const has = (map: Map<string, unknown>) => (id: string) => map.has(id);

function related<T extends { id: string; name: string }>(map: Map<string, T>, id: string | null): { id: string; str: string } | null {
  const o = id ? map.get(id) : undefined;
  return o ? { id: o.id, str: o.name } : null;
}

function folderPath(s: CisoSimulatorState, id: string): { id: string; str: string }[] {
  const path: { id: string; str: string }[] = [];
  for (let f = s.folders.get(id); f; f = f.parent_folder ? s.folders.get(f.parent_folder) : undefined) path.unshift({ id: f.id, str: f.name });
  return path;
}

type Matrix = RiskMatrixRecord['definition'];

/** RiskScenario._get_risk_data: a rated value is its matrix entry; one past the matrix fails, as the real one does. */
function level(def: Matrix, kind: 'probability' | 'impact' | 'risk', value: number) {
  if (value < 0) return { abbreviation: '--', name: '--', description: 'not rated', value: -1, ...(kind === 'risk' ? { hexcolor: '#A9A9A9' } : {}) };
  const l = def[kind][value];
  if (!l) throw serverError();
  return { ...l, value };
}

/** risk_scoring: grid[probability][impact] when both are rated; outside the grid the save fails (Django's 500). */
function riskLevel(def: Matrix, proba: number, impact: number): number {
  if (proba < 0 || impact < 0) return -1;
  const l = def.grid[proba]?.[impact];
  if (l === undefined) throw serverError();
  return l;
}

const matrixOf = (s: CisoSimulatorState, a: RiskAssessmentRecord) => s.riskMatrices.get(a.risk_matrix)!.definition;

function levels(def: Matrix, r: RiskScenarioRecord) {
  return {
    current_level: riskLevel(def, r.current_proba, r.current_impact),
    residual_level: riskLevel(def, r.residual_proba, r.residual_impact),
    inherent_level: riskLevel(def, r.inherent_proba, r.inherent_impact),
  };
}

function loadLibrary(s: CisoSimulatorState, lib: LibraryRecord): void {
  const now = new Date().toISOString();
  const m = lib.definition.matrix;
  const id = randomUUID();
  s.riskMatrices.set(id, { id, urn: m.urn, ref_id: m.ref_id, name: m.name, description: m.description, folder: s.rootId, library: lib.id, definition: m, created_at: now, updated_at: now });
  lib.loaded = true;
}

// ---- read serializers ----------------------------------------------------------------------------

const readFolder = (s: CisoSimulatorState, f: FolderRecord) => ({ ...f, parent_folder: related(s.folders, f.parent_folder), path: folderPath(s, f.id) });

const readPerimeter = (s: CisoSimulatorState, p: PerimeterRecord) => ({ ...p, folder: related(s.folders, p.folder) });

function readMatrix(s: CisoSimulatorState, m: RiskMatrixRecord) {
  const { definition: d, ...rest } = m;
  return {
    ...rest,
    folder: related(s.folders, m.folder),
    library: { id: m.library, str: s.libraries.get(m.library)?.definition.name ?? '' },
    json_definition: { probability: d.probability, impact: d.impact, risk: d.risk, grid: d.grid },
    is_enabled: true,
    provider: 'intuitem',
    locale: 'en',
  };
}

const readLibrary = ({ id, definition: d, loaded }: LibraryRecord) => ({
  id,
  ...{ urn: d.urn, ref_id: d.ref_id, name: d.name, description: d.description, version: d.version, provider: d.provider, packager: d.packager, locale: d.locale },
  objects_meta: { risk_matrix: 1 },
  is_loaded: loaded,
  builtin: true,
});

const readAssessment = (s: CisoSimulatorState, a: RiskAssessmentRecord) => ({
  ...a,
  folder: related(s.folders, a.folder),
  path: folderPath(s, a.folder),
  perimeter: related(s.perimeters, a.perimeter),
  risk_matrix: related(s.riskMatrices, a.risk_matrix),
  risk_scenarios_count: values(s.riskScenarios).filter((r) => r.risk_assessment === a.id).length,
});

/** The write serializer's answer: the record, its computed levels, related lists as ids. */
function writtenScenario(s: CisoSimulatorState, r: RiskScenarioRecord) {
  const empty = { threats: [], assets: [], vulnerabilities: [], applied_controls: [], existing_applied_controls: [], owner: [], filtering_labels: [] };
  return { ...r, ...levels(matrixOf(s, s.riskAssessments.get(r.risk_assessment)!), r), ...empty };
}

function readScenario(s: CisoSimulatorState, r: RiskScenarioRecord) {
  const a = s.riskAssessments.get(r.risk_assessment)!;
  const def = matrixOf(s, a);
  const { current_level, residual_level, inherent_level } = levels(def, r);
  return {
    ...r,
    folder: related(s.folders, r.folder),
    perimeter: related(s.perimeters, a.perimeter),
    risk_assessment: { id: a.id, str: `${a.name} - ${a.version}`, name: a.name, is_locked: a.is_locked },
    risk_matrix: related(s.riskMatrices, a.risk_matrix),
    current_proba: level(def, 'probability', r.current_proba),
    current_impact: level(def, 'impact', r.current_impact),
    current_level: level(def, 'risk', current_level),
    residual_proba: level(def, 'probability', r.residual_proba),
    residual_impact: level(def, 'impact', r.residual_impact),
    residual_level: level(def, 'risk', residual_level),
    inherent_proba: level(def, 'probability', r.inherent_proba),
    inherent_impact: level(def, 'impact', r.inherent_impact),
    inherent_level: level(def, 'risk', inherent_level),
    within_tolerance: a.risk_tolerance < 0 || current_level < 0 ? '--' : current_level <= a.risk_tolerance ? 'YES' : 'NO',
  };
}

// ---- write serializers (zod) ---------------------------------------------------------------------

const description = text({ blank: true }).nullable();
const refId = text({ max: 100, blank: true });

const folderSchema = (s: CisoSimulatorState) => z.object({ name: text({ max: 200, slash: 'Folder' }), parent_folder: pk(has(s.folders)).nullable().default(null), description: description.default(null) });

const perimeterSchema = (s: CisoSimulatorState) =>
  z.object({ name: text({ max: 200, slash: 'Perimeter' }), folder: pk(has(s.folders)), description: description.default(null), ref_id: refId.default(''), lc_status: choice(LC_STATUSES).default('in_design') });

const assessmentSchema = (s: CisoSimulatorState) =>
  z.object({
    name: text({ max: 200 }),
    risk_matrix: pk(has(s.riskMatrices)),
    perimeter: pk(has(s.perimeters)).nullable().default(null),
    folder: pk(has(s.folders)).nullable().default(null),
    version: text({ max: 100 }).default('1.0'),
    status: choice(ASSESSMENT_STATUSES).default('planned'),
    description: description.default(null),
    ref_id: refId.default(''),
    risk_tolerance: integer(-1, 4).default(-1),
  });

const assessmentPatchSchema = z.object({ status: choice(ASSESSMENT_STATUSES), description, is_locked: boolean() }).partial();

/** RiskScenarioWriteSerializer: name and assessment required (a PATCH takes it .partial()). */
const scenarioSchema = (s: CisoSimulatorState) =>
  z.object({
    name: text({ max: 200 }),
    risk_assessment: pk(has(s.riskAssessments)),
    ref_id: refId.optional(),
    description: description.optional(),
    treatment: choice(s.treatments).optional(),
    // SmallIntegerField: only the column's range; an index outside the matrix fails when saved
    ...(Object.fromEntries(INDEXES.map((k) => [k, integer(-32768, 32767).optional()])) as Record<(typeof INDEXES)[number], z.ZodOptional<ReturnType<typeof integer>>>),
    justification: text({ max: 2000, blank: true }).optional(),
    strength_of_knowledge: integer(-1, 2).optional(),
  });

/** The model's clean(): a name unique in its scope, case-insensitively. */
function unique<T extends { id: string; name: string }>(items: T[], name: string, except?: string): void {
  if (items.some((o) => o.id !== except && sameName(o.name, name))) throw new DrfError(400, { name: [taken(name)] });
}

const LOCKED = {
  assessment: "⚠️ Cannot modify the risk assessment attributes when it is locked. Only the 'Locked' field can be modified.",
  scenario: '⚠️ Cannot modify the risk scenario when the risk assessment is locked.',
};
const locked = (what: keyof typeof LOCKED) => new DrfError(400, { non_field_errors: [LOCKED[what]] });

/** RiskScenario.save(): the levels computed first (a pair outside the grid fails), then the name checked; risk_assessment never moves. */
function saveScenario(s: CisoSimulatorState, r: RiskScenarioRecord, input: Partial<z.output<ReturnType<typeof scenarioSchema>>>) {
  const { risk_assessment: _ignored, ...given } = input;
  const next = { ...r, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)), updated_at: new Date().toISOString() } as RiskScenarioRecord;
  levels(matrixOf(s, s.riskAssessments.get(r.risk_assessment)!), next);
  unique(values(s.riskScenarios).filter((o) => o.risk_assessment === r.risk_assessment), next.name, r.id);
  s.riskScenarios.set(next.id, next);
  return writtenScenario(s, next);
}

// ---- the routes ----------------------------------------------------------------------------------

type Answer = { status: number; body: unknown };
type Handler = (req: Request) => Answer;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const ok = (body: unknown, status = 200): Answer => ({ status, body });

function routes(s: CisoSimulatorState): Record<string, Partial<Record<Method, Handler>>> {
  const born = () => ({ id: randomUUID(), created_at: new Date().toISOString(), updated_at: new Date().toISOString() });
  const create = <T extends { id: string }>(map: Map<string, T>, record: T) => ok(map.set(record.id, record).get(record.id), 201);
  const byId = <T>(map: Map<string, T>, req: Request): T => map.get(String(req.params.id)) ?? notFound();
  const listed =
    <T extends object>(items: () => T[], search: (item: T) => Searchable, filters: Filters, show: (item: T) => unknown = (i) => i): Handler =>
    (req) =>
      ok(list(req, items(), search, filters, show));
  const updateScenario = (req: Request, partial: boolean) => {
    const r = byId(s.riskScenarios, req);
    const body = parse(partial ? scenarioSchema(s).partial() : scenarioSchema(s), req.body);
    if (s.riskAssessments.get(r.risk_assessment)!.is_locked) throw locked('scenario');
    return ok(saveScenario(s, r, body));
  };
  return {
    '/api/folders/': {
      GET: listed(() => values(s.folders), (f) => [f.name], { parent_folder: anyOf(has(s.folders)), content_type: choicesOf(['GLOBAL', 'DOMAIN', 'ENCLAVE']), name: exact() }, (f) => readFolder(s, f)),
      POST: (req) => {
        const body = parse(folderSchema(s), req.body);
        const parent = body.parent_folder ?? s.rootId;
        unique(values(s.folders).filter((f) => f.parent_folder === parent), body.name);
        return create(s.folders, { ...born(), ...body, parent_folder: parent, content_type: 'DOMAIN', builtin: false });
      },
    },
    '/api/folders/:id/': { GET: (req) => ok(readFolder(s, byId(s.folders, req))) },
    '/api/perimeters/': {
      GET: listed(() => values(s.perimeters), (p) => [p.name, p.ref_id, p.description], { folder: anyOf(has(s.folders)), lc_status: choicesOf(LC_STATUSES), name: exact() }, (p) => readPerimeter(s, p)),
      POST: (req) => {
        const body = parse(perimeterSchema(s), req.body);
        unique(values(s.perimeters).filter((p) => p.folder === body.folder), body.name);
        return create(s.perimeters, { ...born(), ...body });
      },
    },
    '/api/perimeters/:id/': { GET: (req) => ok(readPerimeter(s, byId(s.perimeters, req))) },
    '/api/risk-matrices/': { GET: listed(() => values(s.riskMatrices), (m) => [m.name, m.description], { folder: oneOf(has(s.folders)) }, (m) => readMatrix(s, m)) },
    '/api/risk-matrices/:id/': { GET: (req) => ok(readMatrix(s, byId(s.riskMatrices, req))) },
    '/api/stored-libraries/': { GET: listed(() => values(s.libraries).map(readLibrary), (l) => [l.name, l.description, l.urn, l.ref_id], { urn: exact() }) },
    // the lookup accepts an id or a URN
    '/api/stored-libraries/:id/import/': {
      POST: (req) => {
        const key = String(req.params.id);
        const lib = values(s.libraries).find((l) => (key.startsWith('urn:') ? l.definition.urn === key : l.id === key));
        if (!lib) return ok('Library not found.', 404); // a JSON string, as the real view answers
        if (lib.loaded) return ok({ status: 'error', error: 'libraryAlreadyLoadedError' }, 400);
        loadLibrary(s, lib);
        return ok({ status: 'success' });
      },
    },
    '/api/risk-assessments/': {
      GET: listed(
        () => values(s.riskAssessments),
        (a) => [a.name, a.description, a.ref_id],
        { perimeter: anyOf(has(s.perimeters)), folder: anyOf(has(s.folders)), risk_matrix: anyOf(has(s.riskMatrices)), status: choicesOf(ASSESSMENT_STATUSES), name: exact() },
        (a) => readAssessment(s, a),
      ),
      POST: (req) => {
        const { folder, ...body } = parse(assessmentSchema(s), req.body);
        // unique in its perimeter by name and version together
        if (values(s.riskAssessments).some((a) => a.perimeter === body.perimeter && sameName(a.name, body.name) && sameName(a.version, body.version))) {
          throw new DrfError(400, { name: [taken(body.name)], version: [taken(body.version)] });
        }
        // the perimeter's folder, when it has one
        const home = body.perimeter ? s.perimeters.get(body.perimeter)!.folder : (folder ?? s.rootId);
        return create(s.riskAssessments, { ...born(), ...body, folder: home, is_locked: false, eta: null, due_date: null });
      },
    },
    '/api/risk-assessments/:id/': {
      GET: (req) => ok(readAssessment(s, byId(s.riskAssessments, req))),
      PATCH: (req) => {
        const a = byId(s.riskAssessments, req);
        const body = parse(assessmentPatchSchema, req.body);
        // locked: only the lock itself may change, unless it is being lifted
        if (a.is_locked && body.is_locked !== false && Object.keys(body).some((k) => k !== 'is_locked')) throw locked('assessment');
        // the real update() locks an assessment that becomes deprecated
        const lock = body.status === 'deprecated' && a.status !== 'deprecated' ? { is_locked: true } : {};
        return ok(Object.assign(a, body, lock, { updated_at: new Date().toISOString() }));
      },
    },
    '/api/risk-scenarios/': {
      // RiskScenarioViewSet orders by ref_id
      GET: listed(
        () => values(s.riskScenarios).sort((x, y) => (x.ref_id < y.ref_id ? -1 : x.ref_id > y.ref_id ? 1 : 0)),
        (r) => [r.name, r.description, r.ref_id],
        { risk_assessment: anyOf(has(s.riskAssessments)), folder: uuid(), treatment: choicesOf(s.treatments), name: exact() },
        (r) => readScenario(s, r),
      ),
      POST: (req) => {
        const body = parse(scenarioSchema(s), req.body);
        const a = s.riskAssessments.get(body.risk_assessment)!;
        const count = values(s.riskScenarios).filter((o) => o.risk_assessment === a.id).length;
        const unrated = Object.fromEntries(INDEXES.map((k) => [k, -1])) as Record<(typeof INDEXES)[number], number>;
        const blank: RiskScenarioRecord = { ...born(), name: body.name, risk_assessment: a.id, folder: a.folder, ref_id: `R.${String(count + 1).padStart(2, '0')}`, description: null, treatment: 'open', ...unrated, justification: '', strength_of_knowledge: -1 };
        return ok(saveScenario(s, blank, body), 201);
      },
    },
    // the treatment choices, {value: label}, as the real viewset's `treatment` action answers
    '/api/risk-scenarios/treatment/': { GET: () => ok(Object.fromEntries(s.treatments.map((t) => [t, TREATMENTS[t]!]))) },
    '/api/risk-scenarios/:id/': {
      GET: (req) => ok(readScenario(s, byId(s.riskScenarios, req))),
      PATCH: (req) => updateScenario(req, true),
      PUT: (req) => updateScenario(req, false),
      DELETE: (req) => {
        s.riskScenarios.delete(byId(s.riskScenarios, req).id);
        return ok(null, 204);
      },
    },
  };
}

// ---- the app -------------------------------------------------------------------------------------

/** The answer as given: headers set raw (Express's res.set would add a charset to the content type). */
function answer(res: Response, status: number, body: string | undefined, headers: Record<string, string>): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}

/** DRF's JSONRenderer: "application/json" without a charset, nothing for a 204. */
const send = (res: Response, status: number, body: unknown, headers: Record<string, string> = {}) =>
  status === 204 || body === null ? answer(res, status, undefined, headers) : answer(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

/** A page that is not DRF's: Django's HTML pages, its debug text, a proxy's 503. */
const sendPage = (res: Response, status: number, text: string, type = HTML) => answer(res, status, text, { 'content-type': type });

function authOf(s: CisoSimulatorState, header: string | undefined): RequestRecord['auth'] {
  // Knox: "Token <key>"; any other scheme is "no credentials" for it
  const m = /^Token\s+(\S+)\s*$/.exec(header ?? '');
  if (!m) return 'none';
  if (m[1] === s.token) return 'token';
  return s.readOnlyTokens.has(m[1]!) ? 'read-only' : 'invalid';
}

const UNAUTHENTICATED = { none: 'Authentication credentials were not provided.', invalid: 'Invalid token.' } as const;

/**
 * The request body as DRF's JSONParser reads it: none is empty, another media type a 415 (the
 * test knob takes JSON whatever its media type, as curl -d sends it).
 */
const jsonBody = (anyType = false): RequestHandler[] => [
  express.text({ type: () => true, limit: '5mb' }),
  (req, _res, next) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    const type = req.headers['content-type'] ?? '';
    if (!raw || (!type && !anyType)) req.body = {};
    else if (!anyType && !/^application\/(.+\+)?json\b/i.test(type)) throw new DrfError(415, { detail: `Unsupported media type "${type}" in request.` });
    else {
      try {
        req.body = JSON.parse(raw) as unknown;
      } catch (err) {
        throw new DrfError(400, { detail: `JSON parse error - ${(err as Error).message}` });
      }
    }
    next();
  },
];

export function createCisoApp(s: CisoSimulatorState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('strict routing', true);
  app.set('case sensitive routing', true);

  // ---- test-only knob (the real service has no such thing), not logged ----
  const knob = ['/__faults', '/__faults/'];
  app.get(knob, (_req, res) => send(res, 200, s.faults));
  app.put(knob, ...jsonBody(true), (req, res) => send(res, 200, setFaults(s, req.body)));
  app.post(knob, ...jsonBody(true), (req, res) => send(res, 200, setFaults(s, req.body)));

  const record = (entry: RequestRecord) => {
    s.requests.push(entry);
    if (s.requests.length > MAX_REQUEST_LOG) s.requests.splice(0, s.requests.length - MAX_REQUEST_LOG);
  };
  // every other request is logged with its answer and the credentials it came with
  app.use((req, res, next) => {
    const entry: RequestRecord = { method: req.method, path: safeDecode(req.path), status: 0, auth: authOf(s, req.headers.authorization) };
    res.locals.entry = entry;
    res.once('finish', () => record({ ...entry, status: res.statusCode }));
    next();
  });

  app.use('/api', (req, res, next) => {
    const f = s.faults;
    if (f.down) {
      record(res.locals.entry as RequestRecord); // status 0: no answer
      req.socket.destroy();
      return;
    }
    const go = () => {
      s.counter += 1;
      const byRate = f.errorRate > 0 && Math.floor(s.counter * f.errorRate) > Math.floor((s.counter - 1) * f.errorRate);
      if (f.failNext <= 0 && !byRate) return next();
      if (f.failNext > 0) f.failNext -= 1;
      sendPage(res, 503, '<h1>503 Service Unavailable</h1>', 'text/html');
    };
    if (f.latencyMs > 0) setTimeout(go, f.latencyMs);
    else go();
  });

  const table = routes(s);
  const known = [...Object.keys(table), '/api/health/'].map((p) => new RegExp(`^${p.replace(/:id/g, '[^/]+')}$`));

  // Django's CommonMiddleware runs before authentication: a missing slash is answered first.
  app.use((req, res, next) => {
    if (req.path.endsWith('/')) return next();
    if (!known.some((re) => re.test(`${req.path}/`))) return sendPage(res, 404, NOT_FOUND_PAGE);
    if (s.debug && req.method !== 'GET' && req.method !== 'HEAD') {
      const m = req.method;
      return sendPage(res, 500, `RuntimeError: You called this URL via ${m}, but the URL doesn't end in a slash and you have APPEND_SLASH set. Django can't redirect to the slash URL while maintaining ${m} data.`, 'text/plain');
    }
    const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    answer(res, 301, '', { location: `${req.path}/${search}`, 'content-type': HTML });
  });

  // AllowAny, yet DRF still authenticates the credentials that come with it
  app.route('/api/health/').get((_req, res) => {
    if ((res.locals.entry as RequestRecord).auth === 'invalid') return send(res, 401, { detail: UNAUTHENTICATED.invalid }, { 'www-authenticate': 'Token' });
    send(res, 200, { status: 'ok' });
  });

  // DRF's order: authentication (401), permission (403), then the method (405)
  const authenticate: RequestHandler = (req, res, next) => {
    const { auth } = res.locals.entry as RequestRecord;
    if (auth === 'none' || auth === 'invalid') return send(res, 401, { detail: UNAUTHENTICATED[auth] }, { 'www-authenticate': 'Token' });
    if (auth === 'read-only' && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return send(res, 403, { detail: 'You do not have permission to perform this action.' });
    next();
  };
  for (const [path, methods] of Object.entries(table)) {
    const route = app.route(path).all(authenticate);
    for (const [method, handler] of Object.entries(methods) as [Method, Handler][]) {
      const handle: RequestHandler = (req, res) => {
        const { status, body } = handler(req);
        send(res, status, body);
      };
      const key = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      if (method === 'GET') route.get(handle);
      else route[key](jsonBody(), handle);
    }
    route.all((req, res) => send(res, 405, { detail: `Method "${req.method}" not allowed.` }, { allow: Object.keys(methods).join(', ') }));
  }

  app.use((_req, res) => sendPage(res, 404, NOT_FOUND_PAGE));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof DrfError) return typeof err.body === 'string' ? sendPage(res, err.status, err.body) : send(res, err.status, err.body);
    const e = err as { status?: number; type?: string; message?: string };
    if (e.type === 'entity.too.large') return send(res, 413, { detail: 'Request body too large.' });
    send(res, 500, { detail: `simulator error: ${e.message ?? String(err)}` });
  });
  return app;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
