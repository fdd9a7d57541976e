// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import App from '../../App.vue';
import LoginForm from '../../components/LoginForm.vue';
import { createKinga, type KingaPlugin } from '../../setup';
import { SESSION_EXPIRED_NOTICE } from '../../stores/auth';

type Answer = { status: number; body: unknown };
type FetchMock = ReturnType<typeof vi.fn<(url: string, init?: RequestInit) => Promise<Response>>>;

/** A fetch stand-in answering by path; anything unexpected is a 404 in the API's error format. */
function stubApi(answers: Record<string, Answer | ((init?: RequestInit) => Answer)>): FetchMock {
  const fetchMock: FetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const path = url.split('?')[0] ?? url;
    const entry = answers[path];
    const answer = typeof entry === 'function' ? entry(init) : (entry ?? { status: 404, body: { error: 'not_found', message: `no route ${path}` } });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const healthy: Answer = { status: 200, body: { status: 'ok' } };

let wrapper: VueWrapper | undefined;

async function mountApp(path: string): Promise<{ kinga: KingaPlugin; wrapper: VueWrapper }> {
  const kinga = createKinga(createMemoryHistory());
  wrapper = mount(App, { global: { plugins: [kinga] }, attachTo: document.body });
  await kinga.router.push(path);
  await kinga.router.isReady();
  await flushPromises();
  return { kinga, wrapper };
}

async function settle(check: () => void): Promise<void> {
  await vi.waitFor(async () => {
    await flushPromises();
    check();
  });
}

async function fillAndSubmit(w: VueWrapper, username: string, password: string): Promise<void> {
  await w.get('#login-username').setValue(username);
  await w.get('#login-password').setValue(password);
  await w.get('form.login-form').trigger('submit');
}

beforeEach(() => {
  sessionStorage.clear();
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  vi.unstubAllGlobals();
});

describe('LoginForm', () => {
  it('emits the typed credentials, with the username trimmed', async () => {
    const form = mount(LoginForm);
    await form.get('#login-username').setValue('  amina ');
    await form.get('#login-password').setValue(' pass word ');
    await form.get('form').trigger('submit');
    expect(form.emitted('submit')).toEqual([[{ username: 'amina', password: ' pass word ' }]]);
  });

  it('labels its inputs and shows an error as an alert', () => {
    const form = mount(LoginForm, { props: { error: 'Invalid username or password' } });
    expect(form.get('label[for="login-username"]').text()).toBe('Username');
    expect(form.get('label[for="login-password"]').text()).toBe('Password');
    expect(form.get('[role="alert"]').text()).toBe('Invalid username or password');
  });
});

describe('LoginView', () => {
  it('posts the typed credentials and shows the API refusal message', async () => {
    const fetchMock = stubApi({
      '/api/auth/login': { status: 401, body: { error: 'unauthorized', message: 'Invalid username or password' } },
    });
    const { kinga, wrapper: w } = await mountApp('/login');

    await fillAndSubmit(w, 'amina', 'wrong-password');
    await settle(() => expect(w.find('[role="alert"]').exists()).toBe(true));

    expect(w.get('[role="alert"]').text()).toBe('Invalid username or password');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/auth/login');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ username: 'amina', password: 'wrong-password' });
    expect((init?.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(kinga.router.currentRoute.value.name).toBe('login');
    expect(sessionStorage.getItem('kinga.session')).toBeNull();
  });

  it('signs in, returns to the requested page and shows the role', async () => {
    const fetchMock = stubApi({
      '/api/auth/login': {
        status: 200,
        body: { token: 'jwt-1', user: { username: 'baraka', displayName: 'Baraka Otieno', role: 'senior_analyst' }, expiresAt: inAnHour() },
      },
      '/api/cases': { status: 200, body: { items: [], total: 0, limit: 25, offset: 0 } },
      '/healthz': healthy,
    });
    const { kinga, wrapper: w } = await mountApp('/cases?level=high');
    expect(kinga.router.currentRoute.value.name).toBe('login');

    await fillAndSubmit(w, 'baraka', 'correct horse');
    await settle(() => expect(kinga.router.currentRoute.value.name).toBe('case-queue'));

    expect(kinga.router.currentRoute.value.query).toEqual({ level: 'high' });
    expect(w.get('[data-testid="header-role"]').text()).toBe('Senior analyst');
    await settle(() => expect(w.text()).toContain('No cases match these filters.'));
    const casesCall = fetchMock.mock.calls.find(([url]) => url.startsWith('/api/cases'));
    // the queue shows open cases unless asked otherwise
    expect(casesCall?.[0]).toBe('/api/cases?status=open&level=high&limit=25&offset=0');
    expect((casesCall?.[1]?.headers as Record<string, string>).Authorization).toBe('Bearer jwt-1');
    expect(JSON.parse(sessionStorage.getItem('kinga.session') ?? 'null')).toMatchObject({ token: 'jwt-1' });
  });

  it('sends the user back to sign in, with a message, when the API says the session expired', async () => {
    sessionStorage.setItem(
      'kinga.session',
      JSON.stringify({ token: 'old', user: { username: 'amina', displayName: 'Amina Wanjiru', role: 'analyst' }, expiresAt: Date.now() + 60_000 }),
    );
    stubApi({
      '/api/cases': { status: 401, body: { error: 'unauthorized', message: 'token expired' } },
      '/healthz': healthy,
    });
    const { kinga, wrapper: w } = await mountApp('/cases');

    await settle(() => expect(kinga.router.currentRoute.value.name).toBe('login'));
    await settle(() => expect(w.text()).toContain(SESSION_EXPIRED_NOTICE));
    expect(kinga.router.currentRoute.value.query).toEqual({ redirect: '/cases' });
    expect(w.find('[data-testid="header-role"]').exists()).toBe(false);
    expect(sessionStorage.getItem('kinga.session')).toBeNull();
  });

  it('does not restore a session whose time is up', async () => {
    sessionStorage.setItem(
      'kinga.session',
      JSON.stringify({ token: 'old', user: { username: 'amina', displayName: 'Amina Wanjiru', role: 'analyst' }, expiresAt: Date.now() - 1000 }),
    );
    const fetchMock = stubApi({ '/healthz': healthy });
    const { kinga, wrapper: w } = await mountApp('/');

    expect(kinga.router.currentRoute.value.name).toBe('login');
    expect(w.text()).toContain(SESSION_EXPIRED_NOTICE);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
