// The CISO Assistant stand-in's answers to bad requests, over real HTTP on loopback: each as
// Django REST Framework gives it (CISO Assistant v3.10.4's serializers and filters) — a 400
// {"field": ["message"]} naming every field at fault — and each changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CisoClient } from '../../../activities/ciso/client';
import { CRITICAL_5X5_LIBRARY_URN, CRITICAL_5X5_MATRIX_URN } from '../../../risk/portfolio';
import { startCisoSimulator, type CisoSimulator } from '../../../simulators/ciso-assistant';

let sim: CisoSimulator;
let register: { folderId: string; perimeterId: string; matrixId: string; assessmentId: string };
let scenarioId: string;
const MISSING = '00000000-0000-4000-8000-000000000000';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { authorization: `Token ${sim.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text, headers: res.headers };
}

/** Everything stored, to show that a refused request changed nothing. */
const stored = () => {
  const { requests: _r, faults: _f, ...rest } = sim.state();
  return rest;
};

/** The request is refused with exactly this 400 body, and nothing stored changes. */
async function refused(method: string, path: string, body: unknown, errors: Record<string, string[]>) {
  const before = stored();
  const res = await call(method, path, body);
  expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: errors });
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(stored()).toEqual(before);
}

beforeAll(async () => {
  sim = await startCisoSimulator({ token: 'stand-in-test-token-0123456789', readOnlyTokens: ['stand-in-reader-0123456789'], faults: {} });
  const client = new CisoClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 5_000 });
  register = await client.ensureRegister({ folder: 'Kinga', perimeter: 'Kinga portfolio risk', assessment: 'Kinga portfolio risk register' }, { urn: CRITICAL_5X5_MATRIX_URN, libraryUrn: CRITICAL_5X5_LIBRARY_URN });
  scenarioId = (await client.upsertRiskScenario(register.assessmentId, { name: 'Kinga: LCR below floor (book)', description: 'LCR 0.85', probability: 2, impact: 3 })).id;
});

afterAll(async () => {
  await sim?.stop();
});

describe('bodies are validated as the serializers do: a 400 naming every field at fault, nothing stored', () => {
  it('a folder: required, not null, no slash, a parent that is a UUID and exists', async () => {
    await refused('POST', '/api/folders/', {}, { name: ['This field is required.'] });
    await refused('POST', '/api/folders/', { name: null, parent_folder: 'treasury' }, { name: ['This field may not be null.'], parent_folder: ['“treasury” is not a valid UUID.'] });
    await refused('POST', '/api/folders/', { name: 'Treasury/FX', parent_folder: MISSING }, { name: ["The name cannot contain '/' for a Folder."], parent_folder: [`Invalid pk "${MISSING}" - object does not exist.`] });
    await refused('POST', '/api/folders/', { name: '   ', description: ['x'] }, { name: ['This field may not be blank.'], description: ['Not a valid string.'] });
  });

  it('a perimeter and a risk assessment: lengths, choices, integers and their bounds', async () => {
    await refused('POST', '/api/perimeters/', { name: 'x'.repeat(201), folder: register.folderId, lc_status: 'live' }, {
      name: ['Ensure this field has no more than 200 characters.'],
      lc_status: ['"live" is not a valid choice.'],
    });
    await refused('POST', '/api/perimeters/', { name: 'Book', folder: 42 }, { folder: ['Incorrect type. Expected pk value, received int.'] });
    await refused('POST', '/api/risk-assessments/', { name: 'Register', risk_matrix: register.matrixId, risk_tolerance: 9, status: 'open' }, {
      risk_tolerance: ['Ensure this value is less than or equal to 4.'],
      status: ['"open" is not a valid choice.'],
    });
    await refused('POST', '/api/risk-assessments/', { name: 'Register', risk_matrix: '', risk_tolerance: 'high' }, { risk_matrix: ['This field may not be null.'], risk_tolerance: ['A valid integer is required.'] });
  });

  it('a risk scenario: every field at fault at once, and the scenario left as it was', async () => {
    await refused('PATCH', `/api/risk-scenarios/${scenarioId}/`, { treatment: 'ignore', strength_of_knowledge: '7', current_proba: 1.5, justification: 'x'.repeat(2001) }, {
      treatment: ['"ignore" is not a valid choice.'],
      strength_of_knowledge: ['Ensure this value is less than or equal to 2.'],
      current_proba: ['A valid integer is required.'],
      justification: ['Ensure this field has no more than 2000 characters.'],
    });
    await refused('PUT', `/api/risk-scenarios/${scenarioId}/`, { description: 'x' }, { name: ['This field is required.'], risk_assessment: ['This field is required.'] });
    await refused('POST', '/api/risk-scenarios/', { name: 'LCR', risk_assessment: register.assessmentId, current_impact: -40000 }, { current_impact: ['Ensure this value is greater than or equal to -32768.'] });
  });

  it('what DRF takes as it is: numbers as text, "3" as 3, whitespace trimmed', async () => {
    const created = await call('POST', '/api/risk-scenarios/', { name: '  2031  ', risk_assessment: register.assessmentId, current_proba: '1', current_impact: 2.0, strength_of_knowledge: '1.0' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: '2031', current_proba: 1, current_impact: 2, current_level: 1, strength_of_knowledge: 1 });
    const numeric = await call('POST', '/api/folders/', { name: 2031 });
    expect(numeric).toMatchObject({ status: 201, body: { name: '2031' } });
  });

  it('a body that is not an object, not JSON, or not sent as JSON', async () => {
    await refused('POST', '/api/folders/', [{ name: 'x' }], { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
    await refused('POST', '/api/folders/', 'null', { non_field_errors: ['No data provided'] });
    const before = stored();
    const broken = await call('POST', '/api/folders/', '{"name": ');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/^JSON parse error - /);
    const plain = await call('POST', '/api/folders/', JSON.stringify({ name: 'Plain' }), { 'content-type': 'text/plain' });
    expect(plain).toMatchObject({ status: 415, body: { detail: 'Unsupported media type "text/plain" in request.' } });
    expect(stored()).toEqual(before);
  });

  it('a locked assessment: its scenarios refused with DRF’s non_field_errors; the lock alone may be set again, or lifted', async () => {
    const created = await call('POST', '/api/risk-assessments/', { name: 'Locked register', perimeter: register.perimeterId, risk_matrix: register.matrixId });
    const id = created.body.id as string;
    const scenario = await call('POST', '/api/risk-scenarios/', { name: 'Locked scenario', risk_assessment: id });
    expect((await call('PATCH', `/api/risk-assessments/${id}/`, { is_locked: true })).status).toBe(200);
    await refused('PATCH', `/api/risk-scenarios/${scenario.body.id}/`, { description: 'edited' }, { non_field_errors: ['⚠️ Cannot modify the risk scenario when the risk assessment is locked.'] });
    await refused('PATCH', `/api/risk-assessments/${id}/`, { description: 'edited' }, {
      non_field_errors: ["⚠️ Cannot modify the risk assessment attributes when it is locked. Only the 'Locked' field can be modified."],
    });
    expect((await call('PATCH', `/api/risk-assessments/${id}/`, { is_locked: true })).status).toBe(200);
    expect(await call('PATCH', `/api/risk-assessments/${id}/`, { is_locked: false, description: 'unlocked' })).toMatchObject({ status: 200, body: { is_locked: false, description: 'unlocked' } });
  });
});

describe('query strings are validated as django-filter does', () => {
  it('a filter naming no object, or not an id, is a 400 naming it; pages never refuse', async () => {
    expect(await call('GET', '/api/risk-scenarios/?risk_assessment=register')).toMatchObject({ status: 400, body: { risk_assessment: ['“register” is not a valid value.'] } });
    expect(await call('GET', `/api/risk-assessments/?perimeter=${MISSING}`)).toMatchObject({ status: 400, body: { perimeter: [`Select a valid choice. ${MISSING} is not one of the available choices.`] } });
    expect(await call('GET', '/api/risk-scenarios/?treatment=ignore')).toMatchObject({ status: 400, body: { treatment: ['Select a valid choice. ignore is not one of the available choices.'] } });
    expect(await call('GET', '/api/risk-scenarios/?folder=treasury')).toMatchObject({ status: 400, body: { folder: ['Enter a valid UUID.'] } });
    expect(await call('GET', `/api/risk-matrices/?folder=${MISSING}`)).toMatchObject({ status: 400, body: { folder: ['Select a valid choice. That choice is not one of the available choices.'] } });
    // LimitOffsetPagination takes what it cannot read as its default
    const page = await call('GET', `/api/risk-scenarios/?risk_assessment=${register.assessmentId}&limit=lots&offset=-3`);
    expect(page).toMatchObject({ status: 200, body: { next: null, previous: null } });
    expect(page.body.results.length).toBe(page.body.count);
  });

  it('a filter given twice matches either value', async () => {
    const folders = await call('GET', `/api/folders/?content_type=GLOBAL&content_type=DOMAIN`);
    expect(folders.body.results.map((f: { content_type: string }) => f.content_type).sort()).toEqual(expect.arrayContaining(['DOMAIN', 'GLOBAL']));
    const perimeters = await call('GET', `/api/perimeters/?folder=${register.folderId}&folder=${sim.state().folders.find((f) => f.content_type === 'GLOBAL')!.id}`);
    expect(perimeters.body.count).toBe(1);
  });
});

describe('the answers around them', () => {
  it('DRF’s order: authentication (401), permission (403), then the method (405, with Allow)', async () => {
    expect(await call('DELETE', '/api/folders/', undefined, { authorization: 'Token wrong-token-0123' })).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
    expect(await call('DELETE', '/api/folders/', undefined, { authorization: 'Token stand-in-reader-0123456789' })).toMatchObject({ status: 403 });
    const notAllowed = await call('DELETE', '/api/folders/');
    expect(notAllowed).toMatchObject({ status: 405, body: { detail: 'Method "DELETE" not allowed.' } });
    expect(notAllowed.headers.get('allow')).toBe('GET, POST');
  });

  it('unknown objects are 404 {"detail"}, unknown paths Django’s page; /api/health is redirected like every path', async () => {
    expect(await call('GET', `/api/risk-scenarios/${MISSING}/`)).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
    const page = await call('GET', '/api/no-such-thing/');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('The requested resource was not found on this server.');
    expect(await call('GET', '/api/health')).toMatchObject({ status: 301 });
    expect(await call('POST', '/api/stored-libraries/urn:intuitem:risk:library:none/import/')).toMatchObject({ status: 404, body: 'Library not found.' });
  });

  it('a scenario not rated reads as the model’s "not rated" level', async () => {
    const created = await call('POST', '/api/risk-scenarios/', { name: 'Not rated', risk_assessment: register.assessmentId });
    const read = await call('GET', `/api/risk-scenarios/${created.body.id}/`);
    expect(read.body.current_proba).toEqual({ abbreviation: '--', name: '--', description: 'not rated', value: -1 });
    expect(read.body.current_level).toEqual({ abbreviation: '--', name: '--', description: 'not rated', value: -1, hexcolor: '#A9A9A9' });
  });

  it('the fault knob refuses a value it cannot take, naming it, and keeps the faults it had', async () => {
    const res = await fetch(`${sim.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 2, latency: 5 }) });
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['errorRate', 'non_field_errors']);
    expect(sim.state().faults).toEqual({ latencyMs: 0, errorRate: 0, down: false, failNext: 0 });
    // JSON whatever its media type, as `curl -X PUT -d '{…}'` sends it
    const curl = await fetch(`${sim.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"latencyMs": 5}' });
    expect(await curl.json()).toEqual({ latencyMs: 5, errorRate: 0, down: false, failNext: 0 });
    sim.setFaults({ latencyMs: 0 });
  });
});
