// A small client for the part of CISO Assistant's REST API that Kinga uses (Django REST Framework
// under /api/): folders, perimeters, risk matrices (loaded from a stored library), risk
// assessments and risk scenarios. As the real API: every path ends with "/", auth is
// `Authorization: Token <personal access token>`, lists are limit/offset pages, errors are
// 400 {field: [messages]}. A redirect is never followed: it means a path lost its slash.
//
// A thin adapter on the shared vendor HTTP core (../vendorHttp.ts): errors carry the method, the
// path, the status and the body (cut short), never the token; network errors, timeouts, 408, 429
// and 5xx are retryable, any other 4xx is not.
import { createVendorHttp, VendorHttpError, type VendorErrorFields } from '../vendorHttp';

export interface CisoClientOptions {
  /** the installation's base URL, e.g. https://ciso.bank.example (with or without /api) */
  baseUrl: string;
  token: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Related {
  id: string;
  str: string;
}

export interface FolderRead {
  id: string;
  name: string;
  content_type: string;
  parent_folder: Related | null;
}

export interface PerimeterRead {
  id: string;
  name: string;
  folder: Related;
}

export interface RiskMatrixRead {
  id: string;
  urn?: string | null;
  ref_id?: string | null;
  name: string;
}

export interface RiskAssessmentRead {
  id: string;
  name: string;
  version: string;
  perimeter: Related | null;
  risk_matrix: Related;
  is_locked?: boolean;
}

export interface RiskScenarioRead {
  id: string;
  name: string;
  ref_id: string;
  description?: string | null;
  treatment: string;
  risk_assessment: Related;
  current_proba?: { value: number } | number;
  current_impact?: { value: number } | number;
  current_level?: { value: number; name: string } | number;
}

/** What Kinga writes into a risk scenario. */
export interface ScenarioInput {
  name: string;
  description: string;
  justification?: string;
  /** 0-based index into the matrix's probability levels */
  probability: number;
  /** 0-based index into the matrix's impact levels */
  impact: number;
}

export interface UpsertedScenario {
  id: string;
  refId: string;
  created: boolean;
  treatment: string;
}

/** What Kinga writes into a risk scenario when its breach is back within the threshold. */
export interface RecoveryInput {
  name: string;
  /** the sentence added to the description: the value and the time */
  note: string;
  /** give an "open" scenario the treatment "cancelled" */
  close: boolean;
}

export interface RecoveredScenario {
  id: string;
  refId: string;
  treatment: string;
  /** the scenario's treatment is "cancelled" now (by this call or before) */
  closed: boolean;
  /** why it was left open, null when closed */
  keptOpen: string | null;
}

/** The treatment that takes a scenario off CISO Assistant's untreated lists (v3.16 and later). */
export const CLOSED_TREATMENT = 'cancelled';

export interface CisoRegister {
  folderId: string;
  perimeterId: string;
  matrixId: string;
  assessmentId: string;
}

const MAX_PAGES = 100;
const PAGE_SIZE = 500;

/** A failed CISO Assistant call: the shared vendor error, with the method and the path called. */
export class CisoApiError extends VendorHttpError {
  override name = 'CisoApiError';
  constructor(
    message: string,
    fields: VendorErrorFields,
    readonly method: string,
    readonly path: string,
  ) {
    super(message, fields);
  }

