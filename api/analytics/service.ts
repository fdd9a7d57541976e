// Deep-dive analytics over a date range, each figure one SQL aggregate on the indexed read model
// (scored_at range, generated rule_hits / anomaly_score columns; see the dashboard migration).
import type { Knex } from 'knex';
import { BANK_TIME_ZONE } from '../overview/service';
import { riskEventView, riskMetricPointView, riskMetricView, type Analytics, type GroupRisk, type RiskEvent, type RiskEventRow, type RiskMetric, type RiskMetricHistory, type RiskMetricRow, type RiskMetricSeries } from './views';

const n = (v: unknown) => Number(v ?? 0);
const avg = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10_000) / 10_000);

function groupRisk(r: Record<string, unknown>): Omit<GroupRisk, 'key'> {
  return { transactions: n(r.transactions), medium: n(r.medium), high: n(r.high), avgScore: avg(r.avg_score) };
}

const GROUP_COLUMNS = `count(*) as transactions,
  count(*) filter (where risk_level = 'medium') as medium,
  count(*) filter (where risk_level = 'high') as high,
  avg(risk_score) as avg_score`;

export async function getAnalytics(db: Knex, range: { from: Date; to: Date }): Promise<Analytics> {
  const { from, to } = range;
  const scored = () => db('transactions').where('scored_at', '>=', from).where('scored_at', '<', to);

  const [totals, scores, rules, channels, locations, hours, anomalyRows, analysts, escalations, sla] = await Promise.all([
    scored().first<{ n: string }>(db.raw('count(*) as n')),
    db.raw<{ rows: { bucket: number; low: string; medium: string; high: string; total: string }[] }>(
      `select least(width_bucket(risk_score, 0, 1, 20), 20) as bucket,
              count(*) filter (where risk_level = 'low') as low,
              count(*) filter (where risk_level = 'medium') as medium,
              count(*) filter (where risk_level = 'high') as high,
              count(*) as total
         from transactions where scored_at >= ? and scored_at < ? and risk_score is not null
        group by 1`,
      [from, to],
    ),
    db.raw<{ rows: { rule: string; hits: string }[] }>(
      `select h.rule, count(*) as hits
         from transactions t cross join lateral jsonb_array_elements_text(t.rule_hits) as h(rule)
        where t.scored_at >= ? and t.scored_at < ?
        group by h.rule order by hits desc, h.rule`,
      [from, to],
    ),
    scored().select('channel', db.raw(GROUP_COLUMNS)).groupBy('channel').orderBy('transactions', 'desc'),
    scored().select('city', 'country', db.raw(GROUP_COLUMNS)).groupBy('city', 'country').orderBy('transactions', 'desc').orderBy('city').limit(15),
    db.raw<{ rows: Record<string, unknown>[] }>(
      `select h.hour, coalesce(a.transactions, 0) as transactions, coalesce(a.medium, 0) as medium, coalesce(a.high, 0) as high, a.avg_score
         from generate_series(0, 23) as h(hour)
         left join (
           select extract(hour from occurred_at at time zone ?)::int as hour, ${GROUP_COLUMNS}
             from transactions where scored_at >= ? and scored_at < ?
            group by 1) a on a.hour = h.hour
        order by h.hour`,
      [BANK_TIME_ZONE, from, to],
    ),
    db.raw<{ rows: { bucket: number; count: string }[] }>(
      `select least(width_bucket(anomaly_score, 0, 1, 20), 20) as bucket, count(*) as count
         from transactions where scored_at >= ? and scored_at < ? and anomaly_score is not null
        group by 1`,
      [from, to],
    ),
    db('analyst_cases')
      .where('decided_at', '>=', from)
      .where('decided_at', '<', to)
      .whereNotNull('decided_by')
      .select(
        'decided_by as analyst',
        db.raw('count(*) as decided'),
        db.raw(`count(*) filter (where decision = 'approve') as approved`),
        db.raw(`count(*) filter (where decision = 'block') as blocked`),
        db.raw('avg(extract(epoch from decided_at - opened_at)) / 60 as avg_minutes'),
      )
      .groupBy('decided_by'),
    db('case_events').where({ event_type: 'escalated' }).where('occurred_at', '>=', from).where('occurred_at', '<', to).select('actor', db.raw('count(*) as n')).groupBy('actor'),
    db.raw<{ rows: { level: string; decided: string; within: string }[] }>(
      `select c.risk_level as level, count(*) as decided,
              count(*) filter (where not exists (
                select 1 from case_events e
                 where e.case_id = c.id and e.event_type in ('sla_escalated', 'sla_breached'))) as within
         from analyst_cases c
        where c.decided_at >= ? and c.decided_at < ?
        group by c.risk_level order by c.risk_level`,
      [from, to],
    ),
  ]);

  const total = n(totals?.n);
  const byBucket = new Map(scores.rows.map((r) => [Number(r.bucket), r]));
  const anomalyBuckets = new Map(anomalyRows.rows.map((r) => [Number(r.bucket), n(r.count)]));
  const edges = Array.from({ length: 20 }, (_, i) => ({ from: Math.round(i * 5) / 100, to: Math.round((i + 1) * 5) / 100 }));

  const people = new Map<string, Analytics['analysts'][number]>();
  for (const r of analysts as Record<string, unknown>[]) {
    people.set(String(r.analyst), {
      analyst: String(r.analyst),
      decided: n(r.decided),
      approved: n(r.approved),
      blocked: n(r.blocked),
      escalated: 0,
      avgMinutesToDecision: r.avg_minutes == null ? null : Math.round(Number(r.avg_minutes) * 10) / 10,
    });
  }
  for (const r of escalations as { actor: string; n: string }[]) {
    const p = people.get(r.actor) ?? { analyst: r.actor, decided: 0, approved: 0, blocked: 0, escalated: 0, avgMinutesToDecision: null };
    p.escalated = n(r.n);
    people.set(r.actor, p);
  }

  const slaLevels = sla.rows.map((r) => ({ level: r.level, decided: n(r.decided), withinSla: n(r.within), adherence: n(r.decided) > 0 ? n(r.within) / n(r.decided) : null }));
  const decided = slaLevels.reduce((s, r) => s + r.decided, 0);
  const within = slaLevels.reduce((s, r) => s + r.withinSla, 0);

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    timeZone: BANK_TIME_ZONE,
    transactions: total,
    scoreDistribution: edges.map((e, i) => {
      const r = byBucket.get(i + 1);
      return { ...e, count: n(r?.total), low: n(r?.low), medium: n(r?.medium), high: n(r?.high) };
    }),
    ruleHitRates: rules.rows.map((r) => ({ rule: r.rule, hits: n(r.hits), rate: total > 0 ? n(r.hits) / total : 0 })),
    byChannel: (channels as Record<string, unknown>[]).map((r) => ({ key: String(r.channel), ...groupRisk(r) })),
    byLocation: (locations as Record<string, unknown>[]).map((r) => ({ key: `${r.city}, ${r.country}`, city: String(r.city), country: String(r.country), ...groupRisk(r) })),
    byHour: hours.rows.map((r) => ({ key: String(r.hour), hour: n(r.hour), ...groupRisk(r) })),
    anomaly: {
      scored: [...anomalyBuckets.values()].reduce((a, b) => a + b, 0),
      histogram: edges.map((e, i) => ({ ...e, count: anomalyBuckets.get(i + 1) ?? 0 })),
    },
    analysts: [...people.values()].sort((a, b) => b.decided - a.decided || b.escalated - a.escalated || a.analyst.localeCompare(b.analyst)),
    sla: { decided, withinSla: within, adherence: decided > 0 ? within / decided : null, byLevel: slaLevels },
  };
}

