// The one set of rules for everything that enters Kinga: the API's request bodies, the warehouse's
// rows and the vendors' webhooks all check a transaction, a note or a name with these schemas, so
// a value refused at one door is refused at every door. Pure: no I/O; the configurable limits
// (the occurredAt window, the amount ceiling) are handed in (config/input.ts).
import currencyCodes from 'currency-codes';
import isoCountries from 'i18n-iso-countries';
import { z } from 'zod';
import { CHANNELS, TRANSACTION_TYPES, type Transaction } from '../risk/types';

export interface InputLimits {
  /** the earliest occurredAt accepted (INPUT_OCCURRED_AT_EARLIEST) */
  occurredAtEarliest: Date;
  /** how far past now occurredAt may lie, for clocks a little ahead (INPUT_OCCURRED_AT_MAX_AHEAD) */
  occurredAtMaxAheadMs: number;
  /** the largest amount accepted, in the transaction's currency, as a decimal string (INPUT_AMOUNT_MAX) */
  amountMax: string;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  occurredAtEarliest: new Date('2000-01-01T00:00:00Z'),
  occurredAtMaxAheadMs: 86_400_000,
  amountMax: '1000000000',
};

// ---- control characters -------------------------------------------------------------------------

/**
 * Unicode's control characters (C0, DEL, C1). PostgreSQL cannot store NUL in text or jsonb at all,
 * and the others have no place in a name or a reference: they hide text in logs and screens.
 */
const CONTROL = /\p{Cc}/u;
/** In multi-line text (notes) line breaks and tabs are writing, not control. */
const CONTROL_BUT_LAYOUT = /[^\P{Cc}\t\n\r]/u;

function describe(text: string, pattern: RegExp): string | null {
  const m = pattern.exec(text);
  if (!m) return null;
  const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} at position ${m.index}`;
}

/** The first control character in `text` ("U+0000 at position 4"), or null; `multiline` keeps \t \n \r. */
export function controlCharacterIn(text: string, multiline = false): string | null {
  return describe(text, multiline ? CONTROL_BUT_LAYOUT : CONTROL);
}

export const CONTROL_MESSAGE = 'must not contain control characters';
const MULTILINE_CONTROL_MESSAGE = 'must not contain control characters other than line breaks and tabs';

/**
 * Where in a parsed JSON value (keys included) a string holds a control character other than
 * \t \n \r: the path (`transactions[3].city`) and what was found. For whole request bodies and
 * webhooks, before any field rule runs: nothing with a NUL goes further, whatever the route.
 */
export function findControlCharacter(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; found: string } | null {
  if (typeof value === 'string') {
    const found = controlCharacterIn(value, true);
    return found ? { path, found } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const hit = findControlCharacter(value[i], [...path, i]);
      if (hit) return hit;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const inKey = controlCharacterIn(key, true);
      if (inKey) return { path: [...path, key], found: `${inKey} of the key` };
      const hit = findControlCharacter(inner, [...path, key]);
      if (hit) return hit;
    }
  }
  return null;
}

/** A one-line name or reference: trimmed, not empty, at most `max` characters, no control characters. */
export const singleLineText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const found = controlCharacterIn(value);
      if (found) ctx.addIssue({ code: 'custom', message: `${CONTROL_MESSAGE} (${found})` });
    });

/** A string as another system sends it (may be empty, not trimmed), without control characters. */
export const plainText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const found = controlCharacterIn(value);
      if (found) ctx.addIssue({ code: 'custom', message: `${CONTROL_MESSAGE} (${found})` });
    });

/** Free text that may run over lines (a decision note): line breaks and tabs kept, nothing else. */
export const multiLineText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const found = controlCharacterIn(value, true);
      if (found) ctx.addIssue({ code: 'custom', message: `${MULTILINE_CONTROL_MESSAGE} (${found})` });
    });

// ---- codes ----------------------------------------------------------------------------------------

/**
 * ISO 4217 codes that name no money of any country: XXX (no currency), XTS (testing), the precious
 * metals and the European bond-market units. ISO files them under the pseudo-entity "ZZ"; the
 * currency-codes list keeps that as a `Zz…` country name.
 */
const NOT_MONEY = (countries: readonly string[]) => countries.length === 0 || countries.every((c) => /^Zz\d/.test(c));

/** Current ISO 4217 currency codes, from the maintained currency-codes list (ISO's list one). */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(currencyCodes.data.filter((c) => !NOT_MONEY(c.countries)).map((c) => c.code));

/** ISO 3166-1 alpha-2 country codes, from the maintained i18n-iso-countries list. */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(Object.keys(isoCountries.getAlpha2Codes()));

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'must be a 3-letter uppercase currency code (ISO 4217)', abort: true })
  .refine((code) => CURRENCY_CODES.has(code), { message: 'is not an ISO 4217 currency code' });

export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'must be a 2-letter uppercase country code (ISO 3166-1)', abort: true })
  .refine((code) => COUNTRY_CODES.has(code), { message: 'is not an ISO 3166-1 alpha-2 country code' });

export const transactionRef = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -');

// ---- amounts and times ------------------------------------------------------------------------------

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

function toCents(text: string): bigint | null {
  const m = DECIMAL.exec(text);
  return m ? BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0') || '0') : null;
}

/** Whether `text` is a decimal with at most 2 places (for checking INPUT_AMOUNT_MAX). */
export function isAmountText(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/**
 * An amount as a decimal string ("1500", "1500.5") or a JSON number, normalised to a string with
 * exactly two decimals ("1500.50") — the form PostgreSQL's numeric(18,2) returns — so that no float
 * ever reaches storage and equal amounts compare equal as strings. Above 0, at most the ceiling.
 */
export function amount(limits: Pick<InputLimits, 'amountMax'>) {
  const maxCents = toCents(limits.amountMax.trim());
  if (maxCents === null) throw new Error(`amount ceiling "${limits.amountMax}" is not a decimal with at most 2 places`);
  const maxText = `${maxCents / 100n}${maxCents % 100n ? `.${String(maxCents % 100n).padStart(2, '0')}` : ''}`;
  return z
    .union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? 'is required' : 'must be a decimal string or a number') })
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
      const cents = toCents(text);
      if (cents === null) {
        ctx.addIssue({ code: 'custom', message: 'must be a decimal string with at most 2 decimals' });
        return z.NEVER;
      }
      if (cents <= 0n) {
        ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
        return z.NEVER;
      }
      if (cents > maxCents) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${maxText}` });
        return z.NEVER;
      }
      return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    });
}

