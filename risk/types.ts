// Domain types shared by scoring, workflows, activities and the API.
// Pure declarations: no I/O, no imports outside this folder.

export const CHANNELS = ['mobile', 'online', 'atm', 'pos', 'branch', 'agent'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TRANSACTION_TYPES = ['transfer', 'payment', 'purchase', 'withdrawal', 'deposit'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** A transaction as Kinga sees it. `amount` is a decimal string in KES (never a float in storage). */
export interface Transaction {
  transactionRef: string;
  customerId: string;
  accountId: string;
  amount: string;
  currency: string;
  type: TransactionType;
  channel: Channel;
  merchantId: string | null;
  merchantName: string | null;
  city: string;
  /** ISO 3166-1 alpha-2; 'KE' is domestic. */
  country: string;
  /** ISO 8601 timestamp with offset, as recorded at the source. */
  occurredAt: string;
}

/** What scoring needs to know beyond the transaction itself, read from the database. */
export interface ScoringContext {
  blacklistedMerchant: { merchantId: string; reason: string } | null;
  customer: CustomerProfile;
}

/** The customer's habits, computed from their history before this transaction. */
export interface CustomerProfile {
  /** transactions seen before this one */
  historyCount: number;
  /** median amount in KES of earlier transactions; null without history */
  medianAmount: number | null;
  /** cities the customer has transacted from before */
  knownCities: string[];
  homeCity: string | null;
  /** earlier transactions in the velocity window (default: the last hour) */
  recentCount: number;
  /** countries (ISO 3166-1 alpha-2) the customer has transacted in before, most frequent first */
  knownCountries: string[];
  /** times (epoch ms) of the customer's earlier transactions in the last 24 hours, newest first */
  recentAt: number[];
}

/** Rule parameters. Points are integer basis points (1/10 000 of the score) so that sums are exact. */
export interface RulePolicy {
  amount: { enabled: boolean; highAmount: number; highPoints: number; elevatedAmount: number; elevatedPoints: number };
  blacklist: { enabled: boolean; points: number };
  merchantKeyword: { enabled: boolean; keywords: string[]; points: number };
  typeAmount: { enabled: boolean; types: TransactionType[]; amount: number; points: number };
  /** an outgoing amount far above what this customer usually moves */
  customerAmount: { enabled: boolean; types: TransactionType[]; multiple: number; minHistory: number; points: number };
  location: {
    enabled: boolean;
    homeCountry: string;
    /** abroad, in a country the customer has used before */
    foreignPoints: number;
    /** abroad, in a country the customer has never used (or a customer without history) */
    firstSeenCountryPoints: number;
    unusualCityPoints: number;
    minHistory: number;
  };
  offHours: { enabled: boolean; timeZone: string; startHour: number; endHour: number; points: number };
  channel: { enabled: boolean; weights: Partial<Record<Channel, { amount: number; points: number }>> };
  velocity: { enabled: boolean; windowMinutes: number; maxCount: number; points: number };
  /** several transactions within minutes: an account being drained */
  burst: { enabled: boolean; windowMinutes: number; minCount: number; points: number };
  /** another transaction shortly after one in the off-hours window (the off-hours rule's window and zone) */
  nightRepeat: { enabled: boolean; windowMinutes: number; minCount: number; points: number };
}

export interface AnomalyPolicy {
  enabled: boolean;
  /** basis points added for a full-strength outlier */
  points: number;
  /** anomaly score (0..1) below which nothing is added */
  threshold: number;
  /** anomaly score at which the full points are added; linear in between */
  saturation: number;
}

export interface LevelThresholds {
  /** basis points at or above which the level is medium */
  medium: number;
  /** basis points at or above which the level is high */
  high: number;
}

export interface ScoringPolicy {
  rules: RulePolicy;
  anomaly: AnomalyPolicy;
  levels: LevelThresholds;
}

export interface RuleResult {
  rule: string;
  label: string;
  hit: boolean;
  points: number;
  /** points / 10 000 */
  contribution: number;
  detail: string;
}

export interface AnomalyResult {
  enabled: boolean;
  modelVersion: number | null;
  /** Liu et al. anomaly score s(x, ψ) in [0, 1]; null when no model is available */
  score: number | null;
  points: number;
  contribution: number;
  detail: string;
}

export interface ScoreBreakdown {
  /** total in [0, 1], rounded to 4 decimals */
  score: number;
  points: number;
  level: RiskLevel;
  rules: RuleResult[];
  anomaly: AnomalyResult;
  thresholds: LevelThresholds;
  /** identifies the rule set and anomaly model that produced this score */
  modelVersion: string;
  /** the rule-set version scored with (absent in breakdowns from before rule sets were data) */
  ruleSetVersion?: number;
  /** Tazama's evaluation and what it added; absent until the lifecycle has applied it */
  tazama?: TazamaBreakdown;
  /** how an amount in another currency was valued in KES; absent for KES transactions */
  fx?: FxConversion;
}

/** An amount in another currency valued in KES at a stored rate (risk/fx.ts). */
export interface FxConversion {
  /** the transaction's own currency and amount */
  currency: string;
  amount: string;
  /** KES for one unit of the currency */
  kesPerUnit: string;
  /** the date the rate was published for (YYYY-MM-DD) */
  rateDate: string;
  source: string | null;
  /** the amount the rules saw */
  amountKes: string;
  detail: string;
}

/** Tazama's part of a score breakdown (built by risk/tazama.ts applyTazama). */
export interface TazamaBreakdown {
  outcome: 'evaluated' | 'disabled' | 'unavailable' | 'timed_out';
  /** ALRT (an alert) or NALT (no alert); null when Tazama gave no evaluation */
  status: 'ALRT' | 'NALT' | null;
  /** the pacs.002 message id the evaluation belongs to */
  msgId: string | null;
  receivedVia: 'push' | 'poll' | null;
  evaluationId: string | null;
  typologies: TazamaTypologyView[];
  /** every rule result behind the typologies, once each */
  rules: TazamaRuleView[];
  /** points before Tazama was applied, so that applying it again replaces rather than adds */
  basePoints: number;
  /** basis points Tazama added */
  points: number;
  /** points / 10 000 */
  contribution: number;
  detail: string;
  /** Tazama blocks the transaction (an interdiction, or the event-flow rule's block condition) */
  blocked?: boolean;
  /** the message it came from, when not the final report: an interdiction */
  source?: 'typology_interdiction' | 'event_flow_interdiction';
}

export interface TazamaTypologyView {
  /** the typology, e.g. "999@1.0.0" */
  id: string;
  score: number;
  alertThreshold: number;
  interdictionThreshold: number | null;
  /** the typology breached its alert threshold */
  alert: boolean;
  /** the score reached the interdiction threshold */
  interdiction: boolean;
  /** rule ids behind the score, e.g. ["901@1.0.0"] */
  ruleIds: string[];
  /** the event-flow rule's band when it acted: a block condition, or an override of the interdiction */
  eventFlow?: 'block' | 'override';
}

export interface TazamaRuleView {
  /** e.g. "901@1.0.0" */
  id: string;
  /** the band the rule landed in, e.g. ".02" */
  subRuleRef: string;
  weight: number | null;
  /** the measured value, when Tazama reports it */
  value: number | null;
  reason: string | null;
}
