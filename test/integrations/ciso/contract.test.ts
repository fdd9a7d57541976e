// The CISO Assistant contract: what Kinga relies on, observed over HTTP only, so that the same
// suite runs against the stand-in (under `npm test`) and against a real CISO Assistant
// (`npm run test:ciso-contract` with CISO_CONTRACT_URL and CISO_CONTRACT_TOKEN; README). Names
// carry a per-run suffix, so a real server can be used again and again.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CisoApiError, CisoClient, type CisoRegister } from '../../../activities/ciso/client';
import { CRITICAL_5X5_LIBRARY_URN, CRITICAL_5X5_MATRIX_URN } from '../../../risk/portfolio';
import { startCisoSimulator, type CisoSimulator } from '../../../simulators/ciso-assistant';

// vitest.ciso-contract.config.ts sets CISO_CONTRACT_TARGET=url; `npm test` never does.
const againstRealServer = process.env.CISO_CONTRACT_TARGET === 'url';
const MATRIX = { urn: CRITICAL_5X5_MATRIX_URN, libraryUrn: CRITICAL_5X5_LIBRARY_URN };
const run = randomUUID().slice(0, 8);
const NAMES = { folder: `Kinga contract ${run}`, perimeter: `Kinga contract perimeter ${run}`, assessment: `Kinga contract register ${run}` };

let sim: CisoSimulator | undefined;
let base: string;
let token: string;
let client: CisoClient;
let register: CisoRegister;

async function raw(path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token: given, ...rest } = init;
  const res = await fetch(`${base}${path}`, {
    redirect: 'manual',
    ...rest,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(given === null ? {} : { authorization: `Token ${given ?? token}` }), ...(rest.headers ?? {}) },
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* html or empty */
  }
  return { status: res.status, body, text, contentType: res.headers.get('content-type') ?? '' };
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
  if (againstRealServer) {
    const url = process.env.CISO_CONTRACT_URL;
    const given = process.env.CISO_CONTRACT_TOKEN;
    if (!url || !given) throw new Error('npm run test:ciso-contract needs CISO_CONTRACT_URL (e.g. http://127.0.0.1:8000) and CISO_CONTRACT_TOKEN (a personal access token); see the README');
    base = url.replace(/\/+$/, '').replace(/\/api$/, '');
    token = given;
  } else {
    sim = await startCisoSimulator({ token: 'kinga-contract-token-0123456789', faults: {} });
    base = sim.url;
    token = sim.token;
  }
  client = new CisoClient({ baseUrl: base, token, timeoutMs: 30_000 });
  register = await client.ensureRegister(NAMES, MATRIX);
});

afterAll(async () => {
  await sim?.stop();
});

