// The decision path read from recorded histories alone, the checks that refuse what is not a
// history, and the audit report built from a path and audit rows (pure: no server needed).
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { HistoryError, parseHistoryText, validateHistory } from '../../compliance/history';
import { formatDecisionPath, scoreLines } from '../../compliance/decisionPath';
import { applyTazama, tazamaOutcome, type TazamaEvaluation } from '../../risk/tazama';
import type { ScoreBreakdown } from '../../risk/types';
import { auditReportCsv, auditReportHtml, buildAuditReport, escapeHtml } from '../../compliance/auditReport';
import type { CaseEventRow } from '../../compliance/auditTrail';
import { corpus, corpusFiles, decided, pick, updates } from './corpus';

const input = (s: { data: Record<string, unknown> }) => s.data.input as { decision: string; note?: string; actor: { username: string; role: string } };
const blocked = () => pick('a case blocked through the decide update', (p) => decided(p, 'block'));

describe('decision path of the recorded histories', () => {
  it('there are recorded histories to read', () => {
    expect(corpusFiles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(corpusFiles)('%s: start, transaction, score breakdown, outcome with its actor, in event order', (file) => {
    const p = corpus.find((h) => h.file === file)!.path;
    expect(p.workflowType).toBe('transactionLifecycle');
    expect(p.complete).toBe(true);
    expect(p.steps[0]).toMatchObject({ kind: 'workflow_started', eventId: 1 });
    expect(p.steps.at(-1)).toMatchObject({ kind: 'workflow_closed' });
    const ids = p.steps.map((s) => s.eventId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const s of p.steps) expect(Date.parse(s.at), `step #${s.eventId} has a time`).not.toBeNaN();

    expect(p.outcome?.decision).toBeTruthy();
    expect(p.outcome?.decidedBy).toBeTruthy();
    // closed by an operator from needs_attention before it could be loaded and scored: no score to show
    if (p.outcome?.status === 'closed_by_operator' && !p.steps.some((s) => s.kind === 'scored')) return;

    const loaded = p.steps.find((s) => s.kind === 'transaction_loaded')!;
    expect((loaded.data.transaction as any).transactionRef).toBe(p.transactionRef);

    const scored = p.steps.find((s) => s.kind === 'scored')!;
    expect(scored.data).toMatchObject({ score: expect.any(Number), level: expect.stringMatching(/^(low|medium|high)$/), modelVersion: expect.any(String) });
    const rules = scored.data.rules as any[];
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r).toMatchObject({ rule: expect.any(String), hit: expect.any(Boolean), contribution: expect.any(Number) });
    expect(scored.data.anomaly).toBeDefined();
    // the breakdown adds up to the recorded score (rules, anomaly and Tazama when present; capped at 1)
    const total = rules.reduce((n, r) => n + r.points, 0) + (scored.data.anomaly as any).points + ((scored.data.tazama as any)?.points ?? 0);
    expect(Math.min(total, 10_000)).toBe(scored.data.points);
    // the summary carries the score routing used (Kinga's own, plus Tazama's section when applied)
    const routed = p.steps.find((s) => s.kind === 'routed')!;
    expect(p.score).toEqual({ score: routed.data.score, level: routed.data.level, modelVersion: scored.data.modelVersion });
  });

  it('auto-approval: low risk, routed without a case, decided by the system', () => {
    const p = pick('an automatic approval', (x) => x.outcome?.decision === 'auto_approve').path;
    expect(p.score!.level).toBe('low');
    expect(p.steps.find((s) => s.kind === 'routed')!.caseEvents!.map((e) => e.type)).toEqual(['scored', 'auto_approved']);
    expect(p.steps.some((s) => s.kind === 'case_opened')).toBe(false);
    expect(p.outcome).toMatchObject({ status: 'approved', decision: 'auto_approve', decidedBy: 'system:lifecycle' });
  });

  it('block: the decide update with its actor and note, applied; the case closed as blocked by that actor', () => {
    const p = blocked().path;
    const update = updates(p).find((s) => input(s).decision === 'block')!;
    const actor = input(update).actor;
    expect(update.data).toMatchObject({ updateName: 'decide', outcome: 'applied' });
    expect(update.title).toContain(`block by ${actor.username} (${actor.role})`);
    expect(p.steps.find((s) => s.kind === 'case_opened')!.data.caseId).toEqual(expect.any(Number));
    const change = p.steps.find((s) => s.kind === 'case_change' && s.caseEvents![0]!.type === 'blocked')!;
    expect(change.caseEvents![0]).toMatchObject({ actor: actor.username, actorRole: actor.role, note: input(update).note });
    expect(p.outcome).toMatchObject({ status: 'blocked', decision: 'block', decidedBy: actor.username });
  });

  it('escalations by their actors, then the decision by someone who did not escalate (four-eyes)', () => {
    const p = pick('two escalations before a decision', (x) => updates(x).filter((s) => input(s).decision === 'escalate').length >= 2).path;
    const escalators = updates(p).filter((s) => input(s).decision === 'escalate').map((s) => input(s).actor.username);
    const changes = p.steps.filter((s) => s.kind === 'case_change').map((s) => [s.caseEvents![0]!.type, s.caseEvents![0]!.actor]);
    expect(changes.filter(([type]) => type === 'escalated').map(([, actor]) => actor)).toEqual(escalators);
    expect(p.outcome!.decidedBy).toBeTruthy();
    expect(escalators).not.toContain(p.outcome!.decidedBy);
  });

  it('a refused signalled decision is shown with its actor and reason; the accepted one with its actor', () => {
    const p = pick('a refused signalled decision', (x) => x.steps.some((s) => s.caseEvents?.some((e) => e.type === 'decision_refused'))).path;
    const signals = p.steps.filter((s) => s.kind === 'signal' && s.data.signalName === 'analystDecision');
    const refused = p.steps.find((s) => s.caseEvents?.some((e) => e.type === 'decision_refused'))!;
    expect(refused.caseEvents![0]!.actor).toBe(input(signals[0]!).actor.username);
    expect(refused.lines.join('\n')).toMatch(/refused: role \w+ may not decide/);
    expect(p.outcome!.decidedBy).toBe(input(signals.at(-1)!).actor.username);
  });

  it('SLA: the timers that fired and the escalations the system made', () => {
    const p = pick('an SLA timer that fired', (x) => x.steps.some((s) => s.kind === 'timer_fired')).path;
    const timers = p.steps.filter((s) => s.kind === 'timer_fired');
    expect(timers[0]!.title).toMatch(/fired after .+: SLA deadline reached/);
    const sla = p.steps.filter((s) => s.caseEvents?.some((e) => e.type === 'sla_escalated'));
    expect(sla.length).toBeGreaterThan(0);
    expect(sla[0]!.caseEvents![0]).toMatchObject({ actor: 'system:sla' });
    expect(sla[0]!.eventId).toBeGreaterThan(timers[0]!.eventId);
  });

  it("Tazama's section, when present, is part of the breakdown: status, typologies, rules and what it added", () => {
    const scored = blocked().path.steps.find((s) => s.kind === 'scored')!;
    const base = { ...(scored.data as any), points: 6000, score: 0.6, level: 'medium' } as ScoreBreakdown;
    const evaluation: TazamaEvaluation = {
      evaluationId: 'eval-1',
      status: 'ALRT',
      timestamp: '2026-11-25T10:00:00Z',
      msgId: 'msg-1',
      networkMapId: '004@1.0.0',
      typologies: [
        {
          id: '999@1.0.0',
          processor: 'typology-processor@1.0.0',
          score: 400,
          review: true,
          alertThreshold: 300,
          interdictionThreshold: null,
          flowProcessor: null,
          rules: [{ id: '901@1.0.0', cfg: '1.0.0', subRuleRef: '.03', weight: 400, value: 9, reason: 'many debtor transactions' }],
        },
      ],
    };
    const withTazama = applyTazama(base, tazamaOutcome.evaluated('msg-1', evaluation, 'push'), { alertPoints: 3000 });
    const text = scoreLines(withTazama).join('\n');
    expect(text).toMatch(/Tazama: evaluated ALRT \(via push\) \+0\.30/);
    expect(text).toMatch(/typology 999@1\.0\.0: score 400 \(alert at 300\) ALERT; rules 901@1\.0\.0/);
    expect(text).toMatch(/rule 901@1\.0\.0 band \.03: many debtor transactions/);
  });

  it('needs_attention: the failed step with its reason, the operators\' retries and close with their actors, as the audit trail has them', () => {
    const caseEventsOf = (x: ReturnType<typeof pick>['path']) => x.steps.flatMap((s) => s.caseEvents ?? []);
    const retried = pick('a retry from needs_attention that then completed', (x) => caseEventsOf(x).some((e) => e.type === 'attention_retried') && x.outcome?.status === 'approved').path;
    const trail = caseEventsOf(retried).map((e) => [e.type, e.actor]);
    expect(trail[0]).toEqual(['needs_attention', 'system:lifecycle']);
    expect(trail.filter(([type]) => type === 'attention_retried').every(([, actor]) => !actor.startsWith('system:'))).toBe(true);
    const failed = retried.steps.find((s) => s.caseEvents?.[0]?.type === 'needs_attention')!;
    expect(failed.lines.join('\n')).toMatch(/failed step: scoring \[invalid_data\]/);
    expect(retried.steps.some((s) => s.kind === 'activity_failed')).toBe(true);
    expect(retried.outcome).toMatchObject({ status: 'approved', decision: 'auto_approve' });

    const closed = pick('a close from needs_attention', (x) => x.outcome?.status === 'closed_by_operator').path;
    const close = caseEventsOf(closed).find((e) => e.type === 'attention_closed')!;
    expect(close.actor).not.toMatch(/^system:/);
    expect(closed.outcome).toMatchObject({ status: 'closed_by_operator', decision: 'close', decidedBy: close.actor, note: close.note });
    expect(updates(closed).map((s) => [s.data.updateName, s.data.outcome])).toContainEqual(['closeAttention', 'applied']);
  });

  it('reads as text: every step on its own line, the breakdown rule by rule', () => {
    const { path: p } = blocked();
    const text = formatDecisionPath(p);
    const actor = input(updates(p).find((s) => input(s).decision === 'block')!).actor.username;
    expect(text).toMatch(/^Decision path of /);
    expect(text).toMatch(/#1 +\S+ +started/);
    expect(text).toMatch(/scored +score [\d.]+ → \w+ risk/);
    expect(text).toMatch(/\+ amount +\+0\.\d\d/);
    expect(text).toContain(`update decide accepted: block by ${actor}`);
    expect(text).toMatch(new RegExp(`Outcome: blocked, case \\d+, decision block by ${actor}`));
  });
});

describe('what is not a history is refused with the reason', () => {
  const refused = (text: string) => {
    try {
      parseHistoryText(text, 'upload.json');
    } catch (err) {
      expect(err).toBeInstanceOf(HistoryError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };

  it('corrupt JSON', () => {
    expect(refused('{"events": [{"eventId": "1",')).toMatch(/^upload\.json is not valid JSON/);
    expect(refused('')).toMatch(/upload\.json is empty/);
  });

  it('JSON that is not a history', () => {
    expect(refused('[1, 2, 3]')).toMatch(/is an array, not a Temporal history/);
    expect(refused('{"transactionRef": "X"}')).toMatch(/not a Temporal history: it has no "events" array \(its keys: transactionRef\)/);
    expect(refused('{"events": {}}')).toMatch(/"events" is an object, not an array/);
    expect(refused('{"events": []}')).toMatch(/has no events/);
  });

  it('a history with events missing, out of order or without attributes', () => {
    const good = corpus[0]!.json();
    const gap = structuredClone(good);
    gap.events.splice(4, 1);
    expect(refused(JSON.stringify(gap))).toMatch(/events\[4\] has eventId 6 where 5 was expected/);
    const cut = structuredClone(good);
    cut.events.splice(0, 1);
    expect(refused(JSON.stringify(cut))).toMatch(/events\[0\] has eventId 2 where 1 was expected/);
    const bare = structuredClone(good);
    delete bare.events[2].workflowTaskStartedEventAttributes;
    expect(refused(JSON.stringify(bare))).toMatch(/events\[2\] \(eventId 3, EVENT_TYPE_WORKFLOW_TASK_STARTED\) must have exactly one …EventAttributes object, found none/);
    expect(() => validateHistory(good)).not.toThrow();
  });
});

describe('audit report from a history and audit rows', () => {
  const p = blocked().path;
  const workflowId = p.workflowId!;
  const written = p.steps.flatMap((s) => s.caseEvents ?? []);
  const rowsFor = (mutate?: (rows: CaseEventRow[]) => void): CaseEventRow[] => {
    const rows = written.map((e, i) => ({
      id: 100 + i,
      eventKey: `${workflowId}:${e.seq}`,
      transactionRef: p.transactionRef!,
      caseId: e.type === 'scored' ? null : 7,
      eventType: e.type,
      actor: e.actor,
      actorRole: e.actorRole,
      note: e.note,
      payload: e.details ?? {},
      occurredAt: e.at,
    }));
    mutate?.(rows);
    return rows;
  };
  const build = (rows: CaseEventRow[]) =>
    buildAuditReport({ transactionRef: p.transactionRef!, workflowId, caseEvents: rows, transaction: null, case: null, decisionPath: p, now: new Date('2026-11-26T08:00:00Z') });

  it('matches every audit row to the history event that wrote it', () => {
    const report = build(rowsFor());
    expect(report.summary).toMatchObject({ databaseEvents: written.length, matched: written.length, databaseOnly: 0, consistent: true });
    const row = report.rows.find((r) => r.db?.eventType === 'blocked')!;
    expect(row).toMatchObject({ source: 'both', consistent: true, workflow: { step: 'case_change' } });
    // ordered by time, history steps in event order
    const ids = report.rows.map((r) => r.workflow?.eventId).filter((id): id is number => id !== undefined);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('flags a row that says something else than the history, a missing row and an extra one', () => {
    const report = build(
      rowsFor((rows) => {
        rows.find((r) => r.eventType === 'blocked')!.actor = 'someone-else';
        rows.splice(rows.findIndex((r) => r.eventType === 'case_opened'), 1);
        rows.push({ ...rows[0]!, id: 999, eventKey: `${workflowId}:99`, eventType: 'approved' });
        rows.push({ ...rows[0]!, id: 1000, eventKey: 'assignment:7:abc', eventType: 'case_assigned', actor: 'amina' });
      }),
    );
    expect(report.summary.consistent).toBe(false);
    expect(report.rows.find((r) => r.db?.eventType === 'blocked')).toMatchObject({ consistent: false, remark: expect.stringMatching(/actor someone-else ≠ /) });
    expect(report.rows.find((r) => r.source === 'workflow' && r.seq !== null)).toMatchObject({ consistent: false, remark: expect.stringMatching(/case_opened.*no such row/) });
    expect(report.rows.find((r) => r.db?.id === 999)).toMatchObject({ source: 'database', consistent: false });
    expect(report.rows.find((r) => r.db?.id === 1000)).toMatchObject({ source: 'database', consistent: true, remark: expect.stringMatching(/by the API/) });
    expect(report.summary.inconsistencies).toBe(3);
  });

  it('CSV has both sides per row; HTML escapes what people typed', () => {
    const report = build(rowsFor((rows) => (rows.find((r) => r.eventType === 'blocked')!.note = '<script>alert(1)</script> & "x"')));
    const records = parse(auditReportCsv(report), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(report.rows.length);
    const record = records.find((r) => r.db_event_type === 'blocked')!;
    expect(record).toMatchObject({ source: 'both', db_actor: p.outcome!.decidedBy, wf_step: 'case_change', wf_event_type: 'ActivityTaskCompleted', consistent: 'no' });
    expect(records.some((r) => r.wf_event_type === 'WorkflowExecutionStarted' && r.db_event_id === '')).toBe(true);

    const html = auditReportHtml(report);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(html).toMatch(/@media print/);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
