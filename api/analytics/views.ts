// The analytics and risk-register answers as the API gives them: camelCase view models defined
// once here (zod, so the OpenAPI document and the UI's generated types follow them), each mapped
// from its stored row by one function below. The risk_metrics / risk_events rows never leave the API.
import { z } from 'zod';
import { decimalJson, isoTime, timestampJson } from '../transactions/views';

const bucket = {
  /** lower edge, inclusive */
  from: z.number(),
  to: z.number(),
  count: z.number().int(),
};
const levelCounts = { low: z.number().int(), medium: z.number().int(), high: z.number().int() };
const groupRisk = {
  key: z.string(),
  transactions: z.number().int(),
  medium: z.number().int(),
  high: z.number().int(),
  avgScore: z.number().nullable().meta({ description: 'mean score, 0..1' }),
};
export const analyticsBucketJson = z.object(bucket).meta({ id: 'AnalyticsBucket', description: 'A histogram bucket: [from, to) and how many fell in it' });
export const groupRiskJson = z.object(groupRisk).meta({ id: 'GroupRisk', description: 'Scored transactions of one group, by risk level' });

export const analyticsJson = z
  .object({
    from: timestampJson,
    to: timestampJson,
    timeZone: z.string(),
    transactions: z.number().int(),
    scoreDistribution: z.array(z.object({ ...bucket, ...levelCounts })).meta({ description: '20 buckets of 0.05 over the total score, split by level' }),
    ruleHitRates: z.array(z.object({ rule: z.string(), hits: z.number().int(), rate: z.number() })),
    byChannel: z.array(groupRiskJson),
    byLocation: z.array(z.object({ ...groupRisk, city: z.string(), country: z.string() })).meta({ description: 'the 15 busiest places' }),
    byHour: z.array(z.object({ ...groupRisk, hour: z.number().int() })).meta({ description: "by hour of the day in the bank's time zone, 0..23, every hour present" }),
    anomaly: z.object({ scored: z.number().int(), histogram: z.array(analyticsBucketJson) }),
    analysts: z.array(
      z.object({
        analyst: z.string(),
        decided: z.number().int(),
        approved: z.number().int(),
        blocked: z.number().int(),
        escalated: z.number().int(),
        avgMinutesToDecision: z.number().nullable(),
      }),
    ),
    sla: z.object({
      decided: z.number().int(),
      withinSla: z.number().int().meta({ description: 'decided without an SLA escalation or breach' }),
      adherence: z.number().nullable(),
      byLevel: z.array(z.object({ level: z.string(), decided: z.number().int(), withinSla: z.number().int(), adherence: z.number().nullable() })),
    }),
  })
  .meta({ id: 'Analytics', description: 'Score distribution, rule hit rates, by channel / place / hour, anomaly histogram, analysts, SLA over a range' });
export type Analytics = z.infer<typeof analyticsJson>;
export type GroupRisk = z.infer<typeof groupRiskJson>;

/** A risk_metrics row as stored. */
export interface RiskMetricRow {
  id: number;
  model: string;
  metric: string;
  scope: string;
  value: string;
  threshold: string | null;
  status: string;
  details: Record<string, unknown>;
  run_id: string;
  computed_at: Date;
}

/** A risk_events row as stored. */
export interface RiskEventRow {
  id: number;
  event_key: string;
  category: string;
  severity: string;
  title: string;
  description: string;
  transaction_ref: string | null;
  risk_metric_id: number | null;
  external_ref: string | null;
  details: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export const riskMetricJson = z
  .object({
    id: z.number().int(),
    model: z.string(),
    metric: z.string(),
    scope: z.string().meta({ description: 'book, or customer:<id>' }),
    value: decimalJson,
    threshold: decimalJson.nullable(),
    status: z.string(),
    details: z.record(z.string(), z.unknown()),
    runId: z.string().meta({ description: 'the portfolio run that computed it' }),
    computedAt: timestampJson,
  })
  .meta({ id: 'RiskMetric', description: "A portfolio metric's value as one run computed it, judged against its threshold" });
export type RiskMetric = z.infer<typeof riskMetricJson>;

export const riskEventJson = z
  .object({
    id: z.number().int(),
    eventKey: z.string().meta({ description: 'what makes the event one (a breach again updates the same event)' }),
    category: z.string(),
    severity: z.string(),
    title: z.string(),
    description: z.string(),
    transactionRef: z.string().nullable(),
    riskMetricId: z.number().int().nullable(),
    externalRef: z.string().nullable().meta({ description: 'the register entry (CISO Assistant risk scenario), once filed' }),
    details: z.record(z.string(), z.unknown()),
    createdAt: timestampJson,
    updatedAt: timestampJson,
  })
  .meta({ id: 'RiskEvent', description: 'A risk event: blocked fraud, a portfolio threshold breach' });
export type RiskEvent = z.infer<typeof riskEventJson>;

export const riskMetricPointJson = z
  .object({ computedAt: timestampJson, value: z.number(), threshold: z.number().nullable(), status: z.string() })
  .meta({ id: 'RiskMetricPoint', description: 'One computed value of a portfolio metric, with the threshold it was judged against then' });
export const riskMetricHistoryJson = z
  .object({
    from: timestampJson,
    to: timestampJson,
    series: z.array(
      z.object({
        model: z.string(),
        metric: z.string(),
        points: z.array(riskMetricPointJson).meta({ description: 'oldest first' }),
      }),
    ),
  })
  .meta({ id: 'RiskMetricHistory', description: "Each portfolio (book-level) metric's values over a period, oldest first" });
export type RiskMetricHistory = z.infer<typeof riskMetricHistoryJson>;
export type RiskMetricSeries = RiskMetricHistory['series'][number];
export type RiskMetricPoint = z.infer<typeof riskMetricPointJson>;

/** The one mapping from a risk_metrics row to its API view. */
export function riskMetricView(row: RiskMetricRow): RiskMetric {
  return {
    id: row.id,
    model: row.model,
    metric: row.metric,
    scope: row.scope,
    value: row.value,
    threshold: row.threshold,
    status: row.status,
    details: row.details ?? {},
    runId: row.run_id,
    computedAt: isoTime(row.computed_at),
  };
}

/** The one mapping from a risk_events row to its API view. */
export function riskEventView(row: RiskEventRow): RiskEvent {
  return {
    id: row.id,
    eventKey: row.event_key,
    category: row.category,
    severity: row.severity,
    title: row.title,
    description: row.description,
    transactionRef: row.transaction_ref,
    riskMetricId: row.risk_metric_id,
    externalRef: row.external_ref,
    details: row.details ?? {},
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

/** A point of a metric's history from its row's columns. */
export function riskMetricPointView(row: Pick<RiskMetricRow, 'value' | 'threshold' | 'status' | 'computed_at'>): RiskMetricPoint {
  return { computedAt: isoTime(row.computed_at), value: Number(row.value), threshold: row.threshold === null ? null : Number(row.threshold), status: row.status };
}
