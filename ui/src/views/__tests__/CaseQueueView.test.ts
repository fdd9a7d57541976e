// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import App from '../../App.vue';
import type { CaseListItem } from '../../api';
import { createKinga } from '../../setup';

/** A queue row as GET /api/cases answers it to analyst amina (permissions as the server computes them). */
function caseRow(id: number, level: CaseListItem['riskLevel'], assignee: string | null = null): CaseListItem {
  const opened = new Date().toISOString();
  const mayTake = level !== 'high' && assignee === null;
  return {
    id,
    transactionRef: `TX-${id}`,
    workflowId: `txn-TX-${id}`,
    riskLevel: level,
    status: 'assigned',
    requiredRole: level === 'high' ? 'senior_analyst' : 'analyst',
    assignee,
    escalationLevel: 0,
    escalatedBy: [],
    slaDueAt: new Date(Date.now() + 3_600_000).toISOString(),
    decision: null,
    decidedBy: null,
    decisionNote: null,
    decidedAt: null,
    openedAt: opened,
    updatedAt: opened,
    ballerineWorkflowId: null,
    permissions: {
      maySendDecision: true,
      mayDecide: level !== 'high',
      whyNotDecide: level === 'high' ? 'role analyst may not decide this case: it needs senior_analyst (risk high, escalation level 0)' : null,
      mayTake,
      whyNotTake: mayTake ? null : level === 'high' ? `role analyst may not take case ${id}: it needs senior_analyst` : `case ${id} is already taken by ${assignee}`,
      mayRelease: false,
    },
    customerId: `C-${id}`,
    accountId: `A-${id}`,
    amount: '12500000.00',
    currency: 'KES',
    type: 'transfer',
    channel: 'online',
    merchantName: null,
    city: 'Nairobi',
    country: 'KE',
    occurredAt: opened,
    riskScore: '0.8125',
    transactionStatus: 'held',
  };
}

