// The audit report of one transaction: the database audit trail (case_events) and the workflow's
// own record of the same steps (its history), side by side. Rows are matched on the sequence
// number the workflow gives every audit event (case_events.event_key = "<workflowId>:<seq>") and
// ordered by time, so a missing, extra or altered row on either side stands out.
// Pure: inputs in, report / CSV / HTML out.
import { stringify } from 'csv-stringify/sync';
import type { CaseEventView } from '../workflows/lifecycle/definitions';
import type { AuditCase, AuditTransaction, CaseEventRow, DecisionRecord } from './auditTrail';
import { seqOfEventKey } from './auditTrail';
import { formatAmount, type DecisionPath, type DecisionStep } from './decisionPath';
import { formatReplayVerdict, type ReplayResult } from './replay';
import type { AuditReport, AuditRow, AuditRowDb, AuditRowWorkflow } from './views';

export type { AuditReport, AuditRow, AuditRowDb, AuditRowWorkflow } from './views';

export interface AuditInput {
  transactionRef: string;
  workflowId: string;
  caseEvents: CaseEventRow[];
  transaction: AuditTransaction | null;
  case: AuditCase | null;
  decisionPath: DecisionPath | null;
  historyError?: string | null;
  replay?: ReplayResult | null;
  replayError?: string | null;
  generatedBy?: string | null;
  now?: Date;
}

function dbSide(r: CaseEventRow): AuditRowDb {
  return { id: r.id, eventKey: r.eventKey, eventType: r.eventType, actor: r.actor, actorRole: r.actorRole, note: r.note, caseId: r.caseId, occurredAt: r.occurredAt };
}

function workflowSide(s: DecisionStep): AuditRowWorkflow {
  return { eventId: s.eventId, eventType: s.eventType, step: s.kind, title: s.title, at: s.at };
}

/** What differs between the audit row and the event the workflow meant to write. */
function differences(row: CaseEventRow, event: CaseEventView): string[] {
  const out: string[] = [];
  if (row.eventType !== event.type) out.push(`type ${row.eventType} ≠ ${event.type}`);
  if (row.actor !== event.actor) out.push(`actor ${row.actor} ≠ ${event.actor}`);
  if ((row.actorRole ?? null) !== (event.actorRole ?? null)) out.push(`role ${row.actorRole} ≠ ${event.actorRole}`);
  if ((row.note ?? null) !== (event.note ?? null)) out.push(`note differs`);
  if (Date.parse(row.occurredAt) !== Date.parse(event.at)) out.push(`time ${row.occurredAt} ≠ ${event.at}`);
  return out;
}

export function buildAuditReport(input: AuditInput): AuditReport {
  const { workflowId } = input;
  const path = input.decisionPath;
  const keyed = new Map<string, CaseEventRow>();
  for (const r of input.caseEvents) keyed.set(r.eventKey, r);
  const used = new Set<number>();
  // ordered by time; at equal times history events first (by event id), then API-only rows (by id)
  const rows: (AuditRow & { order: [number, number, number] })[] = [];

  for (const step of path?.steps ?? []) {
    const wf = workflowSide(step);
    const order: [number, number, number] = [Date.parse(step.at), 0, step.eventId];
    if (!step.caseEvents?.length) {
      rows.push({ at: step.at, seq: null, source: 'workflow', db: null, workflow: wf, consistent: true, remark: null, order });
      continue;
    }
    for (const event of step.caseEvents) {
      const row = keyed.get(`${workflowId}:${event.seq}`);
      if (!row) {
        rows.push({
          at: step.at,
          seq: event.seq,
          source: 'workflow',
          db: null,
          workflow: { ...wf, title: `${wf.title} [audit event ${event.seq}: ${event.type} by ${event.actor}]` },
          consistent: false,
          remark: `the workflow recorded audit event ${event.seq} (${event.type}) but case_events has no such row`,
          order,
        });
        continue;
      }
      used.add(row.id);
      const diff = differences(row, event);
      rows.push({
        at: step.at,
        seq: event.seq,
        source: 'both',
        db: dbSide(row),
        workflow: wf,
        consistent: diff.length === 0,
        remark: diff.length ? `differs from the history: ${diff.join('; ')}` : null,
        order,
      });
    }
  }

  for (const r of input.caseEvents) {
    if (used.has(r.id)) continue;
    const seq = seqOfEventKey(r.eventKey, workflowId);
    const fromWorkflow = seq !== null;
    rows.push({
      at: r.occurredAt,
      seq,
      source: 'database',
      db: dbSide(r),
      workflow: null,
      // Only rows keyed by this workflow claim to come from it; others (case assignment) are the API's.
      consistent: !fromWorkflow || !path,
      remark: fromWorkflow
        ? path
          ? `no event in the workflow history wrote this audit row (seq ${seq})`
          : 'the workflow history could not be read to confirm this row'
        : 'recorded by the API outside the workflow (e.g. case assignment)',
      order: [Date.parse(r.occurredAt), 1, r.id],
    });
  }

  rows.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]);
  const clean = rows.map(({ order: _order, ...row }) => row);
  const matched = clean.filter((r) => r.source === 'both').length;
  const databaseOnly = clean.filter((r) => r.source === 'database').length;
  const workflowOnly = clean.filter((r) => r.source === 'workflow').length;
  const inconsistencies = clean.filter((r) => !r.consistent).length + (input.historyError ? 1 : 0);
  return {
    transactionRef: input.transactionRef,
    workflowId,
    generatedAt: (input.now ?? new Date()).toISOString(),
    generatedBy: input.generatedBy ?? null,
    transaction: input.transaction,
    case: input.case,
    decisionPath: path,
    historyError: input.historyError ?? null,
    replay: input.replay ?? null,
    replayError: input.replayError ?? null,
    rows: clean,
    summary: {
      databaseEvents: input.caseEvents.length,
      workflowSteps: path?.steps.length ?? 0,
      matched,
      databaseOnly,
      workflowOnly,
      inconsistencies,
      consistent: inconsistencies === 0,
    },
  };
}