/** The latest value of every model/metric/scope (risk_metrics_series_idx), book scope first. */
export async function latestRiskMetrics(db: Knex): Promise<RiskMetric[]> {
  const rows = await db.raw<{ rows: RiskMetricRow[] }>(
    `select distinct on (model, metric, scope) *
       from risk_metrics
      order by model, metric, scope, computed_at desc, id desc`,
  );
  return rows.rows.sort((a, b) => a.model.localeCompare(b.model) || Number(b.scope === 'book') - Number(a.scope === 'book') || a.metric.localeCompare(b.metric))
    .slice(0, 500)
    .map(riskMetricView);
}

/** A page of risk events, newest first, and how many there are in all (of the category, if given). */
export async function recentRiskEvents(db: Knex, opts: { category?: string; limit: number; offset?: number }): Promise<{ items: RiskEvent[]; total: number }> {
  const of = () => {
    const q = db<RiskEventRow>('risk_events');
    if (opts.category) q.where({ category: opts.category });
    return q;
  };
  const [items, [count]] = await Promise.all([
    of().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset ?? 0),
    of().count<{ count: string | number }[]>({ count: '*' }),
  ]);
  return { items: items.map(riskEventView), total: Number(count?.count ?? 0) };
}

/** The most points one series answers: the latest ones (a schedule every few minutes makes thousands a month). */
export const MAX_POINTS_PER_SERIES = 500;

/**
 * Each book-level (portfolio) metric over the last `days` days, oldest first: its trend against its
 * threshold. Customer-level rows (scope customer:…) are left out — they are not the portfolio's.
 */
export async function riskMetricHistory(db: Knex, opts: { days: number; model?: string }, now = new Date()): Promise<RiskMetricHistory> {
  const from = new Date(now.getTime() - opts.days * 86_400_000);
  const rows = await db.raw<{ rows: { model: string; metric: string; value: string; threshold: string | null; status: string; computed_at: Date }[] }>(
    `select model, metric, value, threshold, status, computed_at
       from (select *, row_number() over (partition by model, metric order by computed_at desc, id desc) as newest
               from risk_metrics
              where scope = 'book' and computed_at >= ? and computed_at <= ?${opts.model ? ' and model = ?' : ''}) recent
      where newest <= ?
      order by model, metric, computed_at, id`,
    [from, now, ...(opts.model ? [opts.model] : []), MAX_POINTS_PER_SERIES],
  );
  const series = new Map<string, RiskMetricSeries>();
  for (const r of rows.rows) {
    const key = `${r.model}|${r.metric}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { model: r.model, metric: r.metric, points: [] }));
    s.points.push(riskMetricPointView(r));
  }
  return { from: from.toISOString(), to: now.toISOString(), series: [...series.values()] };
}
