// Business metrics, computed from PostgreSQL when Prometheus scrapes (the read models the workflows
// keep current are the truth; no process has to count in memory and lose it on restart). One SQL
// statement per refresh, on indexed columns, bounded by a time window; its result is cached for a
// few seconds so that several scrapers cost one query. A failed refresh leaves the business
// series out of that scrape and sets kinga_business_metrics_up to 0; the API's own metrics stay.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Metric, Registry } from 'prom-client';
import { ATTENTION_STEPS } from '../workflows/lifecycle/definitions';

/** Upper bounds (seconds) of the decision-latency buckets: a minute to a day. */
export const DECISION_SECONDS_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400] as const;

export interface BusinessMetricsOptions {
  db: Knex;
  /** what "recent" means for the windowed series (METRICS_BUSINESS_WINDOW) */
  windowMs: number;
  /** how long one refresh is reused (METRICS_BUSINESS_CACHE) */
  cacheMs: number;
  logger?: Logger;
}

export interface BusinessSnapshot {
  /** transactions scored within the window, by risk level */
  scored: Record<string, number>;
  autoApproved: number;
  /** open cases by risk level and status, with how many of them are past their SLA */
  openCases: { riskLevel: string; status: string; count: number; overdue: number }[];
  /** SLA events within the window: sla_escalated, sla_breached */
  slaEvents: Record<string, number>;
  /** cases decided within the window, by risk level and decision, with decision-latency buckets */
  decided: { riskLevel: string; decision: string; count: number; sumSeconds: number; buckets: number[] }[];
  /** warehouse rows held in quarantine (all time), by the column at fault */
  quarantined: Record<string, number>;
  /** transactions waiting in needs_attention now, by the step that failed */
  needingAttention: Record<string, number>;
  /** failures to score in shadow counted on running shadow runs, by candidate rule-set version */
  shadowScoringFailures: Record<string, number>;
  querySeconds: number;
}

interface SnapshotRow {
  scored: { risk_level: string; n: number }[];
  auto_approved: number;
  open_cases: { risk_level: string; status: string; n: number; overdue: number }[];
  sla: { event_type: string; n: number }[];
  decided: ({ risk_level: string; decision: string; n: number; sum: number | null } & Record<string, number | string | null>)[];
  quarantined: { field: string; n: number }[];
  needs_attention: { step: string; n: number }[];
  shadow_failures: { version: number; n: number }[];
}

// The bucket bounds are constants of this file, never input, so they are written into the SQL.
const BUCKET_COLUMNS = DECISION_SECONDS_BUCKETS.map((b, i) => `count(*) filter (where secs <= ${b})::int as b${i}`).join(',\n           ');

const SNAPSHOT_SQL = `
with scored as (
  select risk_level, count(*)::int as n
  from transactions
  where scored_at >= ?::timestamptz and risk_level is not null
  group by risk_level),
open_cases as (
  select risk_level, status, count(*)::int as n, count(*) filter (where sla_due_at < now())::int as overdue
  from analyst_cases
  where status <> 'closed'
  group by risk_level, status),
sla as (
  select event_type, count(*)::int as n
  from case_events
  where event_type in ('sla_escalated', 'sla_breached') and occurred_at >= ?::timestamptz
  group by event_type),
decided as (
  select risk_level, decision, greatest(0, extract(epoch from decided_at - opened_at))::float8 as secs
  from analyst_cases
  where decided_at >= ?::timestamptz and decision is not null)
select
  (select coalesce(json_agg(scored), '[]') from scored) as scored,
  (select count(*)::int from case_events where event_type = 'auto_approved' and occurred_at >= ?::timestamptz) as auto_approved,
  (select coalesce(json_agg(open_cases), '[]') from open_cases) as open_cases,
  (select coalesce(json_agg(sla), '[]') from sla) as sla,
  (select coalesce(json_agg(d), '[]') from (
    select risk_level, decision, count(*)::int as n, sum(secs) as sum,
           ${BUCKET_COLUMNS}
    from decided group by risk_level, decision) d) as decided,
  (select coalesce(json_agg(q), '[]') from (
    select field, count(*)::int as n from quarantined_warehouse_rows group by field) q) as quarantined,
  (select coalesce(json_agg(a), '[]') from (
    select coalesce(attention_step, 'unknown') as step, count(*)::int as n
    from transactions where status = 'needs_attention' group by 1) a) as needs_attention,
  (select coalesce(json_agg(f), '[]') from (
    select candidate_rule_set_version as version, sum(scoring_failures)::int as n
    from shadow_runs where status = 'running' group by 1) f) as shadow_failures`;

/** Every `?` of the statement is the window's start. */
const WINDOW_PARAMETERS = SNAPSHOT_SQL.split('?').length - 1;

