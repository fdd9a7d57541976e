// The CISO Assistant stand-in's HTTP handler: exactly the subset of the real API (Django REST
// Framework under /api/) that Kinga uses, with the real service's habits —
//   - every path ends with "/": without it, a path that exists with one is redirected (301, as
//     Django's APPEND_SLASH; in debug mode a non-GET gets Django's 500 instead), anything else 404;
//   - Knox token auth, `Authorization: Token <token>`: none or a wrong one → 401, a read-only
//     token writing → 403;
//   - names unique in their scope, case-insensitively → 400 {"name": ["… is already used in this scope. …"]};
//   - lists paginated by limit/offset: {count, next, previous, results}, `search` and filters;
//   - create answers 201 with the write shape (related objects as ids), reads give {id, str};
//   - risk matrices exist only after their stored library is imported;
//   - list links (`next`, `previous`) are absolute URLs on the host the request came to;
//   - a likelihood or impact outside the matrix is not validated: the real server fails on it
//     computing the level, a Django 500 with an HTML page, and stores nothing;
//   - /api/health/ needs no token, but a wrong one is still refused (401), as DRF authenticates
//     whatever credentials come with a request;
//   - a locked assessment (is_locked) refuses edits to itself and its scenarios (400), yet new
//     scenarios can still be added to it.
// Plus a fault knob for tests: latency, an error rate (deterministic), down, and failNext.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

type Json = Record<string, unknown>;

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

export interface RiskScenarioRecord extends Base {
  risk_assessment: string;
  folder: string;
  ref_id: string;
  treatment: string;
  current_proba: number;
  current_impact: number;
  residual_proba: number;
  residual_impact: number;
  inherent_proba: number;
  inherent_impact: number;
  justification: string;
  strength_of_knowledge: number;
}

