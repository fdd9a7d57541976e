// IDs, inputs and results of the portfolio-risk workflow and of the notification workflow it
// starts per breach. The workflow, the worker's schedule, the API and the tests import this file.
import type { DeliveryPolicy } from '../../activities/notifications/activities';
import type { MetricStatus, PortfolioModel } from '../../risk/portfolio/types';

export const PORTFOLIO_SCHEDULE_ID = 'kinga-portfolio-risk';
/** The schedule starts runs as `portfolio-risk-<timestamp>` (Temporal appends the time). */
export const PORTFOLIO_WORKFLOW_ID = 'portfolio-risk';

export function portfolioWorkflowId(tag: string): string {
  return `${PORTFOLIO_WORKFLOW_ID}-${tag}`;
}

/** One notifying workflow per breach and severity: a second start while it runs is refused. */
export function breachNotificationWorkflowId(eventKey: string, status: MetricStatus): string {
  return `portfolio-notify-${eventKey}-${status}`;
}

export interface PortfolioRiskInput {
  /** the time the metrics describe (ISO 8601); default: the workflow's start time */
  asOf?: string;
}

export interface BreachOutcome {
  model: PortfolioModel;
  metric: string;
  scope: string;
  value: string;
  threshold: string | null;
  status: MetricStatus;
  eventKey: string;
  /** true when this run created the risk event (false: it updated the day's event) */
  eventCreated: boolean;
  /** CISO Assistant's risk scenario id; null when not raised (see cisoNote) */
  scenarioId: string | null;
  scenarioCreated: boolean | null;
  cisoNote: string | null;
  /** notification rows still to be delivered by the notifying workflow */
  notificationsPending: number;
  /** the notifying workflow started for them, null when none was needed or it was running already */
  notificationWorkflowId: string | null;
}

/** A breach this run found back within its threshold. */
export interface RecoveryOutcome {
  model: PortfolioModel;
  metric: string;
  scope: string;
  /** this run's figure */
  value: string;
  threshold: string | null;
  /** the breach's latest risk event, now marked recovered */
  eventKey: string;
  /** CISO Assistant's risk scenario, null when there was none to update (see cisoNote) */
  scenarioId: string | null;
  /** its treatment afterwards: "cancelled" when closed */
  treatment: string | null;
  closed: boolean;
  /** why the scenario stays open (policy, a treatment a person chose, an older CISO Assistant) */
  keptOpen: string | null;
  cisoNote: string | null;
}

export interface PortfolioRiskSummary {
  runId: string;
  asOf: string;
  asOfDate: string;
  metrics: number;
  /** metrics per status, all scopes */
  statuses: Record<MetricStatus, number>;
  breaches: BreachOutcome[];
  /** breaches of earlier runs that are over (empty for runs recorded before the 'ciso-recovery' patch) */
  recoveries: RecoveryOutcome[];
  notes: string[];
}

export interface BreachNotificationInput {
  notificationKeys: string[];
  policy: DeliveryPolicy;
}

export interface BreachNotificationResult {
  delivered: string[];
  failed: { notificationKey: string; error: string }[];
}
