// Django REST Framework's habits, as zod schemas: the fields of CISO Assistant's serializers with
// DRF's own messages, the 400 {"field": ["message"]} they add up to, django-filter's query
// validation, the search filter and limit/offset pages.
import type { Request } from 'express';
import { z } from 'zod';

/** An answer other than the happy one: a JSON body, or a string sent as an HTML page. */
export class DrfError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export const notFound = (): never => {
  throw new DrfError(404, { detail: 'Not found.' });
};

const REQUIRED = 'This field is required.';
const NOT_NULL = 'This field may not be null.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Python's name for a JSON value's type, as DRF puts it in its messages. */
function pythonType(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return ({ string: 'str', boolean: 'bool', object: 'dict' } as Record<string, string>)[typeof v] ?? typeof v;
}

/** The type error of a field: missing, null, or the field's own message. */
const typeError = (invalid: (input: unknown) => string) => (iss: { input?: unknown }) => (iss.input === undefined ? REQUIRED : iss.input === null ? NOT_NULL : invalid(iss.input));

/** CharField: numbers taken as text, whitespace trimmed, blank refused unless allowed. */
export const text = (opts: { max?: number; blank?: boolean; slash?: string } = {}) => {
  let s = z.string({ error: typeError(() => 'Not a valid string.') }).trim();
  if (!opts.blank) s = s.min(1, 'This field may not be blank.');
  if (opts.max !== undefined) s = s.max(opts.max, `Ensure this field has no more than ${opts.max} characters.`);
  const field = opts.slash ? s.refine((v) => !v.includes('/'), `The name cannot contain '/' for a ${opts.slash}.`) : s;
  return z.preprocess((v) => (typeof v === 'number' ? String(v) : v), field);
};

/** IntegerField: "3" and "3.0" are 3; bounds with DRF's messages. */
export const integer = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*[-+]?\d+(\.0*)?\s*$/.test(v) ? Number.parseInt(v, 10) : v),
    z
      .number({ error: typeError(() => 'A valid integer is required.') })
      .int('A valid integer is required.')
      .min(min, `Ensure this value is greater than or equal to ${min}.`)
      .max(max, `Ensure this value is less than or equal to ${max}.`),
  );

export const choice = (choices: readonly [string, ...string[]]) => z.enum(choices, { error: typeError((input) => `"${String(input)}" is not a valid choice.`) });

const TRUE = new Set([true, 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1, 'yes', 'y', 't']);
const FALSE = new Set([false, 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0, 'no', 'n', 'f']);
export const boolean = () => z.preprocess((v) => (TRUE.has(v as never) ? true : FALSE.has(v as never) ? false : v), z.boolean({ error: typeError(() => 'Must be a valid boolean.') }));

/** PrimaryKeyRelatedField over UUIDs: "" is null; the object must exist. */
export const pk = (exists: (id: string) => boolean) =>
  z.preprocess(
    (v) => (v === '' ? null : v),
    z
      .string({ error: typeError((input) => `Incorrect type. Expected pk value, received ${pythonType(input)}.`) })
      .regex(UUID, { error: (iss) => `“${String(iss.input)}” is not a valid UUID.`, abort: true })
      .refine(exists, { error: (iss) => `Invalid pk "${String(iss.input)}" - object does not exist.` }),
  );

/** DRF's 400: the first message of every field that failed (a serializer stops at one per field). */
export function validationError(error: z.ZodError): DrfError {
  const body: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : 'non_field_errors';
    body[field] ??= [issue.message];
  }
  return new DrfError(400, body);
}

