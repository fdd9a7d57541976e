// The one HTTP core under every vendor client (Ballerine, Tazama, CISO Assistant, the notification
// webhook): one timeout per exchange (the body included), one retry classification (no answer,
// 5xx, 408 and 429 may succeed later; any other 4xx will not), one error type with a code, and
// secrets scrubbed from every message and body it carries. Vendor clients stay thin adapters:
// their paths, headers and what their answers mean.

export type VendorErrorCode =
  /** no answer within the timeout */
  | 'timeout'
  /** no answer at all: refused, reset, DNS */
  | 'network'
  /** an answer outside 2xx */
  | 'http'
  /** 401 / 403: the credentials are wrong or lack a right */
  | 'auth'
  /** 3xx: a vendor API never redirects Kinga's calls; the base URL or a path is wrong */
  | 'redirect'
  /** an answer Kinga cannot read (not JSON, a missing field) */
  | 'protocol';

export interface VendorErrorFields {
  code: VendorErrorCode;
  /** the HTTP status, or null when no answer came */
  status: number | null;
  /** the same call may succeed later */
  retryable: boolean;
  /** the answer's body, scrubbed and cut short, when there was one */
  body: string | null;
}

export class VendorHttpError extends Error {
  override name = 'VendorHttpError';
  readonly code: VendorErrorCode;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly body: string | null;

  constructor(message: string, fields: VendorErrorFields) {
    super(message);
    this.code = fields.code;
    this.status = fields.status;
    this.retryable = fields.retryable;
    this.body = fields.body;
  }
}

/** The server's trouble or "not now" (5xx, 408, 429), not the request's. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** A URL as it may appear in a message: no userinfo, no query string. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export interface VendorAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  /** the body, secrets scrubbed */
  text: string;
}

export interface VendorHttpOptions<E extends VendorHttpError> {
  timeoutMs: number;
  /** credentials that must never show in a message or a body Kinga keeps (shorter than 4 characters: not scrubbed) */
  secrets: readonly (string | undefined)[];
  /** for tests; the global fetch otherwise */
  fetch?: typeof fetch;
  /** bodies in messages are cut to this many characters (default 2,000) */
  maxBody?: number;
  /** the vendor's own error class (a VendorHttpError); VendorHttpError itself otherwise */
  error?: (message: string, fields: VendorErrorFields) => E;
}

export interface VendorHttp<E extends VendorHttpError> {
  scrub(text: string): string;
  /** `text` cut to the message length, with an ellipsis when cut */
  excerpt(text: string): string;
  /**
   * One exchange. No answer (timeout, network) throws a retryable error; every HTTP status is
   * returned, for the adapter to read (a 404 or 204 may be an answer, not a failure).
   * `what` names the call in messages, e.g. "Ballerine GET http://host/api/v1/…".
   */
  exchange(what: string, url: string, init: RequestInit): Promise<VendorAnswer>;
  /** The error for an answer outside 2xx. */
  failure(what: string, answer: VendorAnswer): E;
  /** The answer's JSON, or a 'protocol' error. */
  json<T>(what: string, answer: VendorAnswer): T;
  /** An error of the vendor's type for what an adapter finds wrong itself. */
  error(message: string, fields: VendorErrorFields): E;
}

export function createVendorHttp<E extends VendorHttpError = VendorHttpError>(options: VendorHttpOptions<E>): VendorHttp<E> {
  const doFetch = options.fetch ?? fetch;
  const maxBody = options.maxBody ?? 2_000;
  const secrets = options.secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const makeError = (message: string, fields: VendorErrorFields): E =>
    options.error ? options.error(scrub(message), fields) : (new VendorHttpError(scrub(message), fields) as E);

  function scrub(text: string): string {
    let out = text;
    for (const s of secrets) out = out.split(s).join('[redacted]');
    return out;
  }
  const excerpt = (text: string) => (text.length > maxBody ? `${text.slice(0, maxBody)}…` : text);

  return {
    scrub,
    excerpt,
    error: makeError,
    async exchange(what, url, init) {
      try {
        // One signal for the whole exchange, so a body that never finishes also times out.
        const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
        const text = scrub(await res.text());
        return { status: res.status, ok: res.ok, headers: res.headers, text };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        if (e.name === 'TimeoutError' || e.name === 'AbortError') {
          throw makeError(`${what}: no answer within ${options.timeoutMs} ms`, { code: 'timeout', status: null, retryable: true, body: null });
        }
        const why = e.cause?.code ?? e.cause?.message ?? e.message;
        throw makeError(`${what}: network error: ${why}`, { code: 'network', status: null, retryable: true, body: null });
      }
    },
    failure(what, answer) {
      const body = excerpt(answer.text.trim());
      if (answer.status >= 300 && answer.status < 400) {
        const location = answer.headers.get('location') ?? '?';
        return makeError(`${what}: redirected (${answer.status}) to ${location}; is the base URL right?`, { code: 'redirect', status: answer.status, retryable: false, body });
      }
      const code: VendorErrorCode = answer.status === 401 || answer.status === 403 ? 'auth' : 'http';
      return makeError(`${what} answered ${answer.status}: ${body || '(empty body)'}`, { code, status: answer.status, retryable: isRetryableStatus(answer.status), body: body || null });
    },
    json<T>(what: string, answer: VendorAnswer): T {
      try {
        return JSON.parse(answer.text) as T;
      } catch {
        const body = excerpt(answer.text.trim());
        throw makeError(`${what} answered ${answer.status} with a body that is not JSON: ${body.slice(0, 200)}`, { code: 'protocol', status: answer.status, retryable: false, body });
      }
    },
  };
}
