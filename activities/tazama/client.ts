// A typed client for the part of Tazama that Kinga uses: the TMS (pacs.008 then pacs.002), the
// admin-service report by message id (200 found / 204 not yet) and, when configured, the
// auth-service login whose JWT every other call carries. A thin adapter on the shared vendor HTTP
// core (../vendorHttp.ts: timeout, retry classification, scrubbing); every failure is a
// TazamaError. No credential or token ever appears in an error message.
import { decodeJwt } from 'jose';
import { createVendorHttp, safeUrl, VendorHttpError, type VendorAnswer, type VendorErrorCode } from '../vendorHttp';
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

export type TazamaErrorKind = VendorErrorCode;

/** A failed Tazama call: the shared vendor error (code, status, retryable, scrubbed body). */
export class TazamaError extends VendorHttpError {
  override name = 'TazamaError';

  /** what went wrong: 'http', 'network', 'timeout', 'auth', 'protocol' (the shared error's code) */
  get kind(): TazamaErrorKind {
    return this.code;
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

export function createTazamaClient(options: TazamaClientOptions): TazamaClient {
  const now = options.now ?? Date.now;
  const auth = options.authUrl ? { url: options.authUrl, username: options.username ?? '', password: options.password ?? '' } : null;
  if (auth && (!auth.username || !auth.password)) throw new Error('Tazama auth needs a username and a password');
  let token: { value: string; expiresAt: number } | null = null;
  let loggingIn: Promise<string> | null = null;

  const http = createVendorHttp({
    timeoutMs: options.requestTimeoutMs,
    // a request body may carry the password; an answer may echo the token
    secrets: [auth?.password],
    ...(options.fetch ? { fetch: options.fetch } : {}),
    error: (message, fields) => new TazamaError(message, fields),
  });
  const call = (what: string, url: string, init: RequestInit) => http.exchange(`${what} ${safeUrl(url)}`, url, init);
  const failure = (what: string, url: string, answer: VendorAnswer) => http.failure(`${what} ${safeUrl(url)}`, answer);
  const json = <T>(what: string, url: string, answer: VendorAnswer) => http.json<T>(`${what} ${safeUrl(url)}`, answer);

  async function fetchToken(): Promise<string> {
    const url = `${auth!.url}/v1/auth/login`;
    const res = await call('Tazama login', url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/plain, application/json' },
      body: JSON.stringify({ username: auth!.username, password: auth!.password }),
    });
    if (!res.ok) {
      const err = failure('Tazama login', url, res);
      throw http.error(err.message, { code: 'auth', status: err.status, retryable: err.retryable, body: err.body });
    }
    // the auth-service answers with the token itself; tolerate it arriving as a JSON string
    let text = res.text.trim();
    if (text.startsWith('"')) text = JSON.parse(text) as string;
    let expiresAt = now() + 60_000;
    try {
      const { exp, iat } = decodeJwt(text);
      // the token's lifetime (exp − iat) counted on our clock, so clock skew with Tazama cannot
      // make a fresh token look expired; without iat, exp as given
      if (typeof exp === 'number') expiresAt = typeof iat === 'number' ? now() + (exp - iat) * 1000 : exp * 1000;
    } catch {
      throw http.error('Tazama login: the auth-service answered without a JWT', { code: 'protocol', status: res.status, retryable: false, body: null });
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
  async function authed(what: string, url: string, init: RequestInit): Promise<VendorAnswer> {
    const res = await call(what, url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(await bearer()) } });
    if (res.status !== 401 || !auth) return res;
    token = null;
    return call(what, url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(await bearer()) } });
  }

  async function submit(type: string, message: unknown): Promise<TmsAccepted> {
    const url = `${options.tmsUrl}/v1/evaluate/iso20022/${type}`;
    const what = `Tazama TMS ${type}`;
    const res = await authed(what, url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(message) });
    if (!res.ok) throw failure(what, url, res);
    const body = json<{ message?: unknown; data?: unknown }>(what, url, res);
    return { message: typeof body.message === 'string' ? body.message : '', data: body.data ?? null };
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
      if (res.status === 204) return { found: false };
      if (!res.ok) throw failure(what, url, res);
      return { found: true, document: json<unknown>(what, url, res) };
    },
    async login() {
      if (!auth) return;
      token = null;
      await bearer();
    },
  };
}
