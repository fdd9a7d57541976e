// Shapes of the Kinga API's JSON as the UI reads them. The UI reaches the system only over HTTP,
// so these mirror the API's answers rather than importing server code.

export const ROLES = ['analyst', 'senior_analyst', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type RiskLevel = 'low' | 'medium' | 'high';
export type CaseRiskLevel = Exclude<RiskLevel, 'low'>;
export const CASE_STATUSES = ['assigned', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** What GET /api/cases filters by: a case status, or `open` (assigned or escalated). */
export const CASE_STATUS_FILTERS = ['open', ...CASE_STATUSES] as const;
export type CaseStatusFilter = (typeof CASE_STATUS_FILTERS)[number];

export interface User {
  username: string;
  displayName: string;
  role: Role;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  user: User;
  /** when the token stops being accepted (ISO 8601) */
  expiresAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * One row of GET /api/cases (the fields the queue shows; the API sends more). Money and scores
 * are decimal strings from PostgreSQL numerics, times ISO 8601 strings.
 */
export interface CaseListItem {
  id: number;
  transaction_ref: string;
  risk_level: CaseRiskLevel;
  status: CaseStatus;
  required_role: Role;
  assignee: string | null;
  sla_due_at: string | null;
  opened_at: string;
  amount: string | number;
  currency?: string;
  channel: string;
  customer_id: string;
  risk_score: string | number | null;
}

export interface CaseQueueFilter {
  status?: CaseStatusFilter | '';
  level?: CaseRiskLevel | '';
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