function respond(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

async function openQueue(fetchMock: ReturnType<typeof vi.fn>) {
  vi.stubGlobal('fetch', fetchMock);
  const kinga = createKinga(createMemoryHistory());
  const wrapper = mount(App, { global: { plugins: [kinga] } });
  await kinga.router.push('/cases');
  await vi.waitFor(async () => {
    await flushPromises();
    expect(wrapper.find('[role="status"], [role="alert"], table').exists()).toBe(true);
    expect(wrapper.text()).not.toContain('Loading the case queue');
  });
  return { kinga, wrapper };
}

beforeEach(() => {
  sessionStorage.setItem(
    'kinga.session',
    JSON.stringify({ token: 't', user: { username: 'amina', displayName: 'Amina Wanjiru', role: 'analyst' }, expiresAt: Date.now() + 3_600_000 }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('CaseQueueView', () => {
  it('lists cases with their risk level as coloured, labelled badges', async () => {
    const fetchMock = vi.fn(async () => respond(200, { items: [caseRow(7, 'high'), caseRow(8, 'medium')], total: 2, limit: 25, offset: 0 }));
    const { wrapper } = await openQueue(fetchMock);

    const rows = wrapper.findAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.classes()).toContain('row-high');
    expect(rows[0]!.get('.risk-badge').text()).toBe('High');
    expect(rows[0]!.get('.risk-badge').classes()).toContain('risk-high');
    expect(rows[1]!.get('.risk-badge').text()).toBe('Medium');
    expect(rows[0]!.text()).toContain('TX-7');
    expect(rows[0]!.text()).toContain('needs senior analyst');
    expect(wrapper.get('caption').text()).toContain('1–2 of 2');
    wrapper.unmount();
  });

  it('shows the API error message and retries on request', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(respond(400, { error: 'invalid_request', message: 'limit: must be at most 200', field: 'limit' }))
      .mockResolvedValueOnce(respond(200, { items: [], total: 0, limit: 25, offset: 0 }));
    const { wrapper } = await openQueue(fetchMock);

    expect(wrapper.get('[role="alert"]').text()).toContain('limit: must be at most 200');
    await wrapper.get('[role="alert"] button').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.text()).toContain('No cases match these filters.');
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    wrapper.unmount();
  });

  it('puts a changed filter into the URL and asks the API for it', async () => {
    const fetchMock = vi.fn(async () => respond(200, { items: [], total: 0, limit: 25, offset: 0 }));
    const { kinga, wrapper } = await openQueue(fetchMock);
    // open cases are the default: the first request already asks for them
    expect(fetchMock).toHaveBeenCalledWith('/api/cases?status=open&limit=25&offset=0', expect.anything());

    await wrapper.get('#filter-level').setValue('high');
    await wrapper.get('#filter-status').setValue('escalated');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toEqual({ level: 'high', status: 'escalated' });
    });
    await vi.waitFor(() => expect(fetchMock).toHaveBeenLastCalledWith('/api/cases?status=escalated&level=high&limit=25&offset=0', expect.anything()));

    await wrapper.get('#filter-status').setValue('all');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toEqual({ level: 'high', status: 'all' });
    });
    // "all" is the absence of a status filter for the API
    await vi.waitFor(() => expect(fetchMock).toHaveBeenLastCalledWith('/api/cases?level=high&limit=25&offset=0', expect.anything()));
    wrapper.unmount();
  });

  it('filters by channel, assignee, age and SLA, each kept in the URL', async () => {
    const fetchMock = vi.fn(async () => respond(200, { items: [], total: 0, limit: 25, offset: 0 }));
    const { kinga, wrapper } = await openQueue(fetchMock);

    await wrapper.get('#filter-channel').setValue('online');
    await wrapper.get('#filter-assignee').setValue('none');
    await wrapper.get('#filter-age').setValue('240');
    await wrapper.get('#filter-sla').setValue('overdue');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toEqual({ channel: 'online', assignee: 'none', minAgeMinutes: '240', overdue: 'true' });
    });
    await vi.waitFor(() =>
      expect(fetchMock).toHaveBeenLastCalledWith('/api/cases?status=open&assignee=none&channel=online&minAgeMinutes=240&overdue=true&limit=25&offset=0', expect.anything()),
    );

    await wrapper.get('#filter-sla').setValue('60');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toMatchObject({ slaWithinMinutes: '60' });
      expect(kinga.router.currentRoute.value.query.overdue).toBeUndefined();
    });
    wrapper.unmount();
  });

  it('sorts by a column header, flipping the direction on a second click, and goes back to the first page', async () => {
    const fetchMock = vi.fn(async () => respond(200, { items: [caseRow(7, 'high'), caseRow(8, 'medium')], total: 60, limit: 25, offset: 0 }));
    const { kinga, wrapper } = await openQueue(fetchMock);

    await wrapper.get('.pager button:last-child').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toEqual({ offset: '25' });
    });

    const amountHeader = () => wrapper.findAll('th').find((th) => th.text().startsWith('Amount'))!;
    expect(amountHeader().attributes('aria-sort')).toBe('none');
    await amountHeader().get('button').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toEqual({ sort: 'amount', dir: 'desc' });
    });
    await vi.waitFor(() => expect(fetchMock).toHaveBeenLastCalledWith('/api/cases?status=open&sort=amount&dir=desc&limit=25&offset=0', expect.anything()));
    expect(amountHeader().attributes('aria-sort')).toBe('descending');

    await amountHeader().get('button').trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toEqual({ sort: 'amount', dir: 'asc' });
    });
    expect(amountHeader().attributes('aria-sort')).toBe('ascending');
    wrapper.unmount();
  });

  it('offers "Take" only on the cases the server says the caller may take (open, unassigned, role enough), and shows who holds a case when taking fails', async () => {
    const held = { ...caseRow(9, 'medium') };
    const rows = [caseRow(7, 'high'), caseRow(8, 'medium'), caseRow(10, 'medium', 'juma')];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/cases/8/assignment' && init?.method === 'POST') {
        return respond(409, { error: 'conflict', message: 'case 8 is already taken by juma', field: 'assignee' });
      }
      return respond(200, { items: [...rows, held].slice(0, 3), total: 3, limit: 25, offset: 0 });
    });
    const { wrapper } = await openQueue(fetchMock);

    const takeButtons = wrapper.findAll('[data-testid="take-case"]');
    // the analyst may not take the high case (7); case 10 is held by juma
    expect(takeButtons.map((b) => b.attributes('aria-label'))).toEqual(['Take case 8']);
    expect(wrapper.get('tr[data-case-id="10"]').text()).toContain('juma');

    await takeButtons[0]!.trigger('click');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(wrapper.get('[data-testid="queue-notice"]').text()).toBe('Case #8 could not be taken: case 8 is already taken by juma');
    });
    expect(wrapper.get('[data-testid="queue-notice"]').attributes('role')).toBe('alert');
    wrapper.unmount();
  });
});
