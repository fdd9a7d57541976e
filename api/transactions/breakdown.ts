// The score breakdown as the API answers it (inside a transaction): risk/types.ts's ScoreBreakdown
// written as a zod schema, so the OpenAPI document and the UI's generated types describe it. The
// API does not re-validate it on the way out — it is the JSON the workflow recorded — but the type
// check at the end fails to compile the moment the schema and risk/'s types part ways.
import { z } from 'zod';
import { RISK_LEVELS, type ScoreBreakdown } from '../../risk/types';

const ruleResultJson = z
  .object({
    rule: z.string(),
    label: z.string(),
    hit: z.boolean(),
    points: z.number().meta({ description: 'basis points' }),
    contribution: z.number().meta({ description: "points / 10 000: the rule's share of the total score" }),
    detail: z.string(),
  })
  .meta({ id: 'RuleResult', description: 'One rule of the score breakdown' });

const anomalyResultJson = z
  .object({
    enabled: z.boolean(),
    modelVersion: z.number().nullable(),
    score: z.number().nullable().meta({ description: 'Liu et al. anomaly score in [0, 1]; null when no model is available' }),
    points: z.number(),
    contribution: z.number(),
    detail: z.string(),
  })
  .meta({ id: 'AnomalyResult', description: "The anomaly model's part of the breakdown" });

const tazamaBreakdownJson = z
  .object({
    outcome: z.enum(['evaluated', 'disabled', 'unavailable', 'timed_out']),
    status: z.enum(['ALRT', 'NALT']).nullable().meta({ description: 'ALRT (an alert) or NALT (no alert); null without an evaluation' }),
    msgId: z.string().nullable().meta({ description: 'the pacs.002 message id the evaluation belongs to' }),
    receivedVia: z.enum(['push', 'poll']).nullable(),
    evaluationId: z.string().nullable(),
    typologies: z.array(
      z.object({
        id: z.string().meta({ description: 'the typology, e.g. "999@1.0.0"' }),
        score: z.number(),
        alertThreshold: z.number(),
        interdictionThreshold: z.number().nullable(),
        alert: z.boolean(),
        interdiction: z.boolean(),
        ruleIds: z.array(z.string()),
        eventFlow: z.enum(['block', 'override']).optional(),
      }),
    ),
    rules: z.array(
      z.object({ id: z.string(), subRuleRef: z.string(), weight: z.number().nullable(), value: z.number().nullable(), reason: z.string().nullable() }),
    ),
    basePoints: z.number().meta({ description: 'points before Tazama was applied' }),
    points: z.number().meta({ description: 'basis points Tazama added' }),
    contribution: z.number(),
    detail: z.string(),
    blocked: z.boolean().optional(),
    source: z.enum(['typology_interdiction', 'event_flow_interdiction']).optional(),
  })
  .meta({ id: 'TazamaBreakdown', description: "Tazama's evaluation and what it added to the score; absent until the lifecycle has applied Tazama" });

const fxConversionJson = z
  .object({
    currency: z.string(),
    amount: z.string(),
    kesPerUnit: z.string().meta({ description: 'KES for one unit of the currency' }),
    rateDate: z.string().meta({ description: 'the date the rate was published for (YYYY-MM-DD)' }),
    source: z.string().nullable(),
    amountKes: z.string().meta({ description: 'the amount the rules saw' }),
    detail: z.string(),
  })
  .meta({ id: 'FxConversion', description: 'How an amount in another currency was valued in KES; absent for KES transactions' });

export const scoreBreakdownJson = z
  .object({
    score: z.number().meta({ description: 'total in [0, 1], rounded to 4 decimals' }),
    points: z.number(),
    level: z.enum(RISK_LEVELS),
    rules: z.array(ruleResultJson),
    anomaly: anomalyResultJson,
    thresholds: z.object({ medium: z.number(), high: z.number() }).meta({ description: 'basis points at which the level is medium and high' }),
    modelVersion: z.string().meta({ description: 'the rule set and anomaly model that produced this score' }),
    ruleSetVersion: z.number().optional().meta({ description: 'absent in breakdowns from before rule sets were data' }),
    // (no .meta on these two: it would describe them inline instead of naming their schemas)
    tazama: tazamaBreakdownJson.optional(),
    fx: fxConversionJson.optional(),
  })
  .meta({ id: 'ScoreBreakdown', description: "How the score was reached, as the workflow recorded it (risk/types.ts ScoreBreakdown)" });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** compile-time: the schema and risk/'s ScoreBreakdown are the same type */
export const breakdownSchemaMatchesRisk: Same<z.infer<typeof scoreBreakdownJson>, ScoreBreakdown> = true;