// ------------------------------------------------------------------------------------------------
// CSV

export const AUDIT_CSV_COLUMNS = [
  'transaction_ref',
  'workflow_id',
  'at',
  'source',
  'consistent',
  'remark',
  'seq',
  'db_event_id',
  'db_event_type',
  'db_actor',
  'db_actor_role',
  'db_note',
  'db_case_id',
  'db_occurred_at',
  'wf_event_id',
  'wf_event_type',
  'wf_step',
  'wf_title',
  'wf_at',
] as const;

export function auditReportCsv(report: AuditReport): string {
  const records = report.rows.map((r) => [
    report.transactionRef,
    report.workflowId,
    r.at,
    r.source,
    r.consistent ? 'yes' : 'no',
    r.remark ?? '',
    r.seq ?? '',
    r.db?.id ?? '',
    r.db?.eventType ?? '',
    r.db?.actor ?? '',
    r.db?.actorRole ?? '',
    r.db?.note ?? '',
    r.db?.caseId ?? '',
    r.db?.occurredAt ?? '',
    r.workflow?.eventId ?? '',
    r.workflow?.eventType ?? '',
    r.workflow?.step ?? '',
    r.workflow?.title ?? '',
    r.workflow?.at ?? '',
  ]);
  return stringify(records, { header: true, columns: [...AUDIT_CSV_COLUMNS], escape_formulas: true });
}

export const DECISIONS_CSV_COLUMNS = [
  'occurred_at',
  'transaction_ref',
  'case_id',
  'decision',
  'event_type',
  'actor',
  'actor_role',
  'note',
  'requested',
  'reason',
  'amount',
  'currency',
  'risk_level',
  'risk_score',
  'escalation_level',
  'transaction_status',
  'workflow_id',
  'audit_event_id',
] as const;

export function decisionsCsv(decisions: DecisionRecord[]): string {
  const records = decisions.map((d) => [
    d.occurredAt,
    d.transactionRef,
    d.caseId ?? '',
    d.decision,
    d.eventType,
    d.actor,
    d.actorRole ?? '',
    d.note ?? '',
    d.requested ?? '',
    d.reason ?? '',
    d.amount ?? '',
    d.currency ?? '',
    d.riskLevel ?? '',
    d.riskScore ?? '',
    d.escalationLevel ?? '',
    d.transactionStatus ?? '',
    d.workflowId ?? '',
    d.eventId,
  ]);
  return stringify(records, { header: true, columns: [...DECISIONS_CSV_COLUMNS], escape_formulas: true });
}

// ------------------------------------------------------------------------------------------------
// printable HTML

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Everything shown on the page comes from data someone typed: every value is escaped. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const e = escapeHtml;

