// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import App from '../../App.vue';
import type { CaseListItem } from '../../api';
import { createKinga } from '../../setup';

function caseRow(id: number, level: CaseListItem['risk_level']): CaseListItem {
  return {
    id,
    transaction_ref: `TX-${id}`,
    risk_level: level,
    status: 'assigned',
    required_role: level === 'high' ? 'senior_analyst' : 'analyst',
    assignee: null,
    sla_due_at: new Date(Date.now() + 3_600_000).toISOString(),
    opened_at: new Date().toISOString(),
    amount: '12500000.00',
    channel: 'online',
    customer_id: `C-${id}`,
    risk_score: '0.8125',
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
    expect(wrapper.text()).not.toContain('Loading cases');
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
    expect(rows[0]!.text()).toContain('Senior analyst');
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

    await wrapper.get('#filter-level').setValue('high');
    await wrapper.get('#filter-status').setValue('open');
    await vi.waitFor(async () => {
      await flushPromises();
      expect(kinga.router.currentRoute.value.query).toEqual({ level: 'high', status: 'open' });
    });
    await vi.waitFor(() => expect(fetchMock).toHaveBeenLastCalledWith('/api/cases?status=open&level=high&limit=25&offset=0', expect.anything()));
    wrapper.unmount();
  });
});
