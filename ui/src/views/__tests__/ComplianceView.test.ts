// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import App from '../../App.vue';
import type { DecisionPath, ReplayReport, Role } from '../../api';
import { createKinga } from '../../setup';

const REF = 'TX-77';

const decisionPath: DecisionPath = {
  workflowId: `txn-${REF}`,
  runId: 'run-1',
  workflowType: 'transactionLifecycle',
  transactionRef: REF,
  taskQueue: 'kinga-lifecycle',
  startedAt: '2026-11-25T07:00:00.000Z',
  closedAt: '2026-11-25T07:20:00.000Z',
  complete: true,
  eventCount: 31,
  score: { score: 0.55, level: 'medium', modelVersion: 'rules-v3' },
  outcome: { status: 'approved', stage: 'closed', caseId: 12, decision: 'approve', decidedBy: 'amina', decidedAt: '2026-11-25T07:19:58.000Z', note: 'customer confirmed by phone' },
  steps: [
    { eventId: 1, eventType: 'WorkflowExecutionStarted', at: '2026-11-25T07:00:00.000Z', kind: 'workflow_started', title: `lifecycle of ${REF} started`, lines: [], data: {} },
    {
      eventId: 11,
      eventType: 'MarkerRecorded',
      at: '2026-11-25T07:00:01.000Z',
      kind: 'scored',
      title: 'score 0.55 → medium risk (model rules-v3)',
      lines: ['+ location  +0.25  London, GB', '+ amount    +0.20  1,500,000.00 KES'],
      data: { score: 0.55 },
    },
    {
      eventId: 24,
      eventType: 'WorkflowExecutionUpdateCompleted',
      at: '2026-11-25T07:19:58.000Z',
      kind: 'decision_update',
      title: 'approve by amina (analyst) — "customer confirmed by phone"',
      lines: [],
      data: { decision: 'approve' },
    },
  ],
};

const replayReport: ReplayReport = {
  source: { kind: 'cluster', workflowId: `txn-${REF}` },
  replay: { verdict: 'deterministic', workflowId: `txn-${REF}`, runId: 'run-1', workflowType: 'transactionLifecycle', eventCount: 31, durationMs: 120 },
  decisionPath,
};

