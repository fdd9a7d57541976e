// A typed client for the part of Tazama that Kinga uses: the TMS (pacs.008 then pacs.002), the
// admin-service report by message id (200 found / 204 not yet) and, when configured, the
// auth-service login whose JWT every other call carries. Every call has a timeout; every failure
// is a TazamaError that says whether trying again can help. No credential or token ever appears
// in an error message.
import { decodeJwt } from 'jose';
import type { Pacs002, Pacs008 } from './messages';
import { PACS002_TYPE, PACS008_TYPE } from './messages';

export interface TazamaClientOptions {
  tmsUrl: string;
  adminUrl?: string;
  /** auth-service base URL; with it, username and password are required */
  authUrl?: string;
  username?: string;
  password?: string;
  requestTimeoutMs: number;
  /** for tests */
  fetch?: typeof fetch;
  now?: () => number;
}

export type TazamaErrorKind = 'http' | 'network' | 'timeout' | 'auth' | 'protocol';

export class TazamaError extends Error {
  override name = 'TazamaError';
  constructor(
    message: string,
    readonly kind: TazamaErrorKind,
    /** true when the same call may succeed later (5xx, network, timeout) */
    readonly retryable: boolean,
    readonly status: number | null = null,
    /** the response body, trimmed (never a request body: those may hold credentials) */
    readonly body: string | null = null,
  ) {
    super(message);
  }

  /** The TMS refused a message it already holds (raw_history's unique MsgId): it was accepted before. */
  get isDuplicate(): boolean {
    return this.status !== null && this.status >= 500 && /duplicate key|unique constraint|already exists/i.test(this.body ?? '');
  }
}

export interface TmsAccepted {
  message: string;
  /** the message as the TMS validated it (with TxTp added) */
  data: unknown;
}

export type ReportLookup = { found: false } | { found: true; document: unknown };

export interface TazamaClient {
  submitPacs008(message: Pacs008): Promise<TmsAccepted>;
  submitPacs002(message: Pacs002): Promise<TmsAccepted>;
  /** admin-service report for a pacs.002 MsgId; throws when no admin URL is configured */
  getReport(msgId: string): Promise<ReportLookup>;
  /** logs in now (normally done lazily); returns nothing so the token never leaves the client */
  login(): Promise<void>;
  readonly hasAdmin: boolean;
}

const MAX_BODY_IN_ERROR = 2_000;

