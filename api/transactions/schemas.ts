import { z } from 'zod';
import { DEFAULT_INPUT_LIMITS, transactionRef, transactionSchema, type InputLimits, type TransactionInput } from '../../boundary/inputRules';
import { requestErrorMap, requiredOr } from '../errors';

export { transactionRef, type TransactionInput };

export const MAX_BATCH = 500;

export interface IngestRequest {
  /** the request held `{ transactions: [...] }` (answered the same way) rather than one transaction */
  batch: boolean;
  transactions: TransactionInput[];
}

/**
 * One transaction, or `{ transactions: [...] }`; errors name the field (`transactions[3].channel`).
 * The field rules are boundary/inputRules.ts's, with the configured window and ceiling.
 */
export function ingestSchemas(limits: InputLimits = DEFAULT_INPUT_LIMITS) {
  const transactionInput = transactionSchema(limits);
  const transactionBatch = z.strictObject({
    transactions: z
      .array(transactionInput, { error: requiredOr('must be an array of transactions') })
      .min(1, 'must hold at least one transaction')
      .max(MAX_BATCH, `must hold at most ${MAX_BATCH} transactions`),
  });
  const ingestBody = z.unknown().transform((value, ctx): IngestRequest => {
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
  return { transactionInput, transactionBatch, ingestBody };
}

// With the default limits, for the API contract: the shapes do not depend on the limits, and the
// router validates with the configured ones.
const documented = ingestSchemas();
export const transactionInput = documented.transactionInput;
export const transactionBatch = documented.transactionBatch;

export const refParams = z.object({ ref: transactionRef });
export type RefParams = z.output<typeof refParams>;