export interface LibraryRecord {
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
  treatments: readonly string[];
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
const TREATMENTS_BEFORE_3_16 = ['open', 'mitigate', 'accept', 'avoid', 'transfer'];
const ASSESSMENT_STATUSES = ['planned', 'in_progress', 'in_review', 'done', 'deprecated'];
const LC_STATUSES = ['undefined', 'in_design', 'in_dev', 'in_prod', 'eol', 'dropped'];
const MAX_REQUEST_LOG = 2000;
const DEFAULT_PAGE = 5000; // PAGINATE_BY

export function createState(opts: { token: string; readOnlyTokens?: string[]; debug?: boolean; faults?: Partial<CisoFaults>; preloadMatrix?: boolean; cancelledTreatment?: boolean }): CisoSimulatorState {
  const now = new Date().toISOString();
  const rootId = randomUUID();
  const state: CisoSimulatorState = {
    token: opts.token,
    readOnlyTokens: new Set(opts.readOnlyTokens ?? []),
    debug: opts.debug ?? false,
    treatments: opts.cancelledTreatment === false ? TREATMENTS_BEFORE_3_16 : Object.keys(TREATMENTS),
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
  const libId = randomUUID();
  state.libraries.set(libId, { id: libId, definition: CRITICAL_5X5_LIBRARY, loaded: false });
  if (opts.preloadMatrix) loadLibrary(state, state.libraries.get(libId)!);
  setFaults(state, opts.faults ?? {});
  return state;
}

export function setFaults(state: CisoSimulatorState, f: Partial<Record<keyof CisoFaults, unknown>>): CisoFaults {
  const num = (v: unknown, min: number, max: number) => Math.min(max, Math.max(min, Number(v) || 0));
  if (f.latencyMs !== undefined) state.faults.latencyMs = num(f.latencyMs, 0, 120_000);
  if (f.errorRate !== undefined) state.faults.errorRate = num(f.errorRate, 0, 1);
  if (f.down !== undefined) state.faults.down = f.down === true || String(f.down) === 'true';
  if (f.failNext !== undefined) state.faults.failNext = Math.floor(num(f.failNext, 0, 1_000_000));
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

// ---- helpers -------------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const LOCKED = { is_locked: ['This risk assessment is locked: it and its risk scenarios cannot be edited.'] };
const taken = (value: string) => `${value} is already used in this scope. Please choose another value.`;
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
/** Django's production 500 page (DEBUG off). */
const SERVER_ERROR_PAGE = '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function related<T extends { id: string; name: string }>(map: Map<string, T>, id: string | null): { id: string; str: string } | null {
  if (!id) return null;
  const o = map.get(id);
  return o ? { id: o.id, str: o.name } : null;
}

/** DRF validation of a primary-key field. */
function pk<T>(errors: Json, field: string, map: Map<string, T>, value: unknown, required: boolean): string | null {
  if (value === undefined || value === null || value === '') {
    if (required) errors[field] = ['This field is required.'];
    return null;
  }
  if (typeof value !== 'string' || !UUID.test(value)) {
    errors[field] = [`“${String(value)}” is not a valid UUID.`];
    return null;
  }
  if (!map.has(value)) {
    errors[field] = [`Invalid pk "${value}" - object does not exist.`];
    return null;
  }
  return value;
}

function text(errors: Json, field: string, value: unknown, opts: { required?: boolean; max?: number; noSlash?: boolean } = {}): string | undefined {
  if (value === undefined || value === null) {
    if (opts.required) errors[field] = ['This field is required.'];
    return undefined;
  }
  if (typeof value !== 'string') {
    errors[field] = ['Not a valid string.'];
    return undefined;
  }
  if (opts.required && value.trim() === '') {
    errors[field] = ['This field may not be blank.'];
    return undefined;
  }
  if (opts.max !== undefined && value.length > opts.max) {
    errors[field] = [`Ensure this field has no more than ${opts.max} characters.`];
    return undefined;
  }
  if (opts.noSlash && value.includes('/')) {
    errors[field] = ['Name cannot contain a slash (/).'];
    return undefined;
  }
  return value;
}

function integer(errors: Json, field: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    errors[field] = ['A valid integer is required.'];
    return undefined;
  }
  if (n < min) errors[field] = [`Ensure this value is greater than or equal to ${min}.`];
  else if (n > max) errors[field] = [`Ensure this value is less than or equal to ${max}.`];
  else return n;
  return undefined;
}

function choice(errors: Json, field: string, value: unknown, choices: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !choices.includes(value)) {
    errors[field] = [`"${String(value)}" is not a valid choice.`];
    return undefined;
  }
  return value;
}

function check(errors: Json): void {
  if (Object.keys(errors).length) throw new HttpError(400, errors);
}

function folderPath(state: CisoSimulatorState, id: string): { id: string; str: string }[] {
  const path: { id: string; str: string }[] = [];
  let current = state.folders.get(id);
  while (current) {
    path.unshift({ id: current.id, str: current.name });
    current = current.parent_folder ? state.folders.get(current.parent_folder) : undefined;
  }
  return path;
}

function level(def: RiskMatrixRecord['definition'], kind: 'probability' | 'impact' | 'risk', value: number): Json {
  const l = value >= 0 ? def[kind][value] : undefined;
  return l ? { value, abbreviation: l.abbreviation, name: l.name, description: l.description, hexcolor: l.hexcolor } : { value: -1, name: '--' };
}

function riskLevel(def: RiskMatrixRecord['definition'], proba: number, impact: number): number {
  return proba >= 0 && impact >= 0 ? def.grid[proba]![impact]! : -1;
}

// ---- serializers ---------------------------------------------------------------------------------

function readFolder(s: CisoSimulatorState, f: FolderRecord): Json {
  return { ...f, parent_folder: related(s.folders, f.parent_folder), path: folderPath(s, f.id) };
}

function readPerimeter(s: CisoSimulatorState, p: PerimeterRecord): Json {
  return { ...p, folder: related(s.folders, p.folder) };
}

function readMatrix(s: CisoSimulatorState, m: RiskMatrixRecord): Json {
  const { definition, ...rest } = m;
  return {
    ...rest,
    folder: related(s.folders, m.folder),
    library: { id: m.library, str: s.libraries.get(m.library)?.definition.name ?? '' },
    json_definition: { probability: definition.probability, impact: definition.impact, risk: definition.risk, grid: definition.grid },
    is_enabled: true,
    provider: 'intuitem',
    locale: 'en',
  };
}

