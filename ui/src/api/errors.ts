// Errors the UI can act on. The API answers failures as {error, message, field?}; every failure
// (HTTP, network, malformed body) reaches a view as one of these classes, never as a raw Response.

/** Error codes the API uses, plus `http_<status>` for answers that carried no JSON body. */
export type ApiErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'unavailable'
  | 'timeout'
  | (string & {});

export interface FieldIssue {
  field: string;
  message: string;
}

/** The JSON error body of the Kinga API. */
export interface ApiErrorBody {
  error: string;
  message: string;
  field?: string;
  /** every invalid field, when validation found more than one */
  issues?: FieldIssue[];
  /** the request ID the API logged this under, for support */
  requestId?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    /** HTTP status of the answer */
    readonly status: number,
    /** machine-readable code from the body's `error` */
    readonly code: ApiErrorCode,
    message: string,
    /** the request field the API named as wrong, for validation errors */
    readonly field?: string,
    readonly issues: FieldIssue[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The token was missing, invalid or expired. */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isForbidden(): boolean {
    return this.status === 403;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }

  /** The request was wrong (400 or 422); `field` names the culprit when the API knows it. */
  get isValidation(): boolean {
    return this.status === 400 || this.status === 422;
  }
}

/** The API could not be reached at all (offline, refused, aborted). */
export class NetworkError extends Error {
  override name = 'NetworkError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    typeof body.error === 'string' &&
    typeof body.message === 'string' &&
    (body.field === undefined || typeof body.field === 'string')
  );
}

/** A message fit to show a user, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError || err instanceof NetworkError) return err.message;
  if (err instanceof Error) return `Unexpected error: ${err.message}`;
  return 'Unexpected error';
}
