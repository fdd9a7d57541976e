// Contract tests of Kinga's CISO Assistant client against the stand-in, over real HTTP on
// loopback: auth (Token, not Bearer), trailing slashes, unique names, paginated lists with the
// Power BI contract's fields, idempotent set-up, one scenario per breach, and error classes.
import { ApplicationFailure } from '@temporalio/activity';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCisoActivities } from '../../../activities/ciso/activities';
import { CisoApiError, CisoClient } from '../../../activities/ciso/client';
import { loadCisoConfig } from '../../../config/ciso';
import { CRITICAL_5X5_LIBRARY_URN, CRITICAL_5X5_MATRIX_URN, type PortfolioMetric } from '../../../risk/portfolio';
import { startCisoSimulator, type CisoSimulator } from '../../../simulators/ciso-assistant';

const MATRIX = { urn: CRITICAL_5X5_MATRIX_URN, libraryUrn: CRITICAL_5X5_LIBRARY_URN };
const NAMES = { folder: 'Kinga', perimeter: 'Kinga portfolio risk', assessment: 'Kinga portfolio risk register' };
const logger = pino({ level: 'silent' });

/** Field paths of list answers, from CISO Assistant's automation/powerbi/contract.json (enforced upstream by a backend test). */
const CONTRACT: Record<string, [string[], string][]> = {
  'folders': [[['id'], 'string'], [['name'], 'string'], [['path'], 'breadcrumb'], [['content_type'], 'string'], [['builtin'], 'boolean'], [['created_at'], 'datetime'], [['updated_at'], 'datetime']],
  'perimeters': [[['id'], 'string'], [['ref_id'], 'string'], [['name'], 'string'], [['folder', 'id'], 'string'], [['folder', 'str'], 'string'], [['lc_status'], 'string'], [['created_at'], 'datetime'], [['updated_at'], 'datetime']],
  'risk-assessments': [
    [['id'], 'string'], [['ref_id'], 'string'], [['name'], 'string'], [['version'], 'string'], [['status'], 'string'],
    [['folder', 'id'], 'string'], [['folder', 'str'], 'string'], [['path'], 'breadcrumb'], [['perimeter', 'id'], 'string'], [['perimeter', 'str'], 'string'],
    [['risk_matrix', 'id'], 'string'], [['risk_matrix', 'str'], 'string'], [['risk_scenarios_count'], 'integer'], [['created_at'], 'datetime'], [['updated_at'], 'datetime'],
  ],
  'risk-scenarios': [
    [['id'], 'string'], [['ref_id'], 'string'], [['name'], 'string'], [['description'], 'string'], [['folder', 'id'], 'string'], [['folder', 'str'], 'string'],
    [['risk_assessment', 'id'], 'string'], [['risk_assessment', 'str'], 'string'], [['treatment'], 'string'],
    [['current_level', 'name'], 'string'], [['current_level', 'value'], 'integer'], [['current_level', 'hexcolor'], 'string'],
    [['residual_level', 'name'], 'string'], [['residual_level', 'value'], 'integer'], [['within_tolerance'], 'string'], [['created_at'], 'datetime'], [['updated_at'], 'datetime'],
  ],
};

function typeOk(value: unknown, type: string): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'datetime') return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  if (type === 'breadcrumb') return Array.isArray(value) && value.every((p) => typeof p?.id === 'string' && typeof p?.str === 'string');
  return false;
}

let sim: CisoSimulator;
let client: CisoClient;