export async function queryBusinessSnapshot(db: Knex, windowMs: number): Promise<BusinessSnapshot> {
  const started = process.hrtime.bigint();
  // The window's start as a value, not an expression: the planner then sees how few rows it covers
  // and reads the time indexes instead of scanning.
  const since = new Date(Date.now() - windowMs).toISOString();
  const result = await db.raw<{ rows: SnapshotRow[] }>(SNAPSHOT_SQL, Array.from({ length: WINDOW_PARAMETERS }, () => since));
  const row = result.rows[0]!;
  const querySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    scored: Object.fromEntries(row.scored.map((r) => [r.risk_level, r.n])),
    autoApproved: row.auto_approved,
    openCases: row.open_cases.map((r) => ({ riskLevel: r.risk_level, status: r.status, count: r.n, overdue: r.overdue })),
    slaEvents: Object.fromEntries(row.sla.map((r) => [r.event_type, r.n])),
    decided: row.decided.map((r) => ({
      riskLevel: r.risk_level,
      decision: r.decision,
      count: r.n,
      sumSeconds: Number(r.sum ?? 0),
      buckets: DECISION_SECONDS_BUCKETS.map((_, i) => Number(r[`b${i}`] ?? 0)),
    })),
    quarantined: Object.fromEntries(row.quarantined.map((r) => [r.field, r.n])),
    needingAttention: Object.fromEntries(row.needs_attention.map((r) => [r.step, r.n])),
    shadowScoringFailures: Object.fromEntries(row.shadow_failures.map((r) => [String(r.version), r.n])),
    querySeconds,
  };
}

type Labels = Record<string, string | number>;
interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}

/**
 * A metric whose samples are read from the latest snapshot when the registry asks. prom-client's
 * own Gauge cannot leave a series out (an unlabelled gauge always shows 0) and its Histogram
 * cannot be set from counts, so these implement the registry's small metric contract directly.
 */
class SnapshotMetric {
  readonly aggregator = 'first';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'gauge' | 'histogram',
    private readonly snapshot: () => Promise<BusinessSnapshot | undefined>,
    /** the samples; called with undefined when the query failed */
    private readonly samples: (s: BusinessSnapshot | undefined) => Sample[],
  ) {}

  async get() {
    const s = await this.snapshot();
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.samples(s) };
  }
}

function sumBy<T>(items: T[], key: (t: T) => string, value: (t: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + value(item));
  return out;
}

export interface BusinessMetrics {
  /** the current snapshot (cached), or undefined when PostgreSQL did not answer */
  snapshot(): Promise<BusinessSnapshot | undefined>;
}

