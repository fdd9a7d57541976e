// The compliance answers (decision path, replay verdict, audit report, decisions by date) as the
// API gives them: camelCase view models defined once here in zod. The TypeScript types of
// compliance/ are inferred from them, api/compliance/router.ts puts them in the OpenAPI document,
// and the UI's types are generated from that document — one definition, no hand-made copies.
// The evidence files (audit CSV, the printable page, the decisions CSV) keep their documented
// columns (README, "Compliance").
import { z } from 'zod';

/** A named schema or null. (`.nullable()` on a schema with an id would make the named schema itself nullable in the document.) */
const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

export const STEP_KINDS = [
  'workflow_started',
  'transaction_loaded',
  'scored',
  'tazama',
  'routed',
  'case_opened',
  'decision_update',
  'signal',
  'timer_fired',
  'case_change',
  'case_event',
  'activity',
  'activity_failed',
  'code_version',
  'workflow_closed',
] as const;
export const stepKindJson = z.enum(STEP_KINDS);
export type StepKind = z.infer<typeof stepKindJson>;

/** An audit event as the workflow recorded it (workflows/lifecycle/definitions.ts CaseEventView). */
export const workflowCaseEventJson = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    actor: z.string(),
    actorRole: z.string().nullable(),
    note: z.string().nullable(),
    at: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'WorkflowCaseEvent', description: 'An audit event as the workflow recorded it; its seq matches case_events.event_key' });

export const decisionStepJson = z
  .object({
    eventId: z.number().int().meta({ description: "the history event this step is read from (an activity's completion, not its scheduling)" }),
    eventType: z.string().meta({ description: 'e.g. ActivityTaskCompleted' }),
    at: z.string().meta({ description: 'the event time, ISO 8601' }),
    kind: stepKindJson,
    title: z.string().meta({ description: "one line, in the bank's words" }),
    lines: z.array(z.string()).meta({ description: 'further lines: the score breakdown rule by rule, notes, reasons' }),
    data: z.record(z.string(), z.unknown()).meta({ description: 'the decoded inputs and results behind the step' }),
    caseEvents: z.array(workflowCaseEventJson).optional().meta({ description: 'audit events the workflow wrote in this step' }),
  })
  .meta({ id: 'DecisionStep', description: 'One step of a decision path' });
export type DecisionStep = z.infer<typeof decisionStepJson>;

export const decisionOutcomeJson = z
  .object({
    status: z.string().nullable(),
    stage: z.string().nullable(),
    caseId: z.number().int().nullable(),
    decision: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'DecisionOutcome', description: "The workflow's final state as its history records it" });
export type DecisionOutcome = z.infer<typeof decisionOutcomeJson>;

export const decisionPathJson = z
  .object({
    workflowId: z.string().nullable(),
    runId: z.string().nullable(),
    workflowType: z.string().nullable(),
    transactionRef: z.string().nullable(),
    taskQueue: z.string().nullable(),
    startedAt: z.string().nullable(),
    closedAt: z.string().nullable().meta({ description: 'null while the workflow is still running' }),
    complete: z.boolean().meta({ description: "the history ends with the workflow's close" }),
    eventCount: z.number().int(),
    score: z.object({ score: z.number(), level: z.string(), modelVersion: z.string() }).nullable(),
    outcome: orNull(decisionOutcomeJson),
    steps: z.array(decisionStepJson),
  })
  .meta({ id: 'DecisionPath', description: 'What happened to one transaction, read from its workflow history alone' });
export type DecisionPath = z.infer<typeof decisionPathJson>;

export const replayDivergenceJson = z
  .object({
    eventId: z.number().int().meta({ description: 'the first history event the current code does not reproduce' }),
    eventType: z.string(),
    at: z.string().nullable(),
    summary: z.string().meta({ description: 'the event in a few words, e.g. "ActivityTaskScheduled openCase"' }),
    workflowTask: z
      .object({ fromEventId: z.number().int(), toEventId: z.number().int() })
      .nullable()
      .meta({ description: 'the workflow task (its history events) in which the code and the history part ways' }),
    locatedBy: z.enum(['sdk_message', 'prefix_replay']).meta({ description: 'named by the SDK, or found by replaying ever longer prefixes of the history' }),
  })
  .meta({ id: 'ReplayDivergence', description: 'Where a replay left the recorded history' });
export type ReplayDivergence = z.infer<typeof replayDivergenceJson>;

const replayFacts = {
  workflowId: z.string().nullable(),
  runId: z.string().nullable(),
  workflowType: z.string().nullable(),
  eventCount: z.number().int(),
  durationMs: z.number().meta({ description: 'wall time of the replay (and of locating a divergence), for operators' }),
};
export const replayResultJson = z
  .discriminatedUnion('verdict', [
    z.object({ verdict: z.literal('deterministic'), ...replayFacts }),
    z.object({
      verdict: z.literal('diverged'),
      ...replayFacts,
      errorName: z.string().meta({ description: 'DeterminismViolationError (TMPRL1100), or ReplayError when the workflow task itself failed' }),
      message: z.string().meta({ description: "the SDK's whole message" }),
      sdkMessage: z.string().meta({ description: "the core's own words" }),
      divergence: orNull(replayDivergenceJson),
    }),
  ])
  .meta({ id: 'ReplayResult', description: 'The verdict of replaying a history against the current workflow code' });
export type ReplayResult = z.infer<typeof replayResultJson>;