async function raw(path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token, ...rest } = init;
  const res = await fetch(`${sim.url}${path}`, {
    redirect: 'manual',
    ...rest,
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Token ${token ?? sim.token}` }), ...(rest.headers ?? {}) },
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* html or empty */
  }
  return { status: res.status, body, location: res.headers.get('location') };
}

async function rejection(p: Promise<unknown>): Promise<CisoApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CisoApiError);
  return err as CisoApiError;
}

beforeAll(async () => {
  sim = await startCisoSimulator({ token: 'kinga-test-token-0123456789', readOnlyTokens: ['read-only-token-0123456789'], faults: {} });
  client = new CisoClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 2_000 });
});

afterAll(async () => {
  await sim?.stop();
});

afterEach(() => {
  sim.setFaults({ latencyMs: 0, errorRate: 0, down: false, failNext: 0 });
});

describe('authentication: Authorization: Token <personal access token>', () => {
  it('health needs no token; everything else does', async () => {
    expect(await raw('/api/health/', { token: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await raw('/api/health/', { token: 'wrong-token-0123' })).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
    expect(await raw('/api/folders/', { token: null })).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
    // a Bearer header is not Knox's scheme: no credentials at all
    expect(await raw('/api/folders/', { token: null, headers: { authorization: `Bearer ${sim.token}` } })).toMatchObject({ status: 401 });
  });

  it('a wrong token is a 401 that is not retried, with the body and without the token', async () => {
    const wrong = new CisoClient({ baseUrl: sim.url, token: 'not-the-token-5f3a9c', timeoutMs: 2_000 });
    const err = await rejection(wrong.ensureFolder('Kinga', 'x'));
    expect(err).toMatchObject({ status: 401, retryable: false, method: 'GET', path: '/folders/' });
    expect(err.message).toContain('Invalid token.');
    expect(err.message).not.toContain('not-the-token-5f3a9c');
  });

  it('a read-only token may read but not write (403, not retried)', async () => {
    const reader = new CisoClient({ baseUrl: sim.url, token: 'read-only-token-0123456789', timeoutMs: 2_000 });
    expect(await reader.listAll('/folders/')).toEqual(expect.arrayContaining([expect.objectContaining({ content_type: 'GLOBAL' })]));
    const err = await rejection(reader.request('POST', '/folders/', { body: { name: 'nope' } }));
    expect(err).toMatchObject({ status: 403, retryable: false });
    expect(err.body).toContain('You do not have permission');
  });

  it('the activity turns a refusal into a non-retryable failure that carries the body, never the token', async () => {
    const acts = createCisoActivities({ ciso: loadCisoConfig({ CISO_URL: sim.url, CISO_TOKEN: 'wrong-token-abcdef123' }), logger });
    const err = await acts.ensureCisoRiskAssessment().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const f = err as ApplicationFailure;
    expect(f).toMatchObject({ type: 'ciso_rejected', nonRetryable: true });
    expect(f.details?.[0]).toMatchObject({ status: 401, path: '/api/folders/', body: expect.stringContaining('Invalid token.') });
    expect(JSON.stringify({ message: f.message, details: f.details })).not.toContain('wrong-token-abcdef123');
  });
});

describe('trailing slashes, as Django answers them', () => {
  it('a known path without its slash is redirected, before any authentication', async () => {
    expect(await raw('/api/risk-scenarios?limit=1', { token: null })).toMatchObject({ status: 301, location: '/api/risk-scenarios/?limit=1' });
    expect(await raw('/api/folders', { method: 'POST', body: JSON.stringify({ name: 'x' }) })).toMatchObject({ status: 301, location: '/api/folders/' });
    expect(await raw('/api/no-such-thing')).toMatchObject({ status: 404 });
    expect(sim.state().folders.filter((f) => f.name === 'x')).toEqual([]);
  });

  it('in debug mode a POST without its slash is Django’s 500', async () => {
    const debug = await startCisoSimulator({ debug: true, faults: {} });
    try {
      const res = await fetch(`${debug.url}/api/folders`, { method: 'POST', redirect: 'manual', headers: { authorization: `Token ${debug.token}` }, body: '{}' });
      expect(res.status).toBe(500);
      expect(await res.text()).toMatch(/doesn't end in a slash and you have APPEND_SLASH set/);
    } finally {
      await debug.stop();
    }
  });

  it('the client sends every path with its slash and never follows a redirect', async () => {
    await expect(client.request('GET', '/folders')).rejects.toThrow(/start and end with "\/"/);
    // a base URL that already ends in /api works the same
    const withApi = new CisoClient({ baseUrl: `${sim.url}/api/`, token: sim.token, timeoutMs: 2_000 });
    expect((await withApi.health()).status).toBe('ok');
    expect(sim.state().requests.filter((r) => !r.path.endsWith('/'))).toEqual([
      expect.objectContaining({ path: '/api/risk-scenarios', status: 301 }),
      expect.objectContaining({ path: '/api/folders', status: 301 }),
      expect.objectContaining({ path: '/api/no-such-thing', status: 404 }),
    ]);
  });
});

describe('set-up and risk scenarios', () => {
  it('set-up is idempotent: folder, perimeter, the 5×5 matrix imported from its library, the assessment — once', async () => {
    expect(sim.state().riskMatrices).toEqual([]); // only after the library is imported
    const first = await client.ensureRegister(NAMES, MATRIX);
    const second = await client.ensureRegister(NAMES, MATRIX);
    expect(second).toEqual(first);
    const state = sim.state();
    expect(state.folders.filter((f) => f.content_type === 'DOMAIN').map((f) => f.name)).toEqual(['Kinga']);
    expect(state.perimeters.map((p) => [p.name, p.folder])).toEqual([[NAMES.perimeter, first.folderId]]);
    expect(state.riskMatrices.map((m) => m.urn)).toEqual([CRITICAL_5X5_MATRIX_URN]);
    expect(state.riskAssessments.map((a) => [a.name, a.perimeter, a.risk_matrix])).toEqual([[NAMES.assessment, first.perimeterId, first.matrixId]]);
    expect(state.requests.filter((r) => r.path.endsWith('/import/')).length).toBe(1);
  });

  it('names are unique in their scope, case-insensitively: 400 {"name": [...]}, not retried', async () => {
    const created = await raw('/api/folders/', { method: 'POST', body: JSON.stringify({ name: 'Treasury' }) });
    expect(created.status).toBe(201);
    const again = await raw('/api/folders/', { method: 'POST', body: JSON.stringify({ name: 'TREASURY' }) });
    expect(again).toMatchObject({ status: 400, body: { name: ['TREASURY is already used in this scope. Please choose another value.'] } });
    const err = await rejection(client.request('POST', '/folders/', { body: { name: 'treasury' } }));
    expect(err).toMatchObject({ status: 400, retryable: false, nameTaken: true });
    expect(err.message).toContain('already used in this scope');
    // the same name under another parent folder is fine
    expect((await raw('/api/folders/', { method: 'POST', body: JSON.stringify({ name: 'Treasury', parent_folder: created.body.id }) })).status).toBe(201);
  });

  it('validates a scenario like the real serializer: required fields, treatment choices; an index outside the matrix is a 500 that stores nothing', async () => {
    const { assessmentId } = await client.ensureRegister(NAMES, MATRIX);
    const missing = await raw('/api/risk-scenarios/', { method: 'POST', body: JSON.stringify({ description: 'x' }) });
    expect(missing).toMatchObject({ status: 400, body: { name: ['This field is required.'], risk_assessment: ['This field is required.'] } });
    const bad = await raw('/api/risk-scenarios/', { method: 'POST', body: JSON.stringify({ name: 'x', risk_assessment: assessmentId, treatment: 'ignore' }) });
    expect(bad).toMatchObject({ status: 400, body: { treatment: ['"ignore" is not a valid choice.'] } });
    // the level is computed (and fails) when both the likelihood and the impact are rated, as RiskScenario.save() does
    const outside = await raw('/api/risk-scenarios/', { method: 'POST', body: JSON.stringify({ name: 'outside', risk_assessment: assessmentId, current_proba: 5, current_impact: 0 }) });
    expect(outside).toMatchObject({ status: 500, body: expect.stringContaining('Server Error (500)') });
    expect(sim.state().riskScenarios.filter((s) => s.name === 'outside')).toEqual([]);
    // the client takes a 500 for a passing fault: retryable
    const err = await rejection(client.request('POST', '/risk-scenarios/', { body: { name: 'outside', risk_assessment: assessmentId, current_proba: 0, current_impact: 5 } }));
    expect(err).toMatchObject({ status: 500, retryable: true });
  });

  it('the same breach twice makes one scenario, updated; a treatment chosen in CISO Assistant is kept', async () => {
    const { assessmentId } = await client.ensureRegister(NAMES, MATRIX);
    const name = 'Kinga: LCR below floor (book)';
    const first = await client.upsertRiskScenario(assessmentId, { name, description: 'LCR 0.85', probability: 2, impact: 3 });
    expect(first).toMatchObject({ created: true, refId: 'R.01', treatment: 'open' });
    const created = await raw(`/api/risk-scenarios/${first.id}/`);
    expect(created.body).toMatchObject({ treatment: 'open', current_proba: { value: 2, name: 'Medium' }, current_impact: { value: 3, name: 'High' }, current_level: { value: 2, name: 'Medium' } });

    // someone decides to mitigate it in CISO Assistant
    expect((await raw(`/api/risk-scenarios/${first.id}/`, { method: 'PATCH', body: JSON.stringify({ treatment: 'mitigate' }) })).status).toBe(200);

    const second = await client.upsertRiskScenario(assessmentId, { name, description: 'LCR 0.50', probability: 4, impact: 4 });
    expect(second).toMatchObject({ id: first.id, created: false, treatment: 'mitigate' });
    const scenarios = sim.state().riskScenarios.filter((s) => s.risk_assessment === assessmentId);
    expect(scenarios).toHaveLength(1);
    expect(scenarios[0]).toMatchObject({ name, description: 'LCR 0.50', current_proba: 4, current_impact: 4, treatment: 'mitigate' });
    const read = await raw(`/api/risk-scenarios/${first.id}/`);
    expect(read.body.current_level).toMatchObject({ value: 4, name: 'Very High' });
  });

  it('a recovered breach: the note added once, an open scenario closed ("cancelled"), a new breach opens it again', async () => {
    const { assessmentId } = await client.ensureRegister(NAMES, MATRIX);
    const name = 'Kinga: FX net open position above limit (currency:USD)';
    const raised = await client.upsertRiskScenario(assessmentId, { name, description: 'NOP 12%', probability: 2, impact: 2 });
    const note = 'Recovered as of 2031-05-02T09:00:00.000Z: FX net open position above limit (USD) is over, 0.080000 against the limit 0.100000.';
    expect((await raw('/api/risk-scenarios/treatment/')).body).toEqual({ open: 'Open', mitigate: 'Mitigate', accept: 'Accept', avoid: 'Avoid', transfer: 'Transfer', cancelled: 'Cancelled' });

    const recovered = await client.recordRecovery(assessmentId, { name, note, close: true });
    expect(recovered).toEqual({ id: raised.id, refId: raised.refId, treatment: 'cancelled', closed: true, keptOpen: null });
    expect((await raw(`/api/risk-scenarios/${raised.id}/`)).body).toMatchObject({ treatment: 'cancelled', description: `NOP 12%\n\n${note}` });
    // a retried activity: nothing written twice
    const patches = sim.state().requests.filter((r) => r.method === 'PATCH').length;
    expect(await client.recordRecovery(assessmentId, { name, note, close: true })).toMatchObject({ closed: true, treatment: 'cancelled' });
    expect(sim.state().requests.filter((r) => r.method === 'PATCH').length).toBe(patches);

    const again = await client.upsertRiskScenario(assessmentId, { name, description: 'NOP 15%', probability: 3, impact: 3 });
    expect(again).toMatchObject({ id: raised.id, created: false, treatment: 'open' });
    expect(sim.state().riskScenarios.find((r) => r.id === raised.id)).toMatchObject({ treatment: 'open', description: 'NOP 15%' });

    expect(await client.recordRecovery(assessmentId, { name: 'Kinga: never raised (book)', note, close: true })).toBeNull();
  });

  it('a recovered breach stays open when the policy says so, when a person chose the treatment, and on a CISO Assistant without "cancelled"', async () => {
    const { assessmentId } = await client.ensureRegister(NAMES, MATRIX);
    const note = (n: number) => `Recovered as of 2031-05-0${n}T09:00:00.000Z: it is over.`;
    const kept = await client.upsertRiskScenario(assessmentId, { name: 'Kinga: kept open (book)', description: 'x', probability: 1, impact: 1 });
    expect(await client.recordRecovery(assessmentId, { name: 'Kinga: kept open (book)', note: note(1), close: false })).toMatchObject({ treatment: 'open', closed: false, keptOpen: 'CISO_CLOSE_ON_RECOVERY=false' });
    expect(sim.state().riskScenarios.find((r) => r.id === kept.id)).toMatchObject({ treatment: 'open', description: `x\n\n${note(1)}` });

    const mitigated = await client.upsertRiskScenario(assessmentId, { name: 'Kinga: mitigated (book)', description: 'y', probability: 1, impact: 1 });
    expect((await raw(`/api/risk-scenarios/${mitigated.id}/`, { method: 'PATCH', body: JSON.stringify({ treatment: 'mitigate' }) })).status).toBe(200);
    expect(await client.recordRecovery(assessmentId, { name: 'Kinga: mitigated (book)', note: note(2), close: true })).toMatchObject({
      treatment: 'mitigate',
      closed: false,
      keptOpen: 'its treatment "mitigate" was chosen in CISO Assistant',
    });

    // v3.10.4, as the bank runs it: no "cancelled" treatment (it came with v3.16), and it says so
    const older = await startCisoSimulator({ token: 'older-ciso-token-0123456789', faults: {}, cancelledTreatment: false });
    try {
      const olderClient = new CisoClient({ baseUrl: older.url, token: older.token, timeoutMs: 2000 });
      const register = await olderClient.ensureRegister(NAMES, MATRIX);
      await olderClient.upsertRiskScenario(register.assessmentId, { name: 'Kinga: LCR below floor (book)', description: 'LCR 0.85', probability: 2, impact: 3 });
      const refused = await fetch(`${older.url}/api/risk-scenarios/${older.state().riskScenarios[0]!.id}/`, {
        method: 'PATCH',
        headers: { authorization: `Token ${older.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ treatment: 'cancelled' }),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ treatment: ['"cancelled" is not a valid choice.'] });
      expect(await olderClient.recordRecovery(register.assessmentId, { name: 'Kinga: LCR below floor (book)', note: note(3), close: true })).toMatchObject({
        treatment: 'open',
        closed: false,
        keptOpen: 'this CISO Assistant has no "cancelled" treatment (it came with v3.16)',
      });
      expect(older.state().riskScenarios[0]).toMatchObject({ treatment: 'open', description: `LCR 0.85\n\n${note(3)}` });
    } finally {
      await older.stop();
    }
  });

  it('a create whose answer was lost finds the scenario and updates it', async () => {
    const { assessmentId } = await client.ensureRegister(NAMES, MATRIX);
    const name = 'Kinga: FX 1-day 99% VaR above limit (book)';
    // the first POST went through but its caller never heard; a second client does not know it
    await raw('/api/risk-scenarios/', { method: 'POST', body: JSON.stringify({ name, risk_assessment: assessmentId, treatment: 'open' }) });
    const lostAnswer = new CisoClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 2_000 });
    const result = await lostAnswer.upsertRiskScenario(assessmentId, { name: name.toUpperCase(), description: 'VaR', probability: 2, impact: 2 });
    expect(result.created).toBe(false);
    expect(sim.state().riskScenarios.filter((s) => s.name.toLowerCase() === name.toLowerCase())).toHaveLength(1);
  });

  it('lists are limit/offset pages whose items carry the Power BI contract’s fields', async () => {
    const { assessmentId } = await client.ensureRegister(NAMES, MATRIX);
    for (let i = 0; i < 3; i++) await client.upsertRiskScenario(assessmentId, { name: `Kinga: page test ${i} (book)`, description: 'p', probability: 1, impact: 1 });
    const first = await raw(`/api/risk-scenarios/?risk_assessment=${assessmentId}&limit=2`);
    expect(first.body.count).toBeGreaterThanOrEqual(3);
    expect(first.body.results).toHaveLength(2);
    expect(first.body.previous).toBeNull();
    const next = new URL(first.body.next);
    expect(next.pathname).toBe('/api/risk-scenarios/');
    expect(next.searchParams.get('offset')).toBe('2');
    const second = await raw(`${next.pathname}${next.search}`);
    expect(second.body.previous).not.toBeNull();
    expect(new Set([...first.body.results, ...second.body.results].map((r: any) => r.id)).size).toBe(first.body.results.length + second.body.results.length);
    // a search narrows by every term
    const searched = await raw(`/api/risk-scenarios/?search=${encodeURIComponent('page test 1')}`);
    expect(searched.body.results.map((r: any) => r.name)).toEqual(['Kinga: page test 1 (book)']);

    for (const [endpoint, fields] of Object.entries(CONTRACT)) {
      const list = await raw(`/api/${endpoint}/`);
      expect(list.status, endpoint).toBe(200);
      const item = list.body.results.find((r: any) => r.content_type !== 'GLOBAL');
      expect(item, endpoint).toBeDefined();
      for (const [path, type] of fields) {
        const value = path.reduce((o: any, k) => o?.[k], item);
        expect(typeOk(value, type), `${endpoint} ${path.join('.')} should be ${type}, got ${JSON.stringify(value)}`).toBe(true);
      }
    }
  });
});