/** Registers Kinga's business series on `registry`; they are computed when it is scraped. */
export function registerBusinessMetrics(registry: Registry, options: BusinessMetricsOptions): BusinessMetrics {
  let inflight: Promise<BusinessSnapshot | undefined> | undefined;
  let cached: { at: number; value: BusinessSnapshot | undefined } | undefined;
  let lastError: string | undefined;

  const snapshot = (): Promise<BusinessSnapshot | undefined> => {
    if (inflight) return inflight; // every series of one scrape shares one query
    if (cached && Date.now() - cached.at < options.cacheMs) return Promise.resolve(cached.value);
    const at = Date.now();
    inflight = queryBusinessSnapshot(options.db, options.windowMs).then(
      (value) => {
        if (lastError) options.logger?.info('business metrics: PostgreSQL answers again');
        lastError = undefined;
        return value;
      },
      (err: unknown) => {
        const message = String((err as Error)?.message ?? err).split('\n')[0]!;
        // one line when it starts failing, not one per scrape
        if (message !== lastError) options.logger?.warn({ err }, 'business metrics: the snapshot query failed');
        lastError = message;
        return undefined;
      },
    );
    void inflight.then((value) => {
      cached = { at, value };
      inflight = undefined;
    });
    return inflight;
  };

  const window = `${Math.round(options.windowMs / 1000)}s`;
  const register = (name: string, help: string, type: 'gauge' | 'histogram', samples: (s: BusinessSnapshot | undefined) => Sample[]) => {
    // The registry's type names its own classes only; SnapshotMetric has the same contract.
    registry.registerMetric(new SnapshotMetric(name, help, type, snapshot, samples) as unknown as Metric);
  };
  /** A series that is left out of the scrape when PostgreSQL did not answer. */
  const metric = (name: string, help: string, type: 'gauge' | 'histogram', samples: (s: BusinessSnapshot) => Sample[]) =>
    register(name, help, type, (s) => (s ? samples(s) : []));

  register('kinga_business_metrics_up', 'Whether the last business-metrics query succeeded (1) or PostgreSQL did not answer (0)', 'gauge', (s) => [
    { value: s ? 1 : 0, labels: {} },
  ]);
  metric('kinga_business_metrics_window_seconds', 'The window the windowed business series count over (METRICS_BUSINESS_WINDOW)', 'gauge', () => [
    { value: options.windowMs / 1000, labels: {} },
  ]);
  metric('kinga_business_metrics_query_seconds', 'How long the last business-metrics query took', 'gauge', (s) => [{ value: s.querySeconds, labels: {} }]);

  metric('kinga_transactions_scored', `Transactions scored within the window (${window}), by risk level`, 'gauge', (s) =>
    ['low', 'medium', 'high'].map((level) => ({ value: s.scored[level] ?? 0, labels: { risk_level: level, window } })),
  );
  metric('kinga_transactions_auto_approved', `Transactions auto-approved (low risk, no case) within the window (${window})`, 'gauge', (s) => [
    { value: s.autoApproved, labels: { window } },
  ]);
  metric('kinga_auto_approval_ratio', `Share of the transactions scored within the window (${window}) that were auto-approved; absent when none were scored`, 'gauge', (s) => {
    const total = Object.values(s.scored).reduce((a, b) => a + b, 0);
    return total > 0 ? [{ value: s.autoApproved / total, labels: { window } }] : [];
  });
  metric('kinga_cases_open', 'Cases waiting for a decision now, by risk level and status (assigned, escalated)', 'gauge', (s) => {
    const samples: Sample[] = [];
    for (const level of ['medium', 'high']) {
      for (const status of ['assigned', 'escalated']) {
        const found = s.openCases.find((c) => c.riskLevel === level && c.status === status);
        samples.push({ value: found?.count ?? 0, labels: { risk_level: level, status } });
      }
    }
    return samples;
  });
  metric('kinga_cases_overdue', 'Open cases past their SLA due time now, by risk level', 'gauge', (s) => {
    const overdue = sumBy(s.openCases, (c) => c.riskLevel, (c) => c.overdue);
    return ['medium', 'high'].map((level) => ({ value: overdue.get(level) ?? 0, labels: { risk_level: level } }));
  });
  metric(
    'kinga_sla_breaches',
    `SLA misses within the window (${window}): sla_escalated = a case escalated because its SLA passed, sla_breached = still undecided at the top of the escalation ladder`,
    'gauge',
    (s) => ['sla_escalated', 'sla_breached'].map((event) => ({ value: s.slaEvents[event] ?? 0, labels: { event, window } })),
  );
  metric('kinga_cases_decided', `Cases decided by analysts within the window (${window}), by risk level and decision`, 'gauge', (s) => {
    const samples: Sample[] = [];
    for (const level of ['medium', 'high']) {
      for (const decision of ['approve', 'block']) {
        const found = s.decided.find((d) => d.riskLevel === level && d.decision === decision);
        samples.push({ value: found?.count ?? 0, labels: { risk_level: level, decision, window } });
      }
    }
    return samples;
  });
  metric(
    'kinga_warehouse_rows_quarantined',
    'Warehouse rows refused by the input rules and held in quarantined_warehouse_rows (all time), by the column at fault; each is there for an operator',
    'gauge',
    (s) => Object.entries(s.quarantined).map(([field, n]) => ({ value: n, labels: { field } })),
  );
  metric(
    'kinga_transactions_needing_attention',
    'Transactions waiting in needs_attention now (a step failed for good; an operator retries or closes them), by the step that failed',
    'gauge',
    // every step always, so that an alert on > 0 sees a series from the start
    (s) => [...new Set([...ATTENTION_STEPS, ...Object.keys(s.needingAttention)])].map((step) => ({ value: s.needingAttention[step] ?? 0, labels: { step } })),
  );
  metric(
    'kinga_shadow_scoring_failures',
    'Live transactions that running shadow runs could not score (the live score went on unaffected), by candidate rule-set version; the Shadow runs page shows the reason',
    'gauge',
    (s) => Object.entries(s.shadowScoringFailures).map(([version, n]) => ({ value: n, labels: { rule_set_version: version } })),
  );
  metric(
    'kinga_case_decision_seconds',
    `Time from a case opening to its decision, for cases decided within the window (${window}), by risk level`,
    'histogram',
    (s) => {
      const samples: Sample[] = [];
      for (const level of ['medium', 'high']) {
        const rows = s.decided.filter((d) => d.riskLevel === level);
        const labels = { risk_level: level, window };
        DECISION_SECONDS_BUCKETS.forEach((le, i) => {
          samples.push({ metricName: 'kinga_case_decision_seconds_bucket', labels: { ...labels, le }, value: rows.reduce((a, r) => a + r.buckets[i]!, 0) });
        });
        const count = rows.reduce((a, r) => a + r.count, 0);
        samples.push({ metricName: 'kinga_case_decision_seconds_bucket', labels: { ...labels, le: '+Inf' }, value: count });
        samples.push({ metricName: 'kinga_case_decision_seconds_sum', labels, value: rows.reduce((a, r) => a + r.sumSeconds, 0) });
        samples.push({ metricName: 'kinga_case_decision_seconds_count', labels, value: count });
      }
      return samples;
    },
  );

  return { snapshot };
}
