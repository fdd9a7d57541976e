import { z } from 'zod';
import { requestErrorMap, requiredOr } from '../errors';
import { CHANNELS, TRANSACTION_TYPES, type Transaction } from '../../risk/types';

export const MAX_BATCH = 500;
const MAX_AMOUNT_CENTS = 10n ** 15n; // 1e13 KES

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * An amount as a decimal string ("1500", "1500.5") or a JSON number, normalised to a string with
 * exactly two decimals ("1500.50") — the form PostgreSQL's numeric(18,2) returns — so that no float
 * ever reaches storage and equal amounts compare equal as strings.
 */
export const amount = z
  .union([z.string(), z.number()], { error: requiredOr('must be a decimal string or a number') })
  .transform((value, ctx) => {
    const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
    const m = DECIMAL.exec(text);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'must be a decimal string with at most 2 decimals' });
      return z.NEVER;
    }
    const cents = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0') || '0');
    if (cents <= 0n) {
      ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
      return z.NEVER;
    }
    if (cents > MAX_AMOUNT_CENTS) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 10000000000000' });
      return z.NEVER;
    }
    return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  });

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const transactionRef = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -');

export const transactionInput = z.strictObject({
  transactionRef,
  customerId: text(64),
  accountId: text(64),
  amount,
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a 3-letter uppercase currency code')
    .default('KES'),
  type: z.enum(TRANSACTION_TYPES, { error: requiredOr(`must be one of ${TRANSACTION_TYPES.join(', ')}`) }),
  channel: z.enum(CHANNELS, { error: requiredOr(`must be one of ${CHANNELS.join(', ')}`) }),
  merchantId: text(64).nullish().transform((v) => v ?? null),
  merchantName: text(200).nullish().transform((v) => v ?? null),
  city: text(100),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter uppercase country code (ISO 3166-1)'),
  occurredAt: z.iso.datetime({ offset: true, error: requiredOr('must be an ISO 8601 date-time with a UTC offset, e.g. 2026-11-25T14:03:00+03:00') }),
});
export type TransactionInput = z.output<typeof transactionInput>;

// Compile-time check that what we accept is exactly a risk/types Transaction.
const _sameShape: (t: TransactionInput) => Transaction = (t) => t;
void _sameShape;

export const transactionBatch = z.strictObject({
  transactions: z
    .array(transactionInput, { error: requiredOr('must be an array of transactions') })
    .min(1, 'must hold at least one transaction')
    .max(MAX_BATCH, `must hold at most ${MAX_BATCH} transactions`),
});

export interface IngestRequest {
  /** the request held `{ transactions: [...] }` (answered the same way) rather than one transaction */
  batch: boolean;
  transactions: TransactionInput[];
}

/** One transaction, or `{ transactions: [...] }`; errors name the field (`transactions[3].channel`). */
export const ingestBody = z.unknown().transform((value, ctx): IngestRequest => {
  const isBatch = typeof value === 'object' && value !== null && !Array.isArray(value) && 'transactions' in value;
  // Parsed here rather than with z.union so that errors name the field instead of "no union member matched".
  const result = isBatch ? transactionBatch.safeParse(value, { error: requestErrorMap }) : transactionInput.safeParse(value, { error: requestErrorMap });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
      ctx.addIssue({ code: 'custom', path, message: issue.message });
    }
    return z.NEVER;
  }
  return 'transactions' in result.data ? { batch: true, transactions: result.data.transactions } : { batch: false, transactions: [result.data] };
});

export const refParams = z.object({ ref: transactionRef });
export type RefParams = z.output<typeof refParams>;