export const replaySourceJson = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cluster'), workflowId: z.string() }),
  z.object({ kind: z.literal('file'), name: z.string().nullable() }),
]);
export const replayReportJson = z
  .object({ source: replaySourceJson, replay: replayResultJson, decisionPath: decisionPathJson })
  .meta({ id: 'ReplayReport', description: 'The replay verdict against the current workflow code, with the decision path' });
export type ReplayReport = z.infer<typeof replayReportJson>;

export const decisionRecordJson = z
  .object({
    eventId: z.number().int(),
    occurredAt: z.string(),
    transactionRef: z.string(),
    caseId: z.number().int().nullable(),
    decision: z.string().meta({ description: 'auto_approve, approve, block, escalate, or refused (a decision the workflow did not apply)' }),
    eventType: z.string(),
    actor: z.string(),
    actorRole: z.string().nullable(),
    note: z.string().nullable(),
    requested: z.string().nullable().meta({ description: 'for a refused decision: what was asked' }),
    reason: z.string().nullable().meta({ description: 'for a refused decision: why it was refused' }),
    amount: z.string().nullable(),
    currency: z.string().nullable(),
    riskLevel: z.string().nullable(),
    riskScore: z.string().nullable(),
    escalationLevel: z.number().int().nullable(),
    transactionStatus: z.string().nullable(),
    workflowId: z.string().nullable(),
  })
  .meta({ id: 'DecisionRecord', description: 'One decision of the audit trail, with its actor and the transaction’s facts' });
export type DecisionRecord = z.infer<typeof decisionRecordJson>;

export const decisionsReportJson = z
  .object({
    from: z.string(),
    to: z.string(),
    count: z.number().int(),
    truncated: z.boolean().meta({ description: 'more decisions fell in the range than this page holds (there is a next page)' }),
    offset: z.number().int().meta({ description: 'the decisions skipped before this page' }),
    total: z.number().int().meta({ description: "the range's decisions over every page" }),
    decisions: z.array(decisionRecordJson),
  })
  .meta({ id: 'DecisionsReport', description: 'A page of the decisions of a period, oldest first' });
export type DecisionsReport = z.infer<typeof decisionsReportJson>;

export const auditTransactionJson = z
  .object({
    transactionRef: z.string(),
    customerId: z.string(),
    accountId: z.string(),
    amount: z.string(),
    currency: z.string(),
    type: z.string(),
    channel: z.string(),
    merchantName: z.string().nullable(),
    city: z.string(),
    country: z.string(),
    occurredAt: z.string(),
    status: z.string(),
    riskScore: z.string().nullable(),
    riskLevel: z.string().nullable(),
    modelVersion: z.string().nullable(),
    workflowId: z.string().nullable(),
    receivedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'AuditTransaction', description: 'The transaction as the database holds it at the time of the report' });
export type AuditTransaction = z.infer<typeof auditTransactionJson>;

export const auditCaseJson = z
  .object({
    caseId: z.number().int(),
    status: z.string(),
    riskLevel: z.string(),
    escalationLevel: z.number().int(),
    escalatedBy: z.array(z.string()),
    assignee: z.string().nullable(),
    decision: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    openedAt: z.string(),
    slaDueAt: z.string(),
  })
  .meta({ id: 'AuditCase', description: 'The case as the database holds it at the time of the report' });
export type AuditCase = z.infer<typeof auditCaseJson>;

export const auditRowJson = z
  .object({
    at: z.string().meta({ description: "the time the row is ordered by: the history event's time when there is one, else the audit row's" }),
    seq: z.number().int().nullable().meta({ description: "the workflow's sequence number of the audit event, when the workflow wrote it" }),
    source: z.enum(['both', 'database', 'workflow']).meta({ description: 'both: the audit row and the history event that wrote it; database / workflow: one side only' }),
    db: z
      .object({
        id: z.number().int(),
        eventKey: z.string(),
        eventType: z.string(),
        actor: z.string(),
        actorRole: z.string().nullable(),
        note: z.string().nullable(),
        caseId: z.number().int().nullable(),
        occurredAt: z.string(),
      })
      .nullable(),
    workflow: z.object({ eventId: z.number().int(), eventType: z.string(), step: stepKindJson, title: z.string(), at: z.string() }).nullable(),
    consistent: z.boolean().meta({ description: 'false when the two sides disagree, or one is missing where the other says it should exist' }),
    remark: z.string().nullable(),
  })
  .meta({ id: 'AuditRow', description: 'One row of the audit report: the database audit event and the history event that wrote it' });
export type AuditRow = z.infer<typeof auditRowJson>;
export type AuditRowDb = NonNullable<AuditRow['db']>;
export type AuditRowWorkflow = NonNullable<AuditRow['workflow']>;

export const auditReportJson = z
  .object({
    transactionRef: z.string(),
    workflowId: z.string(),
    generatedAt: z.string(),
    generatedBy: z.string().nullable(),
    transaction: orNull(auditTransactionJson),
    case: orNull(auditCaseJson),
    decisionPath: orNull(decisionPathJson).meta({ description: 'null when the history could not be read (see historyError)' }),
    historyError: z.string().nullable(),
    replay: orNull(replayResultJson),
    replayError: z.string().nullable(),
    rows: z.array(auditRowJson),
    summary: z.object({
      databaseEvents: z.number().int(),
      workflowSteps: z.number().int(),
      matched: z.number().int(),
      databaseOnly: z.number().int(),
      workflowOnly: z.number().int(),
      inconsistencies: z.number().int(),
      consistent: z.boolean(),
    }),
  })
  .meta({ id: 'AuditReport', description: 'The database audit trail matched against the workflow history' });
export type AuditReport = z.infer<typeof auditReportJson>;