  /** A 400 whose body says the name is taken in its scope (CISO Assistant's uniqueness check). */
  get nameTaken(): boolean {
    return this.status === 400 && /already used in this scope|already exists/i.test(this.body ?? '');
  }
}

/** What the client itself finds wrong in an answer: final. */
const protocolError = (message: string, method: string, path: string) => new CisoApiError(message, { code: 'protocol', status: null, retryable: false, body: null }, method, path);

function sameName(a: string, b: string): boolean {
  // CISO Assistant's uniqueness is case-insensitive (iexact)
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export class CisoClient {
  private readonly api: string;
  private readonly options: CisoClientOptions;

  constructor(options: CisoClientOptions) {
    this.api = `${options.baseUrl.replace(/\/+$/, '').replace(/\/api$/, '')}/api`;
    this.options = options;
  }

  async request<T>(method: string, path: string, opts: { query?: Record<string, string | number>; body?: unknown } = {}): Promise<T> {
    if (!path.startsWith('/') || !path.endsWith('/')) throw new Error(`CISO Assistant paths start and end with "/": ${path}`);
    const query = opts.query ? `?${new URLSearchParams(Object.entries(opts.query).map(([k, v]) => [k, String(v)])).toString()}` : '';
    const http = createVendorHttp({
      timeoutMs: this.options.timeoutMs,
      secrets: [this.options.token],
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      error: (message, fields) => new CisoApiError(message, fields, method, path),
    });
    const what = `CISO Assistant ${method} /api${path}`;
    const answer = await http.exchange(what, `${this.api}${path}${query}`, {
      method,
      headers: {
        authorization: `Token ${this.options.token}`,
        accept: 'application/json',
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      // a redirect means a path lost its slash or the base URL is wrong: an error, never followed
      redirect: 'manual',
    });
    if (!answer.ok) throw http.failure(what, answer);
    if (answer.status === 204 || answer.text === '') return undefined as T;
    return http.json<T>(what, answer);
  }

  /** Every item of a list endpoint, page by page (limit/offset). */
  async listAll<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.request<Page<T> | T[]>('GET', path, { query: { ...query, limit: PAGE_SIZE, offset: page * PAGE_SIZE } });
      if (Array.isArray(res)) return res; // an unpaginated list
      out.push(...res.results);
      if (!res.next || res.results.length === 0) return out;
    }
    return out;
  }

  async health(): Promise<{ status: string }> {
    return this.request('GET', '/health/');
  }

  /** Creates, or on a race with another creator finds, a named object. */
  private async findOrCreate<T extends { id: string; name: string }>(find: () => Promise<T | undefined>, create: () => Promise<T>): Promise<{ item: T; created: boolean }> {
    const found = await find();
    if (found) return { item: found, created: false };
    try {
      return { item: await create(), created: true };
    } catch (err) {
      if (err instanceof CisoApiError && err.nameTaken) {
        const again = await find();
        if (again) return { item: again, created: false };
      }
      throw err;
    }
  }

  async ensureFolder(name: string, description: string): Promise<string> {
    const find = async () =>
      (await this.listAll<FolderRead>('/folders/', { search: name })).find((f) => sameName(f.name, name) && f.content_type !== 'GLOBAL');
    const { item } = await this.findOrCreate(find, () => this.request<FolderRead>('POST', '/folders/', { body: { name, description } }));
    return item.id;
  }

  async ensurePerimeter(name: string, folderId: string, description: string): Promise<string> {
    const find = async () =>
      (await this.listAll<PerimeterRead>('/perimeters/', { folder: folderId, search: name })).find((p) => sameName(p.name, name) && relatedId(p.folder) === folderId);
    const { item } = await this.findOrCreate(find, () =>
      this.request<PerimeterRead>('POST', '/perimeters/', { body: { name, folder: folderId, description, lc_status: 'in_prod' } }),
    );
    return item.id;
  }

  /**
   * The matrix of `matrixUrn`, importing its stored library first if it is not loaded yet. A list
   * without URNs (an older or trimmed serializer) is matched by the matrix's ref_id instead.
   */
  async ensureRiskMatrix(matrixUrn: string, libraryUrn: string, refId?: string): Promise<string> {
    const find = async () =>
      (await this.listAll<RiskMatrixRead>('/risk-matrices/')).find((m) => (m.urn ? m.urn === matrixUrn : refId !== undefined && m.ref_id === refId));
    const loaded = await find();
    if (loaded) return loaded.id;
    // a URN travels as it is in the path (the API's lookup accepts [\w.:-]+)
    if (!/^[\w.:-]+$/.test(libraryUrn)) throw new Error(`not a library URN: ${libraryUrn}`);
    try {
      await this.request('POST', `/stored-libraries/${libraryUrn}/import/`);
    } catch (err) {
      // a concurrent import makes this one fail with "already loaded"; the list below decides
      if (!(err instanceof CisoApiError && err.status === 400)) throw err;
    }
    const imported = await find();
    if (!imported) {
      throw protocolError(`CISO Assistant: risk matrix ${matrixUrn} is still missing after importing ${libraryUrn}`, 'POST', '/stored-libraries/');
    }
    return imported.id;
  }

  async ensureRiskAssessment(name: string, perimeterId: string, matrixId: string, description: string): Promise<string> {
    const find = async () =>
      (await this.listAll<RiskAssessmentRead>('/risk-assessments/', { perimeter: perimeterId, search: name })).find(
        (a) => sameName(a.name, name) && relatedId(a.perimeter) === perimeterId,
      );
    const { item } = await this.findOrCreate(find, () =>
      this.request<RiskAssessmentRead>('POST', '/risk-assessments/', {
        body: { name, perimeter: perimeterId, risk_matrix: matrixId, version: '1.0', status: 'in_progress', description },
      }),
    );
    const matrix = relatedId(item.risk_matrix);
    if (matrix !== matrixId) {
      // the matrix of an assessment cannot change: the 0-based indexes would mean something else
      throw protocolError(`CISO Assistant: risk assessment "${name}" uses another risk matrix (${matrix}); rename CISO_ASSESSMENT or fix it there`, 'GET', '/risk-assessments/');
    }
    if (item.is_locked) throw protocolError(`CISO Assistant: risk assessment "${name}" is locked`, 'GET', '/risk-assessments/');
    return item.id;
  }

  /** Folder → perimeter → matrix → assessment, each found or created once. */
  async ensureRegister(names: { folder: string; perimeter: string; assessment: string }, matrix: { urn: string; libraryUrn: string; refId?: string }): Promise<CisoRegister> {
    const folderId = await this.ensureFolder(names.folder, 'Kinga transaction-risk engine');
    const perimeterId = await this.ensurePerimeter(names.perimeter, folderId, 'Portfolio risk of the bank measured by Kinga (credit, liquidity, market)');
    const matrixId = await this.ensureRiskMatrix(matrix.urn, matrix.libraryUrn, matrix.refId);
    const assessmentId = await this.ensureRiskAssessment(
      names.assessment,
      perimeterId,
      matrixId,
      'Risk scenarios raised by Kinga when a portfolio metric breaches its threshold; one scenario per breach, updated on every run',
    );
    return { folderId, perimeterId, matrixId, assessmentId };
  }

  async findRiskScenario(assessmentId: string, name: string): Promise<RiskScenarioRead | undefined> {
    const list = await this.listAll<RiskScenarioRead>('/risk-scenarios/', { risk_assessment: assessmentId, search: name });
    return list.find((s) => sameName(s.name, name) && relatedId(s.risk_assessment) === assessmentId);
  }

  /** The risk scenario treatments this installation knows ({value: label} → the values). */
  async treatmentChoices(): Promise<string[]> {
    return Object.keys((await this.request<Record<string, string> | undefined>('GET', '/risk-scenarios/treatment/')) ?? {});
  }

  /**
   * One scenario per name in the assessment: created with treatment "open", afterwards only its
   * description and current likelihood/impact are updated — a treatment someone chose in CISO
   * Assistant (mitigate, accept, …) is left alone. A scenario closed when its breach recovered
   * ("cancelled") is opened again: the breach is back.
   */
  async upsertRiskScenario(assessmentId: string, input: ScenarioInput): Promise<UpsertedScenario> {
    const update = async (existing: RiskScenarioRead): Promise<UpsertedScenario> => {
      const patched = await this.request<{ id: string; ref_id?: string; treatment?: string }>('PATCH', `/risk-scenarios/${existing.id}/`, {
        body: {
          description: input.description,
          current_proba: input.probability,
          current_impact: input.impact,
          ...(input.justification ? { justification: input.justification.slice(0, 2000) } : {}),
          ...(existing.treatment === CLOSED_TREATMENT ? { treatment: 'open' } : {}),
        },
      });
      return { id: existing.id, refId: patched?.ref_id ?? existing.ref_id, created: false, treatment: patched?.treatment ?? existing.treatment };
    };
    const existing = await this.findRiskScenario(assessmentId, input.name);
    if (existing) return update(existing);
    try {
      const created = await this.request<{ id: string; ref_id: string; treatment: string }>('POST', '/risk-scenarios/', {
        body: {
          name: input.name,
          risk_assessment: assessmentId,
          description: input.description,
          current_proba: input.probability,
          current_impact: input.impact,
          treatment: 'open',
          ...(input.justification ? { justification: input.justification.slice(0, 2000) } : {}),
        },
      });
      return { id: created.id, refId: created.ref_id, created: true, treatment: created.treatment };
    } catch (err) {
      // created meanwhile (a retry whose first answer was lost, or a parallel run): update it
      if (err instanceof CisoApiError && err.nameTaken) {
        const again = await this.findRiskScenario(assessmentId, input.name);
        if (again) return update(again);
      }
      throw err;
    }
  }

  /**
   * The breach of scenario `name` is over: the note (value, time) is added to its description once,
   * and with `close` an "open" scenario gets the treatment "cancelled" — not one whose treatment a
   * person chose (mitigate, accept, …), nor on an installation without that treatment (before
   * v3.16; asked, not assumed). null: there is no such scenario (it was never raised, or deleted).
   */
  async recordRecovery(assessmentId: string, input: RecoveryInput): Promise<RecoveredScenario | null> {
    const existing = await this.findRiskScenario(assessmentId, input.name);
    if (!existing) return null;
    const description = existing.description ?? '';
    if (!description.includes(input.note)) {
      await this.request('PATCH', `/risk-scenarios/${existing.id}/`, { body: { description: description ? `${description}\n\n${input.note}` : input.note } });
    }
    const result = (treatment: string, keptOpen: string | null): RecoveredScenario => ({ id: existing.id, refId: existing.ref_id, treatment, closed: keptOpen === null, keptOpen });
    if (existing.treatment === CLOSED_TREATMENT) return result(existing.treatment, null);
    if (!input.close) return result(existing.treatment, 'CISO_CLOSE_ON_RECOVERY=false');
    if (existing.treatment !== 'open') return result(existing.treatment, `its treatment "${existing.treatment}" was chosen in CISO Assistant`);
    if (!(await this.treatmentChoices()).includes(CLOSED_TREATMENT)) {
      return result(existing.treatment, `this CISO Assistant has no "${CLOSED_TREATMENT}" treatment (it came with v3.16)`);
    }
    const patched = await this.request<{ treatment?: string } | undefined>('PATCH', `/risk-scenarios/${existing.id}/`, { body: { treatment: CLOSED_TREATMENT } });
    return result(patched?.treatment ?? CLOSED_TREATMENT, null);
  }
}

/** The id of a related object, whether the API answered with {id, str} (read) or a uuid (write). */
function relatedId(r: Related | string | null | undefined): string | null {
  if (r === null || r === undefined) return null;
  return typeof r === 'string' ? r : r.id;
}
