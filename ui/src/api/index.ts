// The UI's only door to the Kinga API. Views and stores import from here, never call fetch.
export { configureApiClient, type ApiClientHooks, type ApiFile } from './client';
export { ApiError, NetworkError, describeError, type ApiErrorBody, type ApiErrorCode } from './errors';
export { login, revokeSession } from './auth';
export { assignCases, customerTransactions, decideCase, getCase, listAssignees, listCases, releaseCase, takeCase } from './cases';
export { getAnalytics, getOverview, getRiskEvents, getRiskMetricHistory, getRiskMetrics, getSystemInfo } from './dashboards';
export {
  downloadAuditCsv,
  downloadDecisionsCsv,
  downloadHistory,
  getAuditPage,
  getDecisionPath,
  getDecisions,
  replayHistoryFile,
  replayTransaction,
  type DecisionOutcome,
  type DecisionPath,
  type DecisionRecord,
  type DecisionsReport,
  type DecisionStep,
  type DecisionStepKind,
  type InstantRange,
  type ReplayDivergence,
  type ReplayReport,
  type ReplayResult,
} from './compliance';
export { closeAttention, listNeedingAttention, listQuarantine, retryAttention, type AttentionItem, type AttentionResolution, type QuarantinedRow } from './operations';
export { getStreamTicket, streamUrl, STREAM_PATH } from './stream';
export { getHealth, temporalWebUrl, HEALTH_PATH } from './system';
export * from './types';
export * from './admin';