function definitionList(pairs: [string, unknown][]): string {
  return `<dl>${pairs
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`)
    .join('')}</dl>`;
}

function replaySection(report: AuditReport): string {
  if (report.replayError) return `<p class="warn">Replay against the current workflow code could not run: ${e(report.replayError)}</p>`;
  const r = report.replay;
  if (!r) return '';
  if (r.verdict === 'deterministic') {
    return `<p class="ok"><strong>Replay verdict: deterministic.</strong> The current workflow code, fed the ${e(r.eventCount)} recorded events, makes exactly the recorded decisions.</p>`;
  }
  const d = r.divergence;
  return `<p class="bad"><strong>Replay verdict: diverged.</strong> ${d ? `First divergence at event ${e(d.eventId)} (${e(d.summary)}${d.at ? `, ${e(d.at)}` : ''}).` : ''} ${e(r.sdkMessage)}</p>`;
}

const PRINT_CSS = `
  :root { font-family: "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111; }
  body { margin: 2rem; font-size: 13px; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid #999; }
  .meta { color: #444; margin: 0 0 1rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
  dt { font-weight: 600; } dd { margin: 0; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #bbb; padding: .25rem .4rem; vertical-align: top; text-align: left; }
  th { background: #eee; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.inconsistent td { background: #fde2e2; }
  .ok { color: #0a5d2a; } .bad { color: #9b1111; } .warn { color: #8a5a00; }
  pre { white-space: pre-wrap; font-size: 11px; margin: .2rem 0 0; }
  .small { font-size: 11px; color: #555; }
  @page { size: A4 landscape; margin: 12mm; }
  @media print {
    body { margin: 0; font-size: 10.5px; }
    tr { page-break-inside: avoid; }
    thead { display: table-header-group; }
    h2 { page-break-after: avoid; }
    a { color: inherit; text-decoration: none; }
  }
`;

/** A self-contained, printable HTML page of the report (no scripts, no external resources). */
export function auditReportHtml(report: AuditReport): string {
  const t = report.transaction;
  const c = report.case;
  const p = report.decisionPath;
  const s = report.summary;
  const score = p?.score;
  const scored = p?.steps.find((st) => st.kind === 'scored');
  const rules = (scored?.data.rules as { rule: string; label: string; hit: boolean; contribution: number; detail: string }[] | undefined) ?? [];

  const rows = report.rows
    .map(
      (r) => `<tr class="${r.consistent ? '' : 'inconsistent'}">
  <td>${e(r.at)}</td>
  <td>${r.workflow ? `#${e(r.workflow.eventId)} ${e(r.workflow.eventType)}<br>${e(r.workflow.title)}` : '<span class="small">—</span>'}</td>
  <td>${r.db ? `#${e(r.db.id)} <strong>${e(r.db.eventType)}</strong> by ${e(r.db.actor)}${r.db.actorRole ? ` (${e(r.db.actorRole)})` : ''}${r.db.note ? `<br>“${e(r.db.note)}”` : ''}<br><span class="small">${e(r.db.occurredAt)}</span>` : '<span class="small">—</span>'}</td>
  <td class="num">${e(r.seq ?? '')}</td>
  <td>${r.consistent ? 'ok' : '<strong>check</strong>'}${r.remark ? `<br><span class="small">${e(r.remark)}</span>` : ''}</td>
</tr>`,
    )
    .join('\n');

  const steps = (p?.steps ?? [])
    .map((st) => `<tr><td class="num">${e(st.eventId)}</td><td>${e(st.at)}</td><td>${e(st.kind)}</td><td>${e(st.title)}${st.lines.length ? `<pre>${e(st.lines.join('\n'))}</pre>` : ''}</td></tr>`)
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit report — transaction ${e(report.transactionRef)}</title>
<style>${PRINT_CSS}</style>
</head>
<body>
<h1>Audit report — transaction ${e(report.transactionRef)}</h1>
<p class="meta">Workflow ${e(report.workflowId)}${p?.runId ? `, run ${e(p.runId)}` : ''} · generated ${e(report.generatedAt)}${report.generatedBy ? ` by ${e(report.generatedBy)}` : ''} · Kinga</p>

<h2>Verdict</h2>
<p class="${s.consistent ? 'ok' : 'bad'}"><strong>${s.consistent ? 'The audit trail and the workflow history agree.' : `${e(s.inconsistencies)} point(s) need checking.`}</strong>
 ${e(s.matched)} audit rows matched to history events, ${e(s.databaseOnly)} only in the database, ${e(s.workflowOnly)} workflow steps without an audit row.</p>
${report.historyError ? `<p class="bad">The workflow history could not be read: ${e(report.historyError)}</p>` : ''}
${replaySection(report)}

<h2>Transaction</h2>
${
  t
    ? definitionList([
        ['Reference', t.transactionRef],
        ['Amount', `${formatAmount(t.amount)} ${t.currency}`],
        ['Type / channel', `${t.type} via ${t.channel}`],
        ['Merchant', t.merchantName],
        ['Place', `${t.city}, ${t.country}`],
        ['Occurred', t.occurredAt],
        ['Customer / account', `${t.customerId} / ${t.accountId}`],
        ['Status', t.status],
        ['Risk', t.riskLevel ? `${t.riskLevel} (score ${t.riskScore})` : null],
        ['Model version', t.modelVersion],
        ['Received / closed', `${t.receivedAt} / ${t.closedAt ?? 'open'}`],
      ])
    : '<p class="warn">No row in the transactions table.</p>'
}

${
  score
    ? `<h2>Score (from the workflow history)</h2>
<p>Score <strong>${e(score.score)}</strong> → <strong>${e(score.level)}</strong> risk, model ${e(score.modelVersion)}.</p>
<table><thead><tr><th>Rule</th><th>Hit</th><th>Contribution</th><th>Detail</th></tr></thead><tbody>
${rules.map((r) => `<tr><td>${e(r.label)} <span class="small">(${e(r.rule)})</span></td><td>${r.hit ? 'yes' : ''}</td><td class="num">${e(r.contribution.toFixed(2))}</td><td>${e(r.detail)}</td></tr>`).join('\n')}
</tbody></table>`
    : ''
}

${
  c
    ? `<h2>Case</h2>${definitionList([
        ['Case', c.caseId],
        ['Status', c.status],
        ['Risk level', c.riskLevel],
        ['Escalation level', c.escalationLevel],
        ['Escalated by', c.escalatedBy.join(', ')],
        ['Decision', c.decision],
        ['Decided by', c.decidedBy],
        ['Decided at', c.decidedAt],
        ['Note', c.decisionNote],
        ['Opened / SLA due', `${c.openedAt} / ${c.slaDueAt}`],
      ])}`
    : ''
}

<h2>Audit trail and workflow history, side by side</h2>
<table>
<thead><tr><th style="width:11rem">Time</th><th>Workflow history</th><th>Audit trail (case_events)</th><th>Seq</th><th>Check</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">No events.</td></tr>'}
</tbody>
</table>

<h2>Decision path (read from the history)</h2>
<table>
<thead><tr><th>Event</th><th style="width:11rem">Time</th><th>Step</th><th>What happened</th></tr></thead>
<tbody>
${steps || '<tr><td colspan="4">No history.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}

// ------------------------------------------------------------------------------------------------
// text

/** The report as text for a terminal: the side-by-side table, one row a line. */
export function formatAuditText(report: AuditReport): string {
  const out: string[] = [];
  const t = report.transaction;
  out.push(`Audit report — transaction ${report.transactionRef} (workflow ${report.workflowId}), generated ${report.generatedAt}`);
  if (t) out.push(`${formatAmount(t.amount)} ${t.currency} ${t.type} via ${t.channel}; status ${t.status}; risk ${t.riskLevel ?? '?'} (${t.riskScore ?? '?'}), model ${t.modelVersion ?? '?'}`);
  if (report.case) out.push(`Case ${report.case.caseId}: ${report.case.status}${report.case.decision ? `, ${report.case.decision} by ${report.case.decidedBy} at ${report.case.decidedAt}` : ''}`);
  if (report.historyError) out.push(`History: ${report.historyError}`);
  if (report.replay) out.push(formatReplayVerdict(report.replay));
  if (report.replayError) out.push(`Replay could not run: ${report.replayError}`);
  const s = report.summary;
  out.push(
    `${s.consistent ? 'CONSISTENT' : 'CHECK'}: ${s.matched} audit rows matched to history events, ${s.databaseOnly} only in the database, ${s.workflowOnly} workflow steps without an audit row, ${s.inconsistencies} inconsistencies`,
    '',
    `${'time'.padEnd(24)}  ${'seq'.padStart(3)}  ${'workflow history'.padEnd(60)}  audit trail (case_events)`,
  );
  for (const r of report.rows) {
    const wf = r.workflow ? `#${r.workflow.eventId} ${r.workflow.title}` : '—';
    const db = r.db ? `#${r.db.id} ${r.db.eventType} by ${r.db.actor}${r.db.note ? ` "${r.db.note}"` : ''}` : '—';
    out.push(`${r.at.padEnd(24)}  ${String(r.seq ?? '').padStart(3)}  ${(wf.length > 60 ? `${wf.slice(0, 59)}…` : wf).padEnd(60)}  ${db}${r.consistent ? '' : `  <-- ${r.remark}`}`);
  }
  return out.join('\n');
}

/** The decisions report as text for a terminal. */
export function formatDecisionsText(rows: DecisionRecord[], truncated: boolean): string {
  const out = rows.map(
    (d) =>
      `${d.occurredAt}  ${d.transactionRef.padEnd(24)}  ${d.decision.padEnd(12)}  ${`${d.actor}${d.actorRole ? ` (${d.actorRole})` : ''}`.padEnd(36)}  ${d.riskLevel ?? ''} ${d.amount ? `${formatAmount(d.amount)} ${d.currency}` : ''}${d.note ? `  "${d.note}"` : ''}`,
  );
  out.push(`${rows.length} decision(s)${truncated ? ' — cut at the limit; narrow the range or raise --limit' : ''}`);
  return out.join('\n');
}
