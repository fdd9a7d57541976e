// Typed HTTP errors and the one JSON error handler. Handlers throw; Express 5 forwards rejected
// promises here, so no route formats its own error response.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z, ZodError } from 'zod';
import { fieldPath } from '../boundary/inputRules';
import { isDatabaseUnavailable } from '../db/availability';

/** The one error shape every route answers with (also in the OpenAPI document, as `Error`). */
export const errorBody = z
  .object({
    /** a stable code: invalid_request, unauthorized, forbidden, not_found, conflict, unprocessable, ... */
    error: z.string(),
    /** for people; starts with the field when one is at fault */
    message: z.string(),
    field: z.string().optional(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error', description: 'Every 4xx and 5xx answer of the API' });
export type ErrorBody = z.infer<typeof errorBody>;

export class HttpError extends Error {
  override name = 'HttpError';
  /** sent as Retry-After (seconds) when set: 429, 503 */
  retryAfterSeconds?: number;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** 400: the request itself is malformed; `field` names the offending input. */
export class BadRequestError extends HttpError {
  override name = 'BadRequestError';
  constructor(message: string, field?: string) {
    super(400, 'invalid_request', message, field);
  }
}

export class UnauthorizedError extends HttpError {
  override name = 'UnauthorizedError';
  constructor(message = 'authentication required') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends HttpError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  override name = 'NotFoundError';
  constructor(message: string, field?: string) {
    super(404, 'not_found', message, field);
  }
}

export class ConflictError extends HttpError {
  override name = 'ConflictError';
  constructor(message: string, field?: string) {
    super(409, 'conflict', message, field);
  }
}

/** 422: well-formed, but the business rules refuse it (e.g. the workflow's decision validator). */
export class UnprocessableError extends HttpError {
  override name = 'UnprocessableError';
  constructor(message: string, field?: string) {
    super(422, 'unprocessable', message, field);
  }
}

export class ServiceUnavailableError extends HttpError {
  override name = 'ServiceUnavailableError';
  constructor(message: string, retryAfterSeconds?: number) {
    super(503, 'unavailable', message);
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class GatewayTimeoutError extends HttpError {
  override name = 'GatewayTimeoutError';
  constructor(message: string) {
    super(504, 'timeout', message);
  }
}

/** Retry-After of a 503 while PostgreSQL does not answer: a restart takes seconds, not minutes. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Friendlier wording than zod's defaults for the two cases every client hits; pass to safeParse. */
export const requestErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type' && issue.input === null) return `must not be null (expected ${issue.expected})`;
  return undefined;
};

/** A schema-level error message that still says "is required" when the value is missing. */
export function requiredOr(message: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? 'is required' : message);
}

function issueField(issue: z.core.$ZodIssue, location: string): string {
  // An unknown key is reported on its parent object; name the key itself.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    return fieldPath([...issue.path, issue.keys[0]!]);
  }
  return fieldPath(issue.path) || location;
}

/** A zod error found in request part `location` (body, query, params), as a 400 that names the field. */
export class ValidationError extends BadRequestError {
  override name = 'ValidationError';
  readonly issues: { field: string; message: string }[];
  constructor(error: ZodError, location: string) {
    const issues = error.issues.slice(0, 20).map((issue) => ({ field: issueField(issue, location), message: issue.message }));
    const first = issues[0] ?? { field: location, message: 'is invalid' };
    super(`${first.field}: ${first.message}`, first.field);
    this.issues = issues;
  }
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

function toHttpError(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof ZodError) return new ValidationError(err, 'body');
  // PostgreSQL restarting or unreachable: nothing is wrong with the request; try again shortly
  if (isDatabaseUnavailable(err)) return new ServiceUnavailableError('the database is not answering right now; send the same request again shortly', DATABASE_RETRY_AFTER_SECONDS);
  const e = err as BodyParserError;
  if (e && typeof e === 'object' && typeof e.type === 'string' && typeof e.status === 'number' && e.expose) {
    // Errors raised by express.json (body-parser): bad JSON, too large, wrong charset.
    if (e.type === 'entity.parse.failed') return new BadRequestError('body: is not valid JSON', 'body');
    if (e.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', 'body: is too large');
    return new HttpError(e.status, 'invalid_request', `body: ${e.message}`);
  }
  return null;
}

/** The one error handler, registered last. Unknown errors become an opaque 500 and are logged. */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const http = toHttpError(err);
  const requestId = typeof req.id === 'string' ? req.id : undefined;
  if (!http) {
    req.log?.error({ err }, 'unhandled error');
    const body: ErrorBody = { error: 'internal_error', message: 'internal server error', requestId };
    res.status(500).json(body);
    return;
  }
  if (http.status >= 500) req.log?.warn({ err }, http.message);
  if (http.retryAfterSeconds !== undefined) res.set('Retry-After', String(http.retryAfterSeconds));
  const body: ErrorBody = { error: http.code, message: http.message };
  if (http.field) body.field = http.field;
  if (http instanceof ValidationError && http.issues.length > 1) body.issues = http.issues;
  if (requestId) body.requestId = requestId;
  res.status(http.status).json(body);
};

/** JSON 404 for anything no route matched. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorBody = { error: 'not_found', message: `no route for ${req.method} ${req.path}` };
  res.status(404).json(body);
};
