// Shapes of the Kinga API's JSON as the UI reads them. The UI reaches the system only over HTTP;
// the answers' types are generated from the API's OpenAPI document (generated.ts, `npm run
// api:types`) and named here; what is left hand-written is the UI's own (filters, labels) and the
// JSON the contract leaves open (the score breakdown the workflow records).
import type { components, paths } from './generated';

/** A named schema of the API contract. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
/** The JSON body of a GET answer (200) of the API contract. */
export type GetAnswer<Path extends keyof paths> = paths[Path] extends { get: { responses: { 200: { content: { 'application/json': infer Body } } } } } ? Body : never;

export const ROLES = ['analyst', 'senior_analyst', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type RiskLevel = 'low' | 'medium' | 'high';
export type CaseRiskLevel = Exclude<RiskLevel, 'low'>;
export const CASE_STATUSES = ['assigned', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** What GET /api/cases filters by: a case status, or `open` (assigned or escalated). */
export const CASE_STATUS_FILTERS = ['open', ...CASE_STATUSES] as const;
export type CaseStatusFilter = (typeof CASE_STATUS_FILTERS)[number];

export type User = Schema<'User'>;

export interface LoginRequest {
  username: string;
  password: string;
}

/** POST /api/auth/login: the token, its user and when it stops being accepted. */
export type LoginResponse = Schema<'Session'>;

/** One row of GET /api/cases, with what the caller may do with it. */
export type CaseListItem = Schema<'CaseListItem'>;
export type CasePermissions = Schema<'CasePermissions'>;

export const CHANNELS = ['mobile', 'online', 'atm', 'pos', 'branch', 'agent'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TRANSACTION_TYPES = ['transfer', 'payment', 'purchase', 'withdrawal', 'deposit'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export const QUEUE_SORTS = ['priority', 'opened_at', 'sla_due_at', 'amount', 'risk_score', 'updated_at'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface CaseQueueFilter {
  status?: CaseStatusFilter | '';
  level?: CaseRiskLevel | '';
  /** a username, `me` or `none` */
  assignee?: string;
  channel?: Channel | '';
  minAgeMinutes?: number | '';
  slaWithinMinutes?: number | '';
  overdue?: boolean | '';
  sort?: QueueSort;
  dir?: 'asc' | 'desc' | '';
  limit?: number;
  offset?: number;
}

/** What /healthz answered: reachable or not, and whatever details the API chose to report. */
export interface HealthReport {
  ok: boolean;
  httpStatus: number;
  details: Record<string, unknown>;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const DECISIONS = ['approve', 'block', 'escalate'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The score breakdown and its parts, as the workflow recorded them (risk/types.ts; api/transactions/breakdown.ts). */
export type ScoreBreakdown = Schema<'ScoreBreakdown'>;
export type RuleResult = Schema<'RuleResult'>;
export type AnomalyResult = Schema<'AnomalyResult'>;
/** Tazama's part of the breakdown, when the lifecycle applied it. */
export type TazamaResult = Schema<'TazamaBreakdown'>;

/** A case (GET /api/cases/:id → case). */
export type CaseRecord = Schema<'Case'>;

/** A transaction with its score breakdown. */
export type TransactionRecord = Schema<'Transaction'>;

export type CaseEventRecord = Schema<'CaseEvent'>;

export type CaseDetail = Omit<Schema<'CaseDetail'>, 'transaction'> & { transaction: TransactionRecord | null };

/** The workflow's answer to an accepted decision (the parts the UI shows), or 202: not confirmed in time. */
export type DecisionAnswer =
  | {
      status: 'applied';
      state: {
        status: string;
        stage: string;
        case: { caseId: number; status: CaseStatus; decision: 'approve' | 'block' | null; decidedBy: string | null; escalationLevel: number; requiredRole: Role } | null;
      };
    }
  | { status: 'pending'; requestId: string; followUrl: string };

export type Assignee = GetAnswer<'/api/cases/assignees'>['items'][number];

export type BulkAssignmentResult = paths['/api/cases/assignments']['post']['responses'][200]['content']['application/json'];

export type CustomerTransaction = Schema<'CustomerTransaction'>;

export type Overview = Schema<'Overview'>;

/** GET /api/analytics: the deep-dive figures over a range. */
export type Analytics = Schema<'Analytics'>;
export type GroupRisk = Schema<'GroupRisk'>;

/** A portfolio metric's value as one run computed it (GET /api/risk/metrics). */
export type RiskMetric = Schema<'RiskMetric'>;
/** GET /api/risk/metrics/history: each book-level metric's values, oldest first. */
export type RiskMetricHistory = Schema<'RiskMetricHistory'>;
/** One computed value of a portfolio metric, with the threshold it was judged against then. */
export type RiskMetricPoint = Schema<'RiskMetricPoint'>;
/** A risk event (GET /api/risk/events). */
export type RiskEvent = Schema<'RiskEvent'>;

export type SystemInfo = Schema<'SystemInfo'>;

/** A transaction change on GET /api/stream (event `transaction`). */
export type TransactionChange = Schema<'TransactionChange'>;

/** A case change on GET /api/stream (event `case`). */
export type CaseChange = Schema<'CaseChange'>;