function readAssessment(s: CisoSimulatorState, a: RiskAssessmentRecord): Json {
  return {
    ...a,
    folder: related(s.folders, a.folder),
    path: folderPath(s, a.folder),
    perimeter: related(s.perimeters, a.perimeter),
    risk_matrix: related(s.riskMatrices, a.risk_matrix),
    risk_scenarios_count: [...s.riskScenarios.values()].filter((r) => r.risk_assessment === a.id).length,
  };
}

function writeScenario(s: CisoSimulatorState, r: RiskScenarioRecord): Json {
  const def = matrixOf(s, r).definition;
  return {
    ...r,
    current_level: riskLevel(def, r.current_proba, r.current_impact),
    residual_level: riskLevel(def, r.residual_proba, r.residual_impact),
    inherent_level: riskLevel(def, r.inherent_proba, r.inherent_impact),
    threats: [],
    assets: [],
    vulnerabilities: [],
    applied_controls: [],
    existing_applied_controls: [],
    owner: [],
    filtering_labels: [],
  };
}

function readScenario(s: CisoSimulatorState, r: RiskScenarioRecord): Json {
  const def = matrixOf(s, r).definition;
  const a = s.riskAssessments.get(r.risk_assessment)!;
  const tolerance = a.risk_tolerance;
  const current = riskLevel(def, r.current_proba, r.current_impact);
  return {
    ...r,
    folder: related(s.folders, r.folder),
    perimeter: related(s.perimeters, a.perimeter),
    risk_assessment: { id: a.id, str: `${a.name} - ${a.version}`, name: a.name, is_locked: a.is_locked },
    risk_matrix: related(s.riskMatrices, a.risk_matrix),
    current_proba: level(def, 'probability', r.current_proba),
    current_impact: level(def, 'impact', r.current_impact),
    current_level: level(def, 'risk', current),
    residual_proba: level(def, 'probability', r.residual_proba),
    residual_impact: level(def, 'impact', r.residual_impact),
    residual_level: level(def, 'risk', riskLevel(def, r.residual_proba, r.residual_impact)),
    inherent_proba: level(def, 'probability', r.inherent_proba),
    inherent_impact: level(def, 'impact', r.inherent_impact),
    inherent_level: level(def, 'risk', riskLevel(def, r.inherent_proba, r.inherent_impact)),
    within_tolerance: tolerance < 0 || current < 0 ? '--' : current <= tolerance ? 'YES' : 'NO',
  };
}

function matrixOf(s: CisoSimulatorState, r: RiskScenarioRecord): RiskMatrixRecord {
  return s.riskMatrices.get(s.riskAssessments.get(r.risk_assessment)!.risk_matrix)!;
}

function loadLibrary(s: CisoSimulatorState, lib: LibraryRecord): void {
  const now = new Date().toISOString();
  const id = randomUUID();
  const m = lib.definition.matrix;
  s.riskMatrices.set(id, { id, urn: m.urn, ref_id: m.ref_id, name: m.name, description: m.description, folder: s.rootId, library: lib.id, definition: m, created_at: now, updated_at: now });
  lib.loaded = true;
}

// ---- list queries --------------------------------------------------------------------------------

/** DRF SearchFilter: every term (split on spaces and commas) must be in one of the fields. */
function matchesSearch(search: string, fields: (string | null | undefined)[]): boolean {
  const terms = search.replace(/\x00/g, '').split(/[\s,]+/).filter(Boolean);
  return terms.every((t) => fields.some((f) => f?.toLowerCase().includes(t.toLowerCase())));
}

