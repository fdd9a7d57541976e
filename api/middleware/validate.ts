// Request validation with zod. The parsed (coerced, defaulted, normalised) value replaces the raw
// one on the request, so handlers read `req.body` / `req.query` / `req.params` already typed and
// nothing parses twice. The handler's type parameters are the schemas' `z.output` types.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { BadRequestError, requestErrorMap, ValidationError } from '../errors';

type Location = 'params' | 'query' | 'body';

/**
 * A whole-number query or path parameter (digits only, so "1.5", "-1" and "1e3" are refused)
 * within [min, max], as a number.
 */
export function wholeNumberParam(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

export interface RequestSchemas<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  params?: P;
  query?: Q;
  body?: B;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, location: Location): z.output<S> {
  if (location === 'body' && value === undefined) {
    // express.json() leaves the body undefined unless the request said it was JSON.
    throw new BadRequestError('body: is required (send JSON with Content-Type: application/json)', 'body');
  }
  const result = schema.safeParse(value, { error: requestErrorMap });
  if (!result.success) throw new ValidationError(result.error, location);
  return result.data;
}

export function validate<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(
  schemas: RequestSchemas<P, Q, B>,
): RequestHandler<z.output<P>, unknown, z.output<B>, z.output<Q>> {
  return (req, _res, next) => {
    if (schemas.params) req.params = parseOrThrow(schemas.params, req.params, 'params');
    if (schemas.query) {
      // Express 5 exposes req.query as a getter; shadow it with the parsed value.
      Object.defineProperty(req, 'query', { value: parseOrThrow(schemas.query, req.query, 'query'), writable: true, configurable: true, enumerable: true });
    }
    if (schemas.body) req.body = parseOrThrow(schemas.body, req.body, 'body');
    next();
  };
}
