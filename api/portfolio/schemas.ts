import { z } from 'zod';
import { singleLineText } from '../../boundary/inputRules';

/** POST /api/risk/portfolio-runs: an empty body runs for now; `asOf` reruns a past moment (the inputs of its day). */
export const portfolioRunBody = z.strictObject({
  asOf: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2031-01-15T09:00:00Z' })
    .transform((v) => new Date(v).toISOString())
    .optional(),
});
export type PortfolioRunBody = z.output<typeof portfolioRunBody>;

// Any workflow id Temporal could hold; whether it names a portfolio run is the service's question (404).
export const portfolioRunParams = z.object({
  workflowId: singleLineText(255),
});
export type PortfolioRunParams = z.output<typeof portfolioRunParams>;