describe('faults: retryable and not', () => {
  it('503 and a dropped connection are retryable', async () => {
    sim.setFaults({ failNext: 1 });
    const unavailable = await rejection(client.health());
    expect(unavailable).toMatchObject({ status: 503, retryable: true });
    expect((await client.health()).status).toBe('ok'); // the next one goes through

    sim.setFaults({ down: true });
    const down = await rejection(client.health());
    expect(down).toMatchObject({ status: null, retryable: true });
  });

  it('a slow answer times out, retryably', async () => {
    sim.setFaults({ latencyMs: 1_500 });
    const quick = new CisoClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 200 });
    const err = await rejection(quick.health());
    expect(err).toMatchObject({ status: null, retryable: true });
    expect(err.message).toMatch(/no answer within 200 ms/);
  });

  it('the error rate fails exactly that share of requests', async () => {
    sim.setFaults({ errorRate: 0.5 });
    const results = await Promise.all([...Array(10).keys()].map(() => client.health().then(() => 'ok', () => 'failed')));
    expect(results.filter((r) => r === 'failed')).toHaveLength(5);
  });

  it('the knob is an endpoint too', async () => {
    const put = await fetch(`${sim.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failNext: 2 }) });
    expect(await put.json()).toMatchObject({ failNext: 2 });
    await expect(client.health()).rejects.toMatchObject({ status: 503 });
    await expect(client.health()).rejects.toMatchObject({ status: 503 });
    expect((await client.health()).status).toBe('ok');
  });
});

describe('the activities', () => {
  const breach: PortfolioMetric = {
    model: 'liquidity',
    metric: 'liquidity_coverage_ratio',
    scope: 'book',
    value: '0.850000',
    threshold: '1.0',
    status: 'WARNING',
    details: { unit: 'ratio', description: 'Liquidity coverage ratio', breachWhen: 'below', critical: '0.8' },
  };

  it('are switched off by CISO_ENABLED=false', async () => {
    const off = createCisoActivities({ ciso: loadCisoConfig({ CISO_ENABLED: 'false', CISO_URL: sim.url, CISO_TOKEN: sim.token }), logger });
    expect(await off.ensureCisoRiskAssessment()).toEqual({ enabled: false, reason: 'CISO_ENABLED=false' });
  });

  it('raise a breach with likelihood and impact on the 5×5 matrix, then update it', async () => {
    const acts = createCisoActivities({ ciso: loadCisoConfig({ CISO_URL: sim.url, CISO_TOKEN: sim.token, CISO_ASSESSMENT: 'Kinga activity test' }), logger });
    const setup = await acts.ensureCisoRiskAssessment();
    if (!setup.enabled) throw new Error(setup.reason);
    const first = await acts.upsertCisoRiskScenario({ register: setup.register, breach, eventKey: 'portfolio:liquidity:liquidity_coverage_ratio:book:2031-01-15', asOf: '2031-01-15T09:00:00.000Z' });
    expect(first).toMatchObject({ name: 'Kinga: LCR below floor (book)', created: true, probability: 2, impact: 3, level: 'Medium', url: `${sim.url}/risk-scenarios/${first.scenarioId}` });
    const worse = await acts.upsertCisoRiskScenario({ register: setup.register, breach: { ...breach, value: '0.450000', status: 'CRITICAL' }, eventKey: 'k', asOf: '2031-01-15T10:00:00.000Z' });
    expect(worse).toMatchObject({ scenarioId: first.scenarioId, created: false, probability: 4, impact: 4, level: 'Very High' });
    const stored = sim.state().riskScenarios.find((s) => s.id === first.scenarioId)!;
    expect(stored.description).toContain('0.450000');
    expect(stored.justification).toMatch(/probability Very High/);

    // back above the floor on a later run: said in the scenario, with the value and the time, and closed
    const over = { ...breach, value: '1.250000', status: 'OK' as const };
    const recovered = await acts.recordCisoScenarioRecovery({ register: setup.register, metric: over, asOf: '2031-01-16T09:00:00.000Z' });
    expect(recovered).toEqual({ scenarioId: first.scenarioId, refId: first.refId, name: first.name, treatment: 'cancelled', closed: true, keptOpen: null, url: first.url });
    expect(sim.state().riskScenarios.find((s) => s.id === first.scenarioId)!.description).toMatch(
      /\n\nRecovered as of 2031-01-16T09:00:00\.000Z: LCR below floor \(book\) is over, 1\.250000 against the floor 1\.0\.$/,
    );
    const keepOpen = createCisoActivities({ ciso: loadCisoConfig({ CISO_URL: sim.url, CISO_TOKEN: sim.token, CISO_ASSESSMENT: 'Kinga activity test', CISO_CLOSE_ON_RECOVERY: 'false' }), logger });
    const other = await keepOpen.upsertCisoRiskScenario({ register: setup.register, breach: { ...breach, scope: 'currency:USD' }, eventKey: 'k2', asOf: '2031-01-15T09:00:00.000Z' });
    expect(await keepOpen.recordCisoScenarioRecovery({ register: setup.register, metric: { ...over, scope: 'currency:USD' }, asOf: '2031-01-16T09:00:00.000Z' })).toMatchObject({
      scenarioId: other.scenarioId,
      treatment: 'open',
      closed: false,
      keptOpen: 'CISO_CLOSE_ON_RECOVERY=false',
    });
    expect(await acts.recordCisoScenarioRecovery({ register: setup.register, metric: { ...over, metric: 'fx_var_1d_99' }, asOf: '2031-01-16T09:00:00.000Z' })).toBeNull();
  });
});