/** A URL as it may appear in a message: no userinfo, no query string. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function trimBody(text: string): string {
  const t = text.trim();
  return t.length > MAX_BODY_IN_ERROR ? `${t.slice(0, MAX_BODY_IN_ERROR)}…` : t;
}

/** 5xx and the two 4xx that mean "not now" (408, 429) are worth retrying; other 4xx are not. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function createTazamaClient(options: TazamaClientOptions): TazamaClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const auth = options.authUrl ? { url: options.authUrl, username: options.username ?? '', password: options.password ?? '' } : null;
  if (auth && (!auth.username || !auth.password)) throw new Error('Tazama auth needs a username and a password');
  let token: { value: string; expiresAt: number } | null = null;
  let loggingIn: Promise<string> | null = null;

  async function call(what: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(options.requestTimeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new TazamaError(`${what}: no answer from ${safeUrl(url)} within ${options.requestTimeoutMs} ms`, 'timeout', true);
      }
      const code = e.cause?.code ? ` (${e.cause.code})` : '';
      throw new TazamaError(`${what}: ${safeUrl(url)} unreachable: ${e.message}${code}`, 'network', true);
    }
  }

  async function failure(what: string, url: string, res: Response, kind: TazamaErrorKind = 'http'): Promise<TazamaError> {
    const body = trimBody(await res.text().catch(() => ''));
    const retryable = retryableStatus(res.status);
    const k = res.status === 401 || res.status === 403 ? 'auth' : kind;
    return new TazamaError(`${what}: ${safeUrl(url)} answered ${res.status}${body ? `: ${body}` : ''}`, k, retryable, res.status, body || null);
  }

  async function fetchToken(): Promise<string> {
    const url = `${auth!.url}/v1/auth/login`;
    const res = await call('Tazama login', url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/plain, application/json' },
      body: JSON.stringify({ username: auth!.username, password: auth!.password }),
    });
    if (!res.ok) throw await failure('Tazama login', url, res, 'auth');
    // the auth-service answers with the token itself; tolerate it arriving as a JSON string
    let text = (await res.text()).trim();
    if (text.startsWith('"')) text = JSON.parse(text) as string;
    let expiresAt = now() + 60_000;
    try {
      const { exp, iat } = decodeJwt(text);
      // the token's lifetime (exp − iat) counted on our clock, so clock skew with Tazama cannot
      // make a fresh token look expired; without iat, exp as given
      if (typeof exp === 'number') expiresAt = typeof iat === 'number' ? now() + (exp - iat) * 1000 : exp * 1000;
    } catch {
      throw new TazamaError('Tazama login: the auth-service answered without a JWT', 'protocol', false, res.status);
    }
    // renew a little before expiry so a token never dies in flight
    token = { value: text, expiresAt: expiresAt - Math.min(30_000, Math.max(0, (expiresAt - now()) / 10)) };
    return text;
  }

  async function bearer(): Promise<Record<string, string>> {
    if (!auth) return {};
    if (!token || now() >= token.expiresAt) {
      loggingIn ??= fetchToken().finally(() => {
        loggingIn = null;
      });
      await loggingIn;
    }
    return { authorization: `Bearer ${token!.value}` };
  }

  /** One authenticated call; a 401 with a cached token logs in once more and repeats it. */
  async function authed(what: string, url: string, init: RequestInit): Promise<Response> {
    const res = await call(what, url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(await bearer()) } });
    if (res.status !== 401 || !auth) return res;
    await res.arrayBuffer().catch(() => undefined);
    token = null;
    return call(what, url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(await bearer()) } });
  }

  async function submit(type: string, message: unknown): Promise<TmsAccepted> {
    const url = `${options.tmsUrl}/v1/evaluate/iso20022/${type}`;
    const what = `Tazama TMS ${type}`;
    const res = await authed(what, url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(message) });
    if (!res.ok) throw await failure(what, url, res);
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { message?: unknown; data?: unknown };
      return { message: typeof body.message === 'string' ? body.message : '', data: body.data ?? null };
    } catch {
      throw new TazamaError(`${what}: ${safeUrl(url)} answered ${res.status} with a body that is not JSON: ${trimBody(text)}`, 'protocol', false, res.status, trimBody(text));
    }
  }

  return {
    hasAdmin: Boolean(options.adminUrl),
    submitPacs008: (message) => submit(PACS008_TYPE, message),
    submitPacs002: (message) => submit(PACS002_TYPE, message),
    async getReport(msgId) {
      if (!options.adminUrl) throw new Error('no Tazama admin-service URL configured');
      const url = `${options.adminUrl}/v1/admin/reports/getreportbymsgid?msgid=${encodeURIComponent(msgId)}`;
      const what = 'Tazama admin report';
      const res = await authed(what, url, { method: 'GET', headers: { accept: 'application/json' } });
      if (res.status === 204) {
        await res.arrayBuffer().catch(() => undefined);
        return { found: false };
      }
      if (!res.ok) throw await failure(what, url, res);
      const text = await res.text();
      try {
        return { found: true, document: JSON.parse(text) as unknown };
      } catch {
        throw new TazamaError(`${what}: ${safeUrl(url)} answered ${res.status} with a body that is not JSON: ${trimBody(text)}`, 'protocol', false, res.status, trimBody(text));
      }
    },
    async login() {
      if (!auth) return;
      token = null;
      await bearer();
    },
  };
}
