// The overview dashboard: today's figures and the last 24 hours, each one SQL aggregate over the
// read model the workflows keep current (indexes: migrations/20261126000400_add_dashboard_read_model).
import type { Knex } from 'knex';

/** The bank's day starts at midnight in Nairobi, whatever the server's time zone. */
export const BANK_TIME_ZONE = 'Africa/Nairobi';

export interface LevelCount {
  low: number;
  medium: number;
  high: number;
}

export interface Overview {
  generatedAt: string;
  timeZone: string;
  /** start of the bank's day (midnight in BANK_TIME_ZONE) */
  dayStart: string;
  today: {
    /** transactions scored since dayStart */
    transactions: number;
    /** their total amount in KES, a decimal string */
    amount: string;
    byLevel: LevelCount;
    /** share of today's transactions approved automatically (low risk), 0..1; null when none */
    autoApprovedShare: number | null;
    decided: number;
    /** mean minutes from case opened to decision, for cases decided today; null when none */
    avgMinutesToDecision: number | null;
    /** SLA escalations and breaches recorded today */
    slaEvents: number;
  };
  openCases: {
    total: number;
    byLevel: { medium: number; high: number };
    escalated: number;
    unassigned: number;
    /** open cases past their SLA due time now */
    overdue: number;
  };
  /** the last 24 hours, hour by hour (oldest first), every hour present */
  hourly: { hour: string; low: number; medium: number; high: number; total: number }[];
  /** rules that fired most often today */
  topRules: { rule: string; hits: number; share: number }[];
}

const num = (v: unknown): number => Number(v ?? 0);

export async function getOverview(db: Knex, now = new Date()): Promise<Overview> {
  const tz = BANK_TIME_ZONE;
  const dayStartRow = await db.raw<{ rows: { day_start: Date }[] }>(`select (date_trunc('day', ?::timestamptz at time zone ?) at time zone ?) as day_start`, [now, tz, tz]);
  const dayStart = new Date(dayStartRow.rows[0]!.day_start);

  const [today, decided, slaEvents, open, hourly, rules] = await Promise.all([
    db('transactions')
      .where('scored_at', '>=', dayStart)
      .whereNotNull('scored_at')
      .first<Record<string, string | null>>(
        db.raw('count(*) as total'),
        db.raw('coalesce(sum(amount), 0)::text as amount'),
        db.raw(`count(*) filter (where risk_level = 'low') as low`),
        db.raw(`count(*) filter (where risk_level = 'medium') as medium`),
        db.raw(`count(*) filter (where risk_level = 'high') as high`),
      ),
    db('analyst_cases')
      .where('decided_at', '>=', dayStart)
      .first<Record<string, string | null>>(db.raw('count(*) as decided'), db.raw('avg(extract(epoch from decided_at - opened_at)) / 60 as avg_minutes')),
    db('case_events').whereIn('event_type', ['sla_escalated', 'sla_breached']).where('occurred_at', '>=', dayStart).first<{ n: string }>(db.raw('count(*) as n')),
    db('analyst_cases')
      .whereNot('status', 'closed')
      .first<Record<string, string | null>>(
        db.raw('count(*) as total'),
        db.raw(`count(*) filter (where risk_level = 'medium') as medium`),
        db.raw(`count(*) filter (where risk_level = 'high') as high`),
        db.raw(`count(*) filter (where status = 'escalated') as escalated`),
        db.raw('count(*) filter (where assignee is null) as unassigned'),
        db.raw('count(*) filter (where sla_due_at < ?) as overdue', [now]),
      ),
    db.raw<{ rows: { hour: Date; low: string; medium: string; high: string; total: string }[] }>(
      `select h.hour, coalesce(a.low, 0) as low, coalesce(a.medium, 0) as medium, coalesce(a.high, 0) as high, coalesce(a.total, 0) as total
         from generate_series(date_trunc('hour', ?::timestamptz) - interval '23 hours', date_trunc('hour', ?::timestamptz), interval '1 hour') as h(hour)
         left join (
           select date_trunc('hour', scored_at) as hour,
                  count(*) filter (where risk_level = 'low') as low,
                  count(*) filter (where risk_level = 'medium') as medium,
                  count(*) filter (where risk_level = 'high') as high,
                  count(*) as total
             from transactions where scored_at >= date_trunc('hour', ?::timestamptz) - interval '23 hours'
            group by 1) a on a.hour = h.hour
        order by h.hour`,
      [now, now, now],
    ),
    db.raw<{ rows: { rule: string; hits: string }[] }>(
      `select h.rule, count(*) as hits
         from transactions t cross join lateral jsonb_array_elements_text(t.rule_hits) as h(rule)
        where t.scored_at >= ?
        group by h.rule
        order by hits desc, h.rule
        limit 10`,
      [dayStart],
    ),
  ]);

  const total = num(today?.total);
  const byLevel = { low: num(today?.low), medium: num(today?.medium), high: num(today?.high) };
  return {
    generatedAt: now.toISOString(),
    timeZone: tz,
    dayStart: dayStart.toISOString(),
    today: {
      transactions: total,
      amount: String(today?.amount ?? '0'),
      byLevel,
      autoApprovedShare: total > 0 ? byLevel.low / total : null,
      decided: num(decided?.decided),
      avgMinutesToDecision: decided?.avg_minutes == null ? null : Math.round(Number(decided.avg_minutes) * 10) / 10,
      slaEvents: num(slaEvents?.n),
    },
    openCases: {
      total: num(open?.total),
      byLevel: { medium: num(open?.medium), high: num(open?.high) },
      escalated: num(open?.escalated),
      unassigned: num(open?.unassigned),
      overdue: num(open?.overdue),
    },
    hourly: hourly.rows.map((r) => ({ hour: new Date(r.hour).toISOString(), low: num(r.low), medium: num(r.medium), high: num(r.high), total: num(r.total) })),
    topRules: rules.rows.map((r) => ({ rule: r.rule, hits: num(r.hits), share: total > 0 ? num(r.hits) / total : 0 })),
  };
}

export interface SystemInfo {
  /** Temporal Web's base URL (TEMPORAL_UI_URL), or null when operators have none */
  temporalUiUrl: string | null;
  temporalNamespace: string;
  timeZone: string;
}