function respond(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const noDecisions = { from: '2026-11-19T00:00:00.000Z', to: '2026-11-26T00:00:00.000Z', count: 0, truncated: false, offset: 0, total: 0, decisions: [] };

/** The compliance API as the page meets it; `overrides` answers chosen requests differently. */
function complianceApi(overrides: (url: string, init?: RequestInit) => Response | undefined = () => undefined) {
  return vi.fn(async (url: string, init?: RequestInit) => {
    const special = overrides(url, init);
    if (special) return special;
    if (url.startsWith('/api/compliance/decisions')) return respond(200, noDecisions);
    if (url === `/api/compliance/transactions/${REF}/decision-path`) return respond(200, decisionPath);
    if (url.startsWith('/api/compliance/transactions/')) return respond(404, { error: 'not_found', message: 'no workflow txn-UNKNOWN-1 on the cluster' });
    if (url === '/api/compliance/replay') return respond(200, replayReport);
    return respond(404, { error: 'not_found', message: `unexpected ${url}` });
  });
}

let wrapper: VueWrapper | undefined;

function signInAs(role: Role): void {
  sessionStorage.setItem('kinga.session', JSON.stringify({ token: 't', user: { username: 'chebet', displayName: 'Chebet Kiprono', role }, expiresAt: Date.now() + 3_600_000 }));
}

async function openCompliance(fetchMock: ReturnType<typeof vi.fn>, path = '/compliance') {
  vi.stubGlobal('fetch', fetchMock);
  const kinga = createKinga(createMemoryHistory());
  wrapper = mount(App, { global: { plugins: [kinga] }, attachTo: document.body });
  await kinga.router.push(path);
  await vi.waitFor(async () => {
    await flushPromises();
    expect(wrapper!.find('#compliance-title').exists()).toBe(true);
  });
  return { kinga, wrapper };
}

const settle = (check: () => void) =>
  vi.waitFor(async () => {
    await flushPromises();
    check();
  });

beforeEach(() => signInAs('compliance'));

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('ComplianceView', () => {
  it('is in the navigation for compliance only; other roles are sent home', async () => {
    const { kinga, wrapper: w } = await openCompliance(complianceApi());
    expect(w.get('nav[aria-label="Main"]').text()).toContain('Compliance');
    expect(kinga.router.currentRoute.value.name).toBe('compliance');
    w.unmount();
    wrapper = undefined;

    signInAs('admin');
    vi.stubGlobal('fetch', complianceApi());
    const other = createKinga(createMemoryHistory());
    wrapper = mount(App, { global: { plugins: [other] } });
    await other.router.push('/compliance');
    await flushPromises();
    expect(other.router.currentRoute.value.name).toBe('home');
    expect(wrapper.get('nav[aria-label="Main"]').text()).not.toContain('Compliance');
  });

  it('searches a transaction, shows its timeline with the decision and its actor, and replays it to a deterministic verdict', async () => {
    const fetchMock = complianceApi();
    const { kinga, wrapper: w } = await openCompliance(fetchMock);
    expect(w.get('[data-testid="compliance-empty"]').text()).toContain('Search a transaction');

    await w.get('#compliance-ref').setValue(`  ${REF} `);
    await w.get('form[role="search"]').trigger('submit');
    await settle(() => expect(w.findAll('[data-testid="decision-step"]')).toHaveLength(3));
    expect(kinga.router.currentRoute.value.query).toEqual({ ref: REF });
    expect(fetchMock).toHaveBeenCalledWith(`/api/compliance/transactions/${REF}/decision-path`, expect.objectContaining({ headers: expect.objectContaining({ Authorization: 'Bearer t' }) }));

    const steps = w.findAll('[data-testid="decision-step"]');
    expect(steps[1]!.text()).toContain('score 0.55 → medium risk');
    expect(steps[1]!.get('.step-lines').text()).toContain('+ location  +0.25  London, GB');
    expect(steps[1]!.get('time').attributes('datetime')).toBe('2026-11-25T07:00:01.000Z');
    expect(steps[2]!.attributes('data-kind')).toBe('decision_update');
    expect(steps[2]!.text()).toContain('approve by amina (analyst)');
    expect(w.get('[data-testid="decision-outcome"]').text()).toContain('Approved — Approve by amina');
    expect(w.get('[data-testid="decision-actor"]').text()).toBe('amina');
    expect(w.get('[data-testid="decision-outcome"]').text()).toContain('customer confirmed by phone');

    await w.get('[data-testid="replay-transaction"]').trigger('click');
    await settle(() => expect(w.find('[data-testid="replay-verdict"]').exists()).toBe(true));
    expect(w.get('[data-testid="replay-verdict"]').attributes('data-verdict')).toBe('deterministic');
    const replayCall = fetchMock.mock.calls.find(([url]) => url === '/api/compliance/replay')!;
    expect(JSON.parse(String(replayCall[1]!.body))).toEqual({ transactionRef: REF });
  });

  it('checks the reference before asking, and says when no workflow is known for it', async () => {
    const fetchMock = complianceApi();
    const { wrapper: w } = await openCompliance(fetchMock);
    const before = fetchMock.mock.calls.length;
    await w.get('#compliance-ref').setValue('not a ref!');
    await w.get('form[role="search"]').trigger('submit');
    expect(w.get('#compliance-ref-problem').text()).toContain('1–64 characters');
    expect(w.get('#compliance-ref').attributes('aria-invalid')).toBe('true');
    expect(fetchMock.mock.calls.length).toBe(before);

    await w.get('#compliance-ref').setValue('UNKNOWN-1');
    await w.get('form[role="search"]').trigger('submit');
    await settle(() => expect(w.find('[data-testid="path-error"]').exists()).toBe(true));
    expect(w.get('[data-testid="path-error"]').text()).toBe('No workflow history was found for UNKNOWN-1: no workflow txn-UNKNOWN-1 on the cluster');
    expect(w.find('#compliance-ref-problem').exists()).toBe(false);
  });

  it('opens the transaction named in the URL, and shows the API message when a replay fails', async () => {
    const fetchMock = complianceApi((url) => (url === '/api/compliance/replay' ? respond(503, { error: 'unavailable', message: 'Temporal did not answer: deadline exceeded' }) : undefined));
    const { wrapper: w } = await openCompliance(fetchMock, `/compliance?ref=${REF}`);
    await settle(() => expect(w.findAll('[data-testid="decision-step"]')).toHaveLength(3));
    expect((w.get('#compliance-ref').element as HTMLInputElement).value).toBe(REF);
    await w.get('[data-testid="replay-transaction"]').trigger('click');
    await settle(() => expect(w.find('[data-testid="replay-error"]').exists()).toBe(true));
    expect(w.get('[data-testid="replay-error"]').text()).toBe('The replay failed: Temporal did not answer: deadline exceeded');
  });

  it('replays an uploaded history file as text, and shows the API’s complaint about a corrupt one', async () => {
    const fetchMock = complianceApi((url, init) => {
      if (url !== '/api/compliance/replay') return undefined;
      const body = JSON.parse(String(init?.body)) as { historyText: string; name: string };
      return body.historyText === '{"events":[]}'
        ? respond(200, { ...replayReport, source: { kind: 'file', name: body.name } })
        : respond(400, { error: 'invalid_request', message: 'history file broken.json is not JSON: Unexpected token', field: 'history' });
    });
    const { wrapper: w } = await openCompliance(fetchMock);
    const input = w.get('#history-file');
    const choose = async (file: File) => {
      Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
      await input.trigger('change');
    };

    await choose(new File(['{"events": [oops'], 'broken.json', { type: 'application/json' }));
    await settle(() => expect(w.find('[data-testid="file-error"]').exists()).toBe(true));
    expect(w.get('[data-testid="file-error"]').text()).toBe('broken.json could not be replayed: history file broken.json is not JSON: Unexpected token');
    expect(w.get('[data-testid="file-error"]').attributes('role')).toBe('alert');

    await choose(new File(['{"events":[]}'], 'good.json', { type: 'application/json' }));
    await settle(() => expect(w.find('[data-testid="replay-verdict"]').exists()).toBe(true));
    expect(w.get('[data-testid="replay-verdict"]').text()).toContain('the history file good.json');
    const sent = fetchMock.mock.calls.filter(([url]) => url === '/api/compliance/replay').map(([, init]) => JSON.parse(String(init!.body)));
    expect(sent).toEqual([
      { historyText: '{"events": [oops', name: 'broken.json' },
      { historyText: '{"events":[]}', name: 'good.json' },
    ]);
  });

  it('lists the decisions of a date range in the bank’s time zone and opens one', async () => {
    const decision = {
      eventId: 5,
      occurredAt: '2026-11-25T07:19:58.000Z',
      transactionRef: REF,
      caseId: 12,
      decision: 'approve',
      eventType: 'approved',
      actor: 'amina',
      actorRole: 'analyst',
      note: 'customer confirmed by phone',
      requested: null,
      reason: null,
      amount: '1500000.00',
      currency: 'KES',
      riskLevel: 'medium',
      riskScore: '0.5500',
      escalationLevel: null,
      transactionStatus: 'approved',
      workflowId: `txn-${REF}`,
    };
    const fetchMock = complianceApi((url) =>
      url.startsWith('/api/compliance/decisions?') ? respond(200, { ...noDecisions, count: 1, total: 1, decisions: [decision] }) : undefined,
    );
    const { kinga, wrapper: w } = await openCompliance(fetchMock);
    await w.get('#decisions-from').setValue('2026-11-20');
    await w.get('#decisions-to').setValue('2026-11-25');
    await w.get('[data-testid="decisions-form"]').trigger('submit');
    await settle(() =>
      expect(fetchMock).toHaveBeenLastCalledWith(
        `/api/compliance/decisions?from=${encodeURIComponent('2026-11-20T00:00:00+03:00')}&to=${encodeURIComponent('2026-11-26T00:00:00+03:00')}&limit=50&offset=0`,
        expect.anything(),
      ),
    );
    const row = w.get(`[data-testid="decisions-table"] tr[data-ref="${REF}"]`);
    expect(row.text()).toContain('Approve');
    expect(row.text()).toContain('amina (Analyst)');
    expect(row.text()).toContain('customer confirmed by phone');
    expect(w.get('[data-testid="decisions-table"] caption').text()).toContain('Decisions 1–1 of 1');
    expect(w.get('[data-testid="decisions-next"]').attributes('disabled')).toBeDefined();

    await row.get('button').trigger('click');
    await settle(() => expect(kinga.router.currentRoute.value.query).toEqual({ ref: REF }));
    await settle(() => expect(w.findAll('[data-testid="decision-step"]')).toHaveLength(3));

    await w.get('#decisions-from').setValue('2026-11-26');
    await w.get('[data-testid="decisions-form"]').trigger('submit');
    await flushPromises();
    expect(w.text()).toContain('The end date must not be before the start date.');
  });
});