/** Validates a request body as the serializer would; throws the DRF 400. */
export function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === null) throw new DrfError(400, { non_field_errors: ['No data provided'] });
  if (typeof body !== 'object' || Array.isArray(body)) throw new DrfError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(body)}.`] });
  const result = schema.safeParse(body);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

// ---- lists ---------------------------------------------------------------------------------------

const PAGE_SIZE = 5000; // PAGINATE_BY
/** LimitOffsetPagination never refuses: a limit or offset it cannot read is its default. */
const positive = (fallback: number, strict: boolean) =>
  z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .refine((n) => !strict || n > 0)
    .catch(fallback);

const values = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]).filter((s) => s !== ''));
const INVALID_CHOICE = 'Select a valid choice. That choice is not one of the available choices.';

/** django-filter's ModelMultipleChoiceFilter: ?perimeter=<id>&perimeter=<id>, every id an existing object. */
export const anyOf = (exists: (id: string) => boolean) =>
  values.superRefine((ids, ctx) => {
    for (const id of ids) {
      if (!UUID.test(id)) return ctx.addIssue({ code: 'custom', message: `“${id}” is not a valid value.` });
      if (!exists(id)) return ctx.addIssue({ code: 'custom', message: `Select a valid choice. ${id} is not one of the available choices.` });
    }
  });

/** A single ModelChoiceFilter (e.g. risk matrices by folder). */
export const oneOf = (exists: (id: string) => boolean) =>
  values.transform((ids) => ids.slice(-1)).refine((ids) => ids.every((id) => UUID.test(id) && exists(id)), INVALID_CHOICE);

/** MultipleChoiceFilter over a model's choices. */
export const choicesOf = (choices: readonly string[]) =>
  values.superRefine((given, ctx) => {
    const wrong = given.find((v) => !choices.includes(v));
    if (wrong !== undefined) ctx.addIssue({ code: 'custom', message: `Select a valid choice. ${wrong} is not one of the available choices.` });
  });

/** django-filter's UUIDFilter: one id, not looked up. */
export const uuid = () => values.transform((v) => v.slice(-1)).refine((v) => v.every((id) => UUID.test(id)), 'Enter a valid UUID.');

/** An exact filter (?name=…): the last value given, as Django's QueryDict.get. */
export const exact = () => values.transform((v) => v.slice(-1));

/** DRF SearchFilter: every term (split on spaces and commas) must be in one of the fields. */
function matchesSearch(search: string | undefined, fields: (string | null | undefined)[]): boolean {
  const terms = (search ?? '').replace(/\x00/g, '').split(/[\s,]+/).filter(Boolean);
  return terms.every((t) => fields.some((f) => f?.toLowerCase().includes(t.toLowerCase())));
}

/** A list's filters by query parameter, each compared with the item's field of that name. */
export type Filters = Record<string, z.ZodType<string[]>>;
export type Searchable = (string | null | undefined)[];

/**
 * A list answered as the real one: its query validated (a bad filter is a 400 naming it), filtered
 * (a filter given several values matches any), one limit/offset page whose links are absolute URLs
 * on the host the request came to.
 */
export function list<T extends object>(req: Request, items: T[], search: (item: T) => Searchable, filters: Filters, show: (item: T) => unknown) {
  const schema = z.object({
    limit: positive(PAGE_SIZE, true).optional(),
    offset: positive(0, false).optional(),
    search: z.string().optional().catch(undefined),
    ...Object.fromEntries(Object.entries(filters).map(([param, filter]) => [param, filter.optional()])),
  });
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) throw validationError(parsed.error);
  const { limit: l, offset: o, search: terms, ...given } = parsed.data as { limit?: number; offset?: number; search?: string } & Record<string, string[]>;
  const field = (item: T, name: string) => String((item as Record<string, unknown>)[name]);
  const filtered = items.filter((item) => matchesSearch(terms, search(item)) && Object.entries(given).every(([name, vs]) => vs.length === 0 || vs.includes(field(item, name))));
  const limit = l ?? PAGE_SIZE;
  const offset = o ?? 0;
  const link = (o: number) => {
    const u = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`);
    u.searchParams.set('limit', String(limit));
    if (o > 0) u.searchParams.set('offset', String(o));
    else u.searchParams.delete('offset');
    return u.toString();
  };
  return {
    count: filtered.length,
    next: offset + limit < filtered.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: filtered.slice(offset, offset + limit).map(show),
  };
}