function page(req: URL, items: Json[]): Json {
  const limitText = req.searchParams.get('limit');
  const offsetText = req.searchParams.get('offset');
  const limit = limitText && /^\d+$/.test(limitText) && Number(limitText) > 0 ? Number(limitText) : DEFAULT_PAGE;
  const offset = offsetText && /^\d+$/.test(offsetText) ? Number(offsetText) : 0;
  const link = (o: number) => {
    const u = new URL(req.toString());
    u.searchParams.set('limit', String(limit));
    if (o > 0) u.searchParams.set('offset', String(o));
    else u.searchParams.delete('offset');
    return u.toString();
  };
  return {
    count: items.length,
    next: offset + limit < items.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: items.slice(offset, offset + limit),
  };
}

function filterBy<T>(list: T[], url: URL, filters: Record<string, (item: T, value: string) => boolean>): T[] {
  let out = list;
  for (const [param, test] of Object.entries(filters)) {
    const value = url.searchParams.get(param);
    if (value !== null && value !== '') out = out.filter((item) => test(item, value));
  }
  return out;
}

// ---- routes --------------------------------------------------------------------------------------

interface Ctx {
  s: CisoSimulatorState;
  url: URL;
  method: string;
  params: string[];
  body: Json;
}

type Handler = (c: Ctx) => { status: number; body: unknown };

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

const ID = '([0-9a-fA-F-]{36})';
const ok = (body: unknown, status = 200) => ({ status, body });

function notFound(): never {
  throw new HttpError(404, { detail: 'Not found.' });
}

