// The limits of what Kinga takes in (boundary/inputRules.ts): the window occurredAt must lie in and
// the amount ceiling. Validated once at start-up like the rest of the configuration.
import { z } from 'zod';
import { isAmountText, type InputLimits } from '../boundary/inputRules';
import { duration } from './parse';
import { configSection, type Environment } from './section';

export type InputConfig = InputLimits;

const schema = z.object({
  INPUT_OCCURRED_AT_EARLIEST: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2000-01-01T00:00:00Z' })
    .or(z.iso.date({ message: 'must be an ISO 8601 date (2000-01-01) or date-time with an offset' }))
    .optional()
    .transform((v) => new Date(v ?? '2000-01-01T00:00:00Z')),
  INPUT_OCCURRED_AT_MAX_AHEAD: duration('1d'),
  INPUT_AMOUNT_MAX: z
    .string()
    .refine((v) => isAmountText(v) && Number(v) > 0, 'must be a positive decimal with at most 2 places')
    .optional()
    .transform((v) => v?.trim() ?? '1000000000'),
});

export const inputSection = configSection({
  schema,
  check: (e) => (e.INPUT_OCCURRED_AT_EARLIEST.getTime() > Date.now() ? ['INPUT_OCCURRED_AT_EARLIEST: must lie in the past'] : []),
  build: (e): InputConfig => ({ occurredAtEarliest: e.INPUT_OCCURRED_AT_EARLIEST, occurredAtMaxAheadMs: e.INPUT_OCCURRED_AT_MAX_AHEAD, amountMax: e.INPUT_AMOUNT_MAX }),
});

export const INPUT_VARIABLES = inputSection.variables;

export const loadInputConfig = (env: Environment): InputConfig => inputSection.load(env);
