// Portfolio-risk activities: compute the metrics (reading transactions and the bank's input
// tables), record them (idempotent by run id), record each escalated breach as a risk event (one
// per breach per day), and raise its management notification. Every write is keyed so that a
// retried activity or a repeated run updates instead of duplicating.
import type { Logger } from 'pino';
import type { NotificationConfig } from '../../config/notifications';
import type { PortfolioConfig } from '../../config/portfolio';
import type { Db } from '../../db/connection';
import {
  breachEventKey,
  breachSummary,
  breachTitle,
  computePortfolio,
  isEscalated,
  MATRIX_LEVEL_NAMES,
  rateBreach,
  type PortfolioMetric,
} from '../../risk/portfolio';
import type { ScenarioRecovery, ScenarioResult } from '../ciso/activities';
import { deliveryPolicy, raiseNotification, type DeliveryPolicy, type RaisedNotification } from '../notifications/activities';
import { daysBefore, localDate, readActivity, readLiquidity, readMarket } from './inputs';

export interface PortfolioActivityDeps {
  db: Db;
  portfolio: PortfolioConfig;
  notifications: NotificationConfig;
  logger: Logger;
}

export interface ComputedPortfolio {
  asOf: string;
  /** the bank's calendar date of asOf: the period of a breach */
  asOfDate: string;
  metrics: PortfolioMetric[];
  notes: string[];
}

export interface RecordedBreach {
  metricId: number;
  metric: PortfolioMetric;
}

export interface RecordedEvent {
  eventKey: string;
  eventId: number;
  created: boolean;
  /** the severity before this run, null for a new event */
  previousSeverity: string | null;
}

/** A breach whose metric this run finds back within its threshold. */
export interface RecoveredBreach {
  /** the breach's latest risk event */
  eventKey: string;
  /** its severity when last seen */
  severity: string;
  /** this run's figure, status OK */
  metric: PortfolioMetric;
}

export interface RaisedBreachNotification {
  notifications: RaisedNotification[];
  policy: DeliveryPolicy;
}

const RECIPIENT = 'management';