const routes: Route[] = [
  {
    pattern: /^\/api\/folders\/$/,
    methods: {
      GET: ({ s, url }) => {
        const list = filterBy([...s.folders.values()], url, {
          search: (f, v) => matchesSearch(v, [f.name, f.description]),
          content_type: (f, v) => f.content_type === v,
          parent_folder: (f, v) => f.parent_folder === v,
          name: (f, v) => f.name === v,
        });
        return ok(page(url, list.map((f) => readFolder(s, f))));
      },
      POST: ({ s, body }) => {
        const errors: Json = {};
        const name = text(errors, 'name', body.name, { required: true, max: 200, noSlash: true });
        const parent = pk(errors, 'parent_folder', s.folders, body.parent_folder, false) ?? s.rootId;
        const description = text(errors, 'description', body.description) ?? null;
        check(errors);
        if ([...s.folders.values()].some((f) => f.parent_folder === parent && sameName(f.name, name!))) throw new HttpError(400, { name: [taken(name!)] });
        const now = new Date().toISOString();
        const f: FolderRecord = { id: randomUUID(), name: name!, description, parent_folder: parent, content_type: 'DOMAIN', builtin: false, created_at: now, updated_at: now };
        s.folders.set(f.id, f);
        return ok(f, 201);
      },
    },
  },
  {
    pattern: new RegExp(`^/api/folders/${ID}/$`),
    methods: {
      GET: ({ s, params }) => ok(readFolder(s, s.folders.get(params[0]!) ?? notFound())),
    },
  },
  {
    pattern: /^\/api\/perimeters\/$/,
    methods: {
      GET: ({ s, url }) => {
        const list = filterBy([...s.perimeters.values()], url, {
          search: (p, v) => matchesSearch(v, [p.name, p.description, p.ref_id]),
          folder: (p, v) => p.folder === v,
          name: (p, v) => p.name === v,
          lc_status: (p, v) => p.lc_status === v,
        });
        return ok(page(url, list.map((p) => readPerimeter(s, p))));
      },
      POST: ({ s, body }) => {
        const errors: Json = {};
        const name = text(errors, 'name', body.name, { required: true, max: 200, noSlash: true });
        const folder = pk(errors, 'folder', s.folders, body.folder, true);
        const description = text(errors, 'description', body.description) ?? null;
        const refId = text(errors, 'ref_id', body.ref_id, { max: 100 }) ?? '';
        const lc = choice(errors, 'lc_status', body.lc_status, LC_STATUSES) ?? 'in_design';
        check(errors);
        if ([...s.perimeters.values()].some((p) => p.folder === folder && sameName(p.name, name!))) throw new HttpError(400, { name: [taken(name!)] });
        const now = new Date().toISOString();
        const p: PerimeterRecord = { id: randomUUID(), name: name!, description, folder: folder!, ref_id: refId, lc_status: lc, created_at: now, updated_at: now };
        s.perimeters.set(p.id, p);
        return ok(p, 201);
      },
    },
  },
  {
    pattern: new RegExp(`^/api/perimeters/${ID}/$`),
    methods: {
      GET: ({ s, params }) => ok(readPerimeter(s, s.perimeters.get(params[0]!) ?? notFound())),
    },
  },
  {
    pattern: /^\/api\/risk-matrices\/$/,
    methods: {
      GET: ({ s, url }) => {
        const list = filterBy([...s.riskMatrices.values()], url, {
          search: (m, v) => matchesSearch(v, [m.name, m.description, m.urn, m.ref_id]),
          urn: (m, v) => m.urn === v,
          folder: (m, v) => m.folder === v,
        });
        return ok(page(url, list.map((m) => readMatrix(s, m))));
      },
    },
  },
  {
    pattern: new RegExp(`^/api/risk-matrices/${ID}/$`),
    methods: {
      GET: ({ s, params }) => ok(readMatrix(s, s.riskMatrices.get(params[0]!) ?? notFound())),
    },
  },
  {
    pattern: /^\/api\/stored-libraries\/$/,
    methods: {
      GET: ({ s, url }) => {
        const list = filterBy([...s.libraries.values()], url, {
          search: (l, v) => matchesSearch(v, [l.definition.name, l.definition.description, l.definition.urn, l.definition.ref_id]),
          urn: (l, v) => l.definition.urn === v,
        });
        return ok(
          page(
            url,
            list.map((l) => ({
              id: l.id,
              urn: l.definition.urn,
              ref_id: l.definition.ref_id,
              name: l.definition.name,
              description: l.definition.description,
              version: l.definition.version,
              provider: l.definition.provider,
              packager: l.definition.packager,
              locale: l.definition.locale,
              objects_meta: { risk_matrix: 1 },
              is_loaded: l.loaded,
              builtin: true,
            })),
          ),
        );
      },
    },
  },
  {
    // the lookup accepts an id or a URN ([\w.:-]+)
    pattern: /^\/api\/stored-libraries\/([\w.:-]+)\/import\/$/,
    methods: {
      POST: ({ s, params }) => {
        const key = params[0]!;
        const lib = [...s.libraries.values()].find((l) => (key.startsWith('urn:') ? l.definition.urn === key : l.id === key));
        if (!lib) return ok('Library not found.', 404);
        if (lib.loaded) return ok({ status: 'error', error: 'libraryAlreadyLoadedError' }, 400);
        loadLibrary(s, lib);
        return ok({ status: 'success' });
      },
    },
  },
  {
    pattern: /^\/api\/risk-assessments\/$/,
    methods: {
      GET: ({ s, url }) => {
        const list = filterBy([...s.riskAssessments.values()], url, {
          search: (a, v) => matchesSearch(v, [a.name, a.description, a.ref_id]),
          perimeter: (a, v) => a.perimeter === v,
          folder: (a, v) => a.folder === v,
          risk_matrix: (a, v) => a.risk_matrix === v,
          name: (a, v) => a.name === v,
          status: (a, v) => a.status === v,
        });
        return ok(page(url, list.map((a) => readAssessment(s, a))));
      },
      POST: ({ s, body }) => {
        const errors: Json = {};
        const name = text(errors, 'name', body.name, { required: true, max: 200, noSlash: true });
        const matrix = pk(errors, 'risk_matrix', s.riskMatrices, body.risk_matrix, true);
        const perimeter = pk(errors, 'perimeter', s.perimeters, body.perimeter, false);
        const folderGiven = pk(errors, 'folder', s.folders, body.folder, false);
        const version = text(errors, 'version', body.version, { max: 100 }) ?? '1.0';
        const status = choice(errors, 'status', body.status, ASSESSMENT_STATUSES) ?? 'planned';
        const description = text(errors, 'description', body.description) ?? null;
        const tolerance = integer(errors, 'risk_tolerance', body.risk_tolerance, -1, 4) ?? -1;
        check(errors);
        const folder = perimeter ? s.perimeters.get(perimeter)!.folder : (folderGiven ?? s.rootId);
        const clash = [...s.riskAssessments.values()].find((a) => a.perimeter === perimeter && sameName(a.name, name!) && sameName(a.version, version));
        if (clash) throw new HttpError(400, { name: [taken(name!)], version: [taken(version)] });
        const now = new Date().toISOString();
        const a: RiskAssessmentRecord = {
          id: randomUUID(),
          name: name!,
          description,
          perimeter,
          folder,
          risk_matrix: matrix!,
          version,
          status,
          ref_id: text(errors, 'ref_id', body.ref_id) ?? '',
          risk_tolerance: tolerance,
          is_locked: false,
          eta: null,
          due_date: null,
          created_at: now,
          updated_at: now,
        };
        s.riskAssessments.set(a.id, a);
        return ok(a, 201);
      },
    },
  },
  {
    pattern: new RegExp(`^/api/risk-assessments/${ID}/$`),
    methods: {
      GET: ({ s, params }) => ok(readAssessment(s, s.riskAssessments.get(params[0]!) ?? notFound())),
      PATCH: ({ s, params, body }) => {
        const a = s.riskAssessments.get(params[0]!) ?? notFound();
        // only unlocking gets through a lock
        if (a.is_locked && !(body.is_locked === false)) throw new HttpError(400, LOCKED);
        const errors: Json = {};
        const status = choice(errors, 'status', body.status, ASSESSMENT_STATUSES);
        const description = text(errors, 'description', body.description);
        check(errors);
        if (status !== undefined) a.status = status;
        if (description !== undefined) a.description = description;
        if (typeof body.is_locked === 'boolean') a.is_locked = body.is_locked;
        a.updated_at = new Date().toISOString();
        return ok(a);
      },
    },
  },
  {
    pattern: /^\/api\/risk-scenarios\/$/,
    methods: {
      GET: ({ s, url }) => {
        const list = filterBy([...s.riskScenarios.values()], url, {
          search: (r, v) => matchesSearch(v, [r.name, r.description, r.ref_id]),
          risk_assessment: (r, v) => r.risk_assessment === v,
          folder: (r, v) => r.folder === v,
          treatment: (r, v) => r.treatment === v,
          name: (r, v) => r.name === v,
        });
        return ok(page(url, list.map((r) => readScenario(s, r))));
      },
      POST: ({ s, body }) => {
        const errors: Json = {};
        const name = text(errors, 'name', body.name, { required: true, max: 200 });
        const assessmentId = pk(errors, 'risk_assessment', s.riskAssessments, body.risk_assessment, true);
        check(errors);
        const a = s.riskAssessments.get(assessmentId!)!;
        const r = scenarioFields(s, a, body, errors, null);
        if ([...s.riskScenarios.values()].some((o) => o.risk_assessment === a.id && sameName(o.name, name!))) errors.name = [taken(name!)];
        check(errors);
        const now = new Date().toISOString();
        const count = [...s.riskScenarios.values()].filter((o) => o.risk_assessment === a.id).length;
        const created: RiskScenarioRecord = {
          id: randomUUID(),
          name: name!,
          risk_assessment: a.id,
          folder: a.folder,
          ref_id: r.ref_id ?? `R.${String(count + 1).padStart(2, '0')}`,
          description: r.description ?? null,
          treatment: r.treatment ?? 'open',
          current_proba: r.current_proba ?? -1,
          current_impact: r.current_impact ?? -1,
          residual_proba: r.residual_proba ?? -1,
          residual_impact: r.residual_impact ?? -1,
          inherent_proba: r.inherent_proba ?? -1,
          inherent_impact: r.inherent_impact ?? -1,
          justification: r.justification ?? '',
          strength_of_knowledge: r.strength_of_knowledge ?? -1,
          created_at: now,
          updated_at: now,
        };
        s.riskScenarios.set(created.id, created);
        return ok(writeScenario(s, created), 201);
      },
    },
  },
  {
    // the treatment choices, {value: label}, as the real viewset's `treatment` action answers
    pattern: /^\/api\/risk-scenarios\/treatment\/$/,
    methods: { GET: ({ s }) => ok(Object.fromEntries(s.treatments.map((t) => [t, TREATMENTS[t]!]))) },
  },
  {
    pattern: new RegExp(`^/api/risk-scenarios/${ID}/$`),
    methods: {
      GET: ({ s, params }) => ok(readScenario(s, s.riskScenarios.get(params[0]!) ?? notFound())),
      PATCH: (c) => updateScenario(c, true),
      PUT: (c) => updateScenario(c, false),
      DELETE: ({ s, params }) => {
        const r = s.riskScenarios.get(params[0]!) ?? notFound();
        s.riskScenarios.delete(r.id);
        return ok(null, 204);
      },
    },
  },
];