/**
 * When the transaction happened: ISO 8601 with an offset, inside the window — not before the
 * earliest date (year 1 breaks date arithmetic downstream), not further ahead than a clock may be off.
 */
export function occurredAt(limits: Pick<InputLimits, 'occurredAtEarliest' | 'occurredAtMaxAheadMs'>, now: () => number = Date.now) {
  return z
    .iso.datetime({
      offset: true,
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be an ISO 8601 date-time with a UTC offset, e.g. 2026-11-25T14:03:00+03:00'),
    })
    .superRefine((value, ctx) => {
      const at = Date.parse(value);
      const latest = now() + limits.occurredAtMaxAheadMs;
      if (!(at >= limits.occurredAtEarliest.getTime()) || !(at <= latest)) {
        ctx.addIssue({
          code: 'custom',
          message: `must lie between ${limits.occurredAtEarliest.toISOString()} and ${new Date(latest).toISOString()} (now + ${limits.occurredAtMaxAheadMs / 3_600_000} h)`,
        });
      }
    });
}

// ---- a transaction --------------------------------------------------------------------------------

const oneOf = (values: readonly string[]) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be one of ${values.join(', ')}`);

/** A transaction as Kinga takes it in, from the API or from the warehouse. */
export function transactionSchema(limits: InputLimits = DEFAULT_INPUT_LIMITS, now: () => number = Date.now) {
  return z.strictObject({
    transactionRef,
    customerId: singleLineText(64),
    accountId: singleLineText(64),
    amount: amount(limits),
    currency: currencyCode.default('KES'),
    type: z.enum(TRANSACTION_TYPES, { error: oneOf(TRANSACTION_TYPES) }),
    channel: z.enum(CHANNELS, { error: oneOf(CHANNELS) }),
    merchantId: singleLineText(64).nullish().transform((v) => v ?? null),
    merchantName: singleLineText(200).nullish().transform((v) => v ?? null),
    city: singleLineText(100),
    country: countryCode,
    occurredAt: occurredAt(limits, now),
  });
}
export type TransactionInput = z.output<ReturnType<typeof transactionSchema>>;

// Compile-time check that what we accept is exactly a risk/types Transaction.
const _sameShape: (t: TransactionInput) => Transaction = (t) => t;
void _sameShape;

/** `['transactions', 3, 'channel']` → `transactions[3].channel`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export type TransactionCheck = { ok: true; transaction: TransactionInput } | { ok: false; field: string; reason: string };

/**
 * Checks a candidate transaction (e.g. a warehouse row mapped to Kinga's field names) with the same
 * schema the API uses; a refusal names the first field at fault and why.
 */
const schemas = new WeakMap<InputLimits, ReturnType<typeof transactionSchema>>();

export function checkTransaction(candidate: unknown, limits: InputLimits): TransactionCheck {
  let schema = schemas.get(limits);
  if (!schema) {
    schema = transactionSchema(limits);
    schemas.set(limits, schema);
  }
  const result = schema.safeParse(candidate, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.code === 'invalid_type' && issue.input === null ? 'must not be null' : undefined),
  });
  if (result.success) return { ok: true, transaction: result.data };
  const issue = result.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = fieldPath(path) || 'row';
  return { ok: false, field, reason: `${field}: ${issue.message}` };
}