export function createPortfolioActivities({ db, portfolio, notifications, logger }: PortfolioActivityDeps) {
  const log = logger.child({ component: 'portfolio' });
  const inputAgeDays = Math.ceil(portfolio.inputMaxAgeMs / 86_400_000);

  return {
    async computePortfolioMetrics({ asOf }: { asOf: string }): Promise<ComputedPortfolio> {
      if (Number.isNaN(Date.parse(asOf))) throw new Error(`asOf "${asOf}" is not a time`);
      const asOfDate = localDate(asOf, portfolio.timeZone);
      const oldest = daysBefore(asOfDate, inputAgeDays);
      const [activity, liquidity, market] = await Promise.all([
        portfolio.credit.enabled ? readActivity(db, asOf, portfolio.credit) : Promise.resolve(null),
        portfolio.liquidity.enabled ? readLiquidity(db, asOfDate, oldest) : Promise.resolve(null),
        // twice the VaR window of rates: the window itself and a longer history for the stress
        portfolio.market.enabled ? readMarket(db, asOfDate, oldest, portfolio.market.varWindow * 2 + 1) : Promise.resolve(null),
      ]);
      const result = computePortfolio({ activity, liquidity, market }, portfolio);
      const notes = [...result.notes];
      if (market && market.asOfDate !== asOfDate) notes.push(`market: positions of ${market.asOfDate}`);
      if (liquidity && liquidity.asOfDate !== asOfDate) notes.push(`liquidity: inputs of ${liquidity.asOfDate}`);
      log.info({ asOf, metrics: result.metrics.length, breaches: result.metrics.filter(isEscalated).length }, 'portfolio metrics computed');
      return { asOf, asOfDate, metrics: result.metrics, notes };
    },

    /** One row per metric of this run (unique by run id, model, metric, scope). Returns the escalated breaches. */
    async recordPortfolioMetrics({ runId, asOf, metrics }: { runId: string; asOf: string; metrics: PortfolioMetric[] }): Promise<{ recorded: number; breaches: RecordedBreach[] }> {
      if (metrics.length === 0) return { recorded: 0, breaches: [] };
      const rows = metrics.map((m) => ({
        model: m.model,
        metric: m.metric,
        scope: m.scope,
        value: m.value,
        threshold: m.threshold,
        status: m.status,
        details: JSON.stringify({ ...m.details, asOf }),
        run_id: runId,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await db('risk_metrics').insert(rows.slice(i, i + 500)).onConflict(['run_id', 'model', 'metric', 'scope']).ignore();
      }
      const stored = await db('risk_metrics').where({ run_id: runId }).select<{ id: number; model: string; metric: string; scope: string }[]>('id', 'model', 'metric', 'scope');
      const ids = new Map(stored.map((r) => [`${r.model}|${r.metric}|${r.scope}`, r.id]));
      const breaches = metrics.filter(isEscalated).map((m) => ({ metricId: ids.get(`${m.model}|${m.metric}|${m.scope}`)!, metric: m }));
      return { recorded: stored.length, breaches };
    },

    /**
     * The breach as a risk event: one row per breach (model, metric, scope) per day in the bank's
     * time zone. A later run the same day updates it (value, severity, latest metric, occurrences).
     */
    async recordPortfolioRiskEvent(args: { runId: string; asOf: string; metricId: number; breach: PortfolioMetric }): Promise<RecordedEvent> {
      const m = args.breach;
      const period = localDate(args.asOf, portfolio.timeZone);
      const eventKey = breachEventKey(m, period);
      const rating = rateBreach(m);
      const details = {
        ...breachFacts(m),
        period,
        asOf: args.asOf,
        lastRunId: args.runId,
        rating: { probability: rating.probability, impact: rating.impact, level: MATRIX_LEVEL_NAMES[rating.level] },
      };
      const result = await db.raw<{ rows: { id: number; inserted: boolean; previous_severity: string | null }[] }>(
        `with previous as (select severity from risk_events where event_key = :eventKey)
         insert into risk_events as e (event_key, category, severity, title, description, risk_metric_id, details)
         values (:eventKey, :category, :severity, :title, :description, :metricId, jsonb_build_object('occurrences', 1, 'firstRunId', cast(:runId as text)) || cast(:details as jsonb))
         on conflict (event_key) do update set
           severity = excluded.severity,
           title = excluded.title,
           description = excluded.description,
           risk_metric_id = excluded.risk_metric_id,
           -- a retried activity of the same run does not count as another occurrence; a breach
           -- back the same day after a recovery is open again
           details = (e.details - 'recovery') || cast(:details as jsonb) || jsonb_build_object('occurrences',
             coalesce((e.details ->> 'occurrences')::int, 1) + case when e.details ->> 'lastRunId' = cast(:runId as text) then 0 else 1 end),
           updated_at = now()
         returning id, (xmax = 0) as inserted, (select severity from previous) as previous_severity`,
        {
          eventKey,
          category: m.model,
          severity: m.status.toLowerCase(),
          title: `Kinga: ${breachTitle(m)}`,
          description: breachSummary(m),
          metricId: args.metricId,
          runId: args.runId,
          details: JSON.stringify(details),
        },
      );
      const row = result.rows[0]!;
      return { eventKey, eventId: row.id, created: row.inserted, previousSeverity: row.inserted ? null : row.previous_severity };
    },

    /**
     * Breaches that are over: the latest risk event of each breach (model, metric, scope), seen
     * before this run's time and not yet marked recovered (or marked, but CISO Assistant was not
     * reachable then), whose metric this run finds OK. A metric this run did not compute (model
     * off, inputs missing) proves nothing and recovers nothing.
     */
    async findRecoveredBreaches({ asOf, metrics }: { asOf: string; metrics: PortfolioMetric[] }): Promise<RecoveredBreach[]> {
      const ok = new Map(metrics.filter((m) => m.status === 'OK' && m.threshold !== null && !m.scope.startsWith('customer:')).map((m) => [`${m.model}|${m.metric}|${m.scope}`, m]));
      if (ok.size === 0) return [];
      type EventDetails = { model: string; metric: string; scope: string; asOf: string; recovery?: { cisoRetry?: boolean } };
      const latest = await db.raw<{ rows: { event_key: string; severity: string; details: EventDetails }[] }>(
        `select distinct on (details ->> 'model', details ->> 'metric', details ->> 'scope') event_key, severity, details
           from risk_events
          where event_key like 'portfolio:%'
          order by details ->> 'model', details ->> 'metric', details ->> 'scope', details ->> 'period' desc, id desc`,
      );
      const asOfMs = Date.parse(asOf);
      const out: RecoveredBreach[] = [];
      for (const e of latest.rows) {
        const m = ok.get(`${e.details.model}|${e.details.metric}|${e.details.scope}`);
        if (!m || !(Date.parse(e.details.asOf) < asOfMs)) continue;
        if (e.details.recovery && !e.details.recovery.cisoRetry) continue;
        out.push({ eventKey: e.event_key, severity: e.severity, metric: m });
      }
      if (out.length) log.info({ asOf, recovered: out.map((r) => r.eventKey) }, 'breaches back within their thresholds');
      return out;
    },

    /**
     * Marks the breach's risk event recovered: the first run that saw it over (value, time) stays;
     * what CISO Assistant answered is replaced by the latest attempt. `cisoRetry`: the register
     * could not be reached, the next run tries again.
     */
    async recordBreachRecovery(args: { eventKey: string; runId: string; asOf: string; metric: PortfolioMetric; scenario: ScenarioRecovery | null; cisoNote: string | null; cisoRetry: boolean }): Promise<void> {
      const ciso = args.scenario
        ? { scenarioId: args.scenario.scenarioId, refId: args.scenario.refId, treatment: args.scenario.treatment, closed: args.scenario.closed, keptOpen: args.scenario.keptOpen, url: args.scenario.url }
        : { note: args.cisoNote ?? 'no CISO Assistant risk scenario was raised for this breach' };
      const recovery = { asOf: args.asOf, runId: args.runId, value: args.metric.value, threshold: args.metric.threshold, ciso, cisoRetry: args.cisoRetry };
      await db('risk_events')
        .where({ event_key: args.eventKey })
        .update({
          // the first sighting's time and value stay; ciso and cisoRetry are the latest attempt's
          details: db.raw(
            `details || jsonb_build_object('recovery', cast(? as jsonb) || coalesce((details -> 'recovery') - 'ciso' - 'cisoRetry', '{}'::jsonb) || jsonb_build_object('ciso', cast(? as jsonb), 'cisoRetry', cast(? as boolean)))`,
            [JSON.stringify(recovery), JSON.stringify(ciso), args.cisoRetry],
          ),
          updated_at: db.fn.now(),
        });
      log.info({ eventKey: args.eventKey, value: args.metric.value, ciso }, 'breach recovered');
    },

    /**
     * Records what CISO Assistant answered on the event, and raises the management notification
     * (one row per channel, keyed by event and severity: a breach that worsens notifies again,
     * the same breach on a later run of the day does not).
     */
    async raisePortfolioNotification(args: {
      eventKey: string;
      breach: PortfolioMetric;
      asOf: string;
      scenario: ScenarioResult | null;
      /** why there is no scenario: CISO Assistant off, or its error */
      cisoNote: string | null;
    }): Promise<RaisedBreachNotification> {
      const m = args.breach;
      const rating = rateBreach(m);
      const ciso = args.scenario
        ? { scenarioId: args.scenario.scenarioId, refId: args.scenario.refId, name: args.scenario.name, url: args.scenario.url, level: args.scenario.level }
        : { note: args.cisoNote };
      return db.transaction(async (trx) => {
        await trx('risk_events')
          .where({ event_key: args.eventKey })
          .update({
            ...(args.scenario ? { external_ref: args.scenario.scenarioId } : {}),
            details: trx.raw(`details || jsonb_build_object('ciso', cast(? as jsonb))`, [JSON.stringify(ciso)]),
            updated_at: trx.fn.now(),
          });
        const lines = [
          breachSummary(m),
          '',
          m.details.description,
          `Value: ${m.value}   threshold: ${m.threshold}${m.details.critical ? `   critical: ${m.details.critical}` : ''}`,
          `Likelihood and impact: ${rating.rationale}`,
          args.scenario
            ? `CISO Assistant risk scenario ${args.scenario.refId} "${args.scenario.name}": ${args.scenario.url}`
            : `CISO Assistant not updated: ${args.cisoNote ?? 'unknown reason'}`,
          `As of ${args.asOf}; Kinga risk event ${args.eventKey}.`,
        ];
        const raised = await raiseNotification(trx, notifications, {
          key: `${args.eventKey}:${m.status}`,
          kind: 'risk_breach',
          recipientRole: RECIPIENT,
          subject: `[Kinga] ${m.status}: ${breachSummary(m)}`,
          body: lines.join('\n'),
          payload: {
            eventKey: args.eventKey,
            ...breachFacts(m),
            asOf: args.asOf,
            ciso,
          },
        });
        return { notifications: raised, policy: deliveryPolicy(notifications) };
      });
    },
  };
}

export type PortfolioActivities = ReturnType<typeof createPortfolioActivities>;

/** What a breach is, as the risk event's details and the notification's payload both state it. */
function breachFacts(m: PortfolioMetric) {
  return { model: m.model, metric: m.metric, scope: m.scope, value: m.value, threshold: m.threshold, critical: m.details.critical, status: m.status };
}
