// The one fetch wrapper of the UI: JSON in and out (or a file out, for downloads), the Bearer token
// attached, failures turned into ApiError / NetworkError. It knows nothing about stores or the
// router: main.ts wires the token source and what happens when the API says the session is no
// longer valid.
import { ApiError, NetworkError, isApiErrorBody } from './errors';

export interface ApiClientHooks {
  /** The current session's token, or null when signed out. */
  getToken: () => string | null;
  /** Called when a request that carried a token is answered 401: the session is over. */
  onUnauthorized: (error: ApiError) => void;
}

let hooks: ApiClientHooks = {
  getToken: () => null,
  onUnauthorized: () => {},
};

export function configureApiClient(next: ApiClientHooks): void {
  hooks = next;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** serialised as JSON */
  body?: unknown;
  /** empty values (undefined, null, '') are left out */
  query?: Record<string, QueryValue>;
  /** false for the login call itself */
  auth?: boolean;
  signal?: AbortSignal;
}

/** The result of a request whose status matters to the caller even when it is not 2xx. */
export interface RawResult {
  status: number;
  ok: boolean;
  body: unknown;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(path: string, options: RequestOptions): Promise<{ response: Response; body: unknown; sentToken: boolean }> {
  const { response, sentToken } = await fetchResponse(path, options, 'application/json');
  const body = parseBody(await response.text());
  return { response, body, sentToken };
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function fetchResponse(path: string, options: RequestOptions, accept: string): Promise<{ response: Response; sentToken: boolean }> {
  const headers: Record<string, string> = { Accept: accept };
  const token = options.auth === false ? null : hooks.getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: payload,
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new NetworkError('The Kinga API could not be reached. Check your connection and try again.', { cause: err });
  }
  return { response, sentToken: token !== null };
}

function toApiError(response: Response, body: unknown): ApiError {
  if (isApiErrorBody(body)) {
    const issues = Array.isArray(body.issues) ? body.issues : [];
    return new ApiError(response.status, body.error, body.message, body.field, issues, body.requestId);
  }
  const reason = response.statusText ? ` ${response.statusText}` : '';
  return new ApiError(response.status, `http_${response.status}`, `The API answered HTTP ${response.status}${reason}.`);
}

/** A JSON request whose non-2xx answers are thrown as ApiError. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { response, body, sentToken } = await send(path, options);
  if (response.ok) return body as T;
  const error = toApiError(response, body);
  if (error.isUnauthorized && sentToken) hooks.onUnauthorized(error);
  throw error;
}

/** A request whose status the caller inspects itself (health checks answer 503 with a body). */
export async function requestRaw(path: string, options: RequestOptions = {}): Promise<RawResult> {
  const { response, body } = await send(path, options);
  return { status: response.status, ok: response.ok, body };
}

/** A file the API sent (an export, a report), with the name its Content-Disposition suggests. */
export interface ApiFile {
  blob: Blob;
  /** from Content-Disposition, else the caller's fallback */
  fileName: string;
  contentType: string;
}

function dispositionFileName(header: string | null): string | null {
  const match = header ? /filename="?([^";]+)"?/i.exec(header) : null;
  return match ? match[1]! : null;
}

/**
 * A non-JSON answer kept as a Blob (downloads need the token, so a plain link will not do);
 * failures are still the API's JSON errors, thrown as ApiError.
 */
export async function requestFile(path: string, fallbackName: string, options: RequestOptions & { accept?: string } = {}): Promise<ApiFile> {
  const { response, sentToken } = await fetchResponse(path, options, options.accept ?? '*/*');
  if (!response.ok) {
    const error = toApiError(response, parseBody(await response.text()));
    if (error.isUnauthorized && sentToken) hooks.onUnauthorized(error);
    throw error;
  }
  const blob = await response.blob();
  return {
    blob,
    fileName: dispositionFileName(response.headers.get('Content-Disposition')) ?? fallbackName,
    contentType: response.headers.get('Content-Type') ?? blob.type,
  };
}