type ScenarioFields = Partial<Pick<RiskScenarioRecord, 'ref_id' | 'description' | 'treatment' | 'current_proba' | 'current_impact' | 'residual_proba' | 'residual_impact' | 'inherent_proba' | 'inherent_impact' | 'justification' | 'strength_of_knowledge'>>;

function scenarioFields(s: CisoSimulatorState, a: RiskAssessmentRecord, body: Json, errors: Json, _existing: RiskScenarioRecord | null): ScenarioFields {
  const def = s.riskMatrices.get(a.risk_matrix)!.definition;
  const maxP = def.probability.length - 1;
  const maxI = def.impact.length - 1;
  const out: ScenarioFields = {};
  const set = <K extends keyof ScenarioFields>(k: K, v: ScenarioFields[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('ref_id', text(errors, 'ref_id', body.ref_id, { max: 100 }));
  set('description', text(errors, 'description', body.description));
  set('treatment', choice(errors, 'treatment', body.treatment, s.treatments));
  const index = (field: 'current_proba' | 'current_impact' | 'residual_proba' | 'residual_impact' | 'inherent_proba' | 'inherent_impact', max: number) => {
    // only the integer is checked by the serializer; an index outside the grid fails later
    const n = integer(errors, field, body[field], -32768, 32767);
    if (n !== undefined && (n < -1 || n > max)) throw new HttpError(500, SERVER_ERROR_PAGE);
    set(field, n);
  };
  index('current_proba', maxP);
  index('current_impact', maxI);
  index('residual_proba', maxP);
  index('residual_impact', maxI);
  index('inherent_proba', maxP);
  index('inherent_impact', maxI);
  set('justification', text(errors, 'justification', body.justification, { max: 2000 }));
  set('strength_of_knowledge', integer(errors, 'strength_of_knowledge', body.strength_of_knowledge, -1, 2));
  return out;
}

function updateScenario({ s, params, body }: Ctx, partial: boolean): { status: number; body: unknown } {
  const r = s.riskScenarios.get(params[0]!) ?? notFound();
  const a = s.riskAssessments.get(r.risk_assessment)!;
  if (a.is_locked) throw new HttpError(400, LOCKED);
  const errors: Json = {};
  const name = text(errors, 'name', body.name, { required: !partial, max: 200 });
  if (!partial) pk(errors, 'risk_assessment', s.riskAssessments, body.risk_assessment, true);
  const fields = scenarioFields(s, a, body, errors, r);
  if (name !== undefined && [...s.riskScenarios.values()].some((o) => o.id !== r.id && o.risk_assessment === a.id && sameName(o.name, name))) errors.name = [taken(name)];
  check(errors);
  // risk_assessment is immutable: a new value is ignored, as the real serializer does
  if (name !== undefined) r.name = name;
  Object.assign(r, fields);
  r.updated_at = new Date().toISOString();
  return ok(writeScenario(s, r));
}

// ---- the handler ---------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === null) {
    res.writeHead(status, headers).end();
    return;
  }
  const json = typeof body === 'string' && headers['content-type']?.startsWith('text/') ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(json);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function authOf(s: CisoSimulatorState, header: string | undefined): RequestRecord['auth'] {
  // Knox: "Token <key>"; any other scheme is "no credentials" for it
  const m = /^Token\s+(\S+)\s*$/.exec(header ?? '');
  if (!m) return 'none';
  if (m[1] === s.token) return 'token';
  if (s.readOnlyTokens.has(m[1]!)) return 'read-only';
  return 'invalid';
}

function match(path: string): { route: Route; params: string[] } | null {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1) };
  }
  return null;
}