describe(`CISO Assistant contract (${againstRealServer ? 'CISO_CONTRACT_URL' : 'the stand-in'})`, () => {
  it('health needs no token, but a wrong token is refused (401); the API needs the right one', async () => {
    expect((await raw('/api/health/', { token: null })).status).toBe(200);
    expect((await raw('/api/health/', { token: `wrong-${run}` })).status).toBe(401);
    expect((await raw('/api/folders/', { token: null })).status).toBe(401);
    const wrong = new CisoClient({ baseUrl: base, token: `not-the-token-${run}`, timeoutMs: 30_000 });
    const err = await rejection(wrong.ensureFolder(NAMES.folder, 'x'));
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect(err.message).not.toContain(`not-the-token-${run}`);
  });

  it('set-up twice finds what the first one made', async () => {
    expect(await client.ensureRegister(NAMES, MATRIX)).toEqual(register);
  });

  it('a name taken in its scope is a 400 with a list of strings for the field, not retried', async () => {
    const name = `Kinga contract treasury ${run}`;
    expect((await raw('/api/folders/', { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(201);
    const again = await raw('/api/folders/', { method: 'POST', body: JSON.stringify({ name: name.toUpperCase() }) });
    expect(again.status).toBe(400);
    expect(Array.isArray(again.body.name)).toBe(true);
    expect(again.body.name.every((m: unknown) => typeof m === 'string')).toBe(true);
    const err = await rejection(client.request('POST', '/folders/', { body: { name } }));
    expect(err).toMatchObject({ status: 400, retryable: false, nameTaken: true });
  });

  it('the same breach twice is one scenario, updated; a new breach is another', async () => {
    const name = `Kinga: contract breach ${run} (book)`;
    const first = await client.upsertRiskScenario(register.assessmentId, { name, description: 'LCR 0.85', probability: 2, impact: 3 });
    expect(first).toMatchObject({ created: true, treatment: 'open' });
    const second = await client.upsertRiskScenario(register.assessmentId, { name, description: 'LCR 0.50', probability: 4, impact: 4 });
    expect(second).toMatchObject({ id: first.id, created: false });
    const read = await raw(`/api/risk-scenarios/${first.id}/`);
    expect(read.body).toMatchObject({ description: 'LCR 0.50', current_proba: { value: 4 }, current_impact: { value: 4 } });
    const other = await client.upsertRiskScenario(register.assessmentId, { name: `${name} 2`, description: 'VaR', probability: 1, impact: 1 });
    expect(other.created).toBe(true);
    expect(other.id).not.toBe(first.id);
  });

  it('a breach that is over: the note goes into the scenario, which is closed ("cancelled") where the server has that treatment; the breach back opens it', async () => {
    const name = `Kinga: contract recovery ${run} (book)`;
    const raised = await client.upsertRiskScenario(register.assessmentId, { name, description: 'LCR 0.85', probability: 2, impact: 3 });
    const note = `Recovered as of 2031-01-16T09:00:00.000Z: contract ${run} is over, 1.250000 against the floor 1.0.`;
    const choices = await client.treatmentChoices();
    expect(choices).toEqual(expect.arrayContaining(['open', 'mitigate', 'accept', 'avoid', 'transfer']));
    const closable = choices.includes('cancelled'); // v3.16 and later
    const recovered = await client.recordRecovery(register.assessmentId, { name, note, close: true });
    expect(recovered).toMatchObject({ id: raised.id, treatment: closable ? 'cancelled' : 'open', closed: closable });
    const read = await raw(`/api/risk-scenarios/${raised.id}/`);
    expect(read.body).toMatchObject({ treatment: closable ? 'cancelled' : 'open', description: `LCR 0.85\n\n${note}` });
    const back = await client.upsertRiskScenario(register.assessmentId, { name, description: 'LCR 0.50', probability: 4, impact: 4 });
    expect(back).toMatchObject({ id: raised.id, treatment: 'open' });
    expect((await raw(`/api/risk-scenarios/${raised.id}/`)).body).toMatchObject({ treatment: 'open', description: 'LCR 0.50' });
  });

  it('parallel runs raising the same breach leave one scenario', async () => {
    const name = `Kinga: contract parallel ${run} (book)`;
    const results = await Promise.all([0, 1, 2].map(() => client.upsertRiskScenario(register.assessmentId, { name, description: 'p', probability: 1, impact: 1 })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await client.listAll('/risk-scenarios/', { risk_assessment: register.assessmentId, search: name })).toHaveLength(1);
  });

  it('list links next/previous are absolute URLs on the host the request came to', async () => {
    for (let i = 0; i < 3; i++) await client.upsertRiskScenario(register.assessmentId, { name: `Kinga: contract page ${run} ${i} (book)`, description: 'p', probability: 1, impact: 1 });
    const first = await raw(`/api/risk-scenarios/?risk_assessment=${register.assessmentId}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.previous).toBeNull();
    const next = new URL(first.body.next); // throws on a relative path
    expect(next.host).toBe(new URL(base).host);
    expect(next.pathname).toBe('/api/risk-scenarios/');
    const second = await raw(`${next.pathname}${next.search}`);
    const previous = new URL(second.body.previous);
    expect(previous.host).toBe(new URL(base).host);
  });

  it('a rated likelihood outside the matrix is a server error: Django’s HTML 500', async () => {
    const res = await raw('/api/risk-scenarios/', { method: 'POST', body: JSON.stringify({ name: `Kinga: contract out of range ${run}`, risk_assessment: register.assessmentId, current_proba: 7, current_impact: 1 }) });
    expect(res.status).toBe(500);
    expect(res.contentType).toMatch(/text\/html/);
  });

  it('a locked assessment refuses edits (400) and still accepts new scenarios; the client refuses to use it', async () => {
    const name = `Kinga contract locked ${run}`;
    const created = await raw('/api/risk-assessments/', { method: 'POST', body: JSON.stringify({ name, perimeter: register.perimeterId, risk_matrix: register.matrixId, version: '1.0' }) });
    expect(created.status).toBe(201);
    const assessmentId = created.body.id as string;
    const scenario = await client.upsertRiskScenario(assessmentId, { name: `Kinga: contract before lock ${run}`, description: 'x', probability: 1, impact: 1 });
    expect((await raw(`/api/risk-assessments/${assessmentId}/`, { method: 'PATCH', body: JSON.stringify({ is_locked: true }) })).status).toBe(200);
    expect((await raw(`/api/risk-assessments/${assessmentId}/`)).body.is_locked).toBe(true);

    expect((await raw(`/api/risk-scenarios/${scenario.id}/`, { method: 'PATCH', body: JSON.stringify({ description: 'edited' }) })).status).toBe(400);
    expect((await raw(`/api/risk-assessments/${assessmentId}/`, { method: 'PATCH', body: JSON.stringify({ description: 'edited' }) })).status).toBe(400);
    expect((await raw(`/api/risk-scenarios/${scenario.id}/`)).body.description).toBe('x');
    const added = await raw('/api/risk-scenarios/', { method: 'POST', body: JSON.stringify({ name: `Kinga: contract after lock ${run}`, risk_assessment: assessmentId }) });
    expect(added.status).toBe(201);

    const err = await rejection(client.ensureRiskAssessment(name, register.perimeterId, register.matrixId, 'x'));
    expect(err).toMatchObject({ retryable: false });
    expect(err.message).toMatch(/locked/);
  });
});