/** The request handler of the stand-in (node:http). */
export function createHandler(s: CisoSimulatorState) {
  const record = (r: RequestRecord) => {
    s.requests.push(r);
    if (s.requests.length > MAX_REQUEST_LOG) s.requests.splice(0, s.requests.length - MAX_REQUEST_LOG);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const path = decodeURIComponent(url.pathname);
    const raw = await readBody(req);

    // ---- test-only knob (the real service has no such thing) ----
    if (path === '/__faults' || path === '/__faults/') {
      if (method === 'PUT' || method === 'POST') {
        let body: Json = {};
        try {
          body = raw ? (JSON.parse(raw) as Json) : {};
        } catch {
          return send(res, 400, { detail: 'JSON parse error' });
        }
        return send(res, 200, setFaults(s, body));
      }
      return send(res, 200, s.faults);
    }

    const auth = authOf(s, req.headers.authorization);
    const done = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record({ method, path, status, auth });
      send(res, status, body, headers);
    };

    if (path.startsWith('/api/') || path === '/api') {
      const f = s.faults;
      if (f.down) {
        record({ method, path, status: 0, auth });
        req.socket.destroy();
        return;
      }
      if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
      s.counter += 1;
      const byRate = f.errorRate > 0 && Math.floor(s.counter * f.errorRate) > Math.floor((s.counter - 1) * f.errorRate);
      if (f.failNext > 0 || byRate) {
        if (f.failNext > 0) f.failNext -= 1;
        return done(503, '<h1>503 Service Unavailable</h1>', { 'content-type': 'text/html' });
      }
    }

    // Django's CommonMiddleware runs before authentication: a missing slash is answered first.
    if (!path.endsWith('/')) {
      if (match(`${path}/`)) {
        if (s.debug && method !== 'GET' && method !== 'HEAD') {
          return done(
            500,
            `RuntimeError: You called this URL via ${method}, but the URL doesn't end in a slash and you have APPEND_SLASH set. Django can't redirect to the slash URL while maintaining ${method} data.`,
            { 'content-type': 'text/plain' },
          );
        }
        return done(301, null, { location: `${path}/${url.search}` });
      }
      return done(404, '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>', { 'content-type': 'text/html' });
    }

    if (path === '/api/health/' && method === 'GET') {
      if (auth === 'invalid') return done(401, { detail: 'Invalid token.' }, { 'www-authenticate': 'Token' });
      return done(200, { status: 'ok' });
    }

    const found = match(path);
    if (!found) return done(404, '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>', { 'content-type': 'text/html' });

    if (auth === 'none') return done(401, { detail: 'Authentication credentials were not provided.' }, { 'www-authenticate': 'Token' });
    if (auth === 'invalid') return done(401, { detail: 'Invalid token.' }, { 'www-authenticate': 'Token' });

    const handler = found.route.methods[method];
    if (!handler) return done(405, { detail: `Method "${method}" not allowed.` }, { allow: Object.keys(found.route.methods).join(', ') });
    if (auth === 'read-only' && method !== 'GET') return done(403, { detail: 'You do not have permission to perform this action.' });

    let body: Json = {};
    if (raw) {
      try {
        const parsed = JSON.parse(raw) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return done(400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
        }
        body = parsed as Json;
      } catch (err) {
        return done(400, { detail: `JSON parse error - ${(err as Error).message}` });
      }
    }
    try {
      const out = handler({ s, url, method, params: found.params, body });
      const isText = typeof out.body === 'string';
      return done(out.status, out.body, isText ? { 'content-type': 'text/plain' } : {});
    } catch (err) {
      if (err instanceof HttpError) return done(err.status, err.body, typeof err.body === 'string' ? { 'content-type': 'text/html; charset=utf-8' } : {});
      return done(500, { detail: `simulator error: ${(err as Error).message}` });
    }
  };
}
