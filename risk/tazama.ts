// Tazama's evaluation in Kinga's terms: the parser for what Tazama sends (admin report, relay push,
// or the bare report) and how an evaluation joins the score breakdown. Pure: no I/O, no clock, and
// no dependencies, so the lifecycle workflow may call it directly.
import { levelFor, MAX_POINTS } from './score';
import type { RiskLevel, ScoreBreakdown, TazamaBreakdown, TazamaRuleView, TazamaTypologyView } from './types';

export type TazamaStatus = 'ALRT' | 'NALT';

/** One rule's result inside a typology (Tazama's RuleResult). */
export interface TazamaRuleResult {
  /** rule processor and version, e.g. "901@1.0.0" */
  id: string;
  cfg: string;
  /** the band the rule landed in, e.g. ".02"; "none" for the event-flow rule */
  subRuleRef: string;
  /** the rule's weight in the typology score */
  weight: number | null;
  /** indpdntVarbl: the value the rule measured */
  value: number | null;
  reason: string | null;
}

/** One typology's result (Tazama's TypologyResult, thresholds taken out of `workflow`). */
export interface TazamaTypologyResult {
  /** the typology configuration, e.g. "999@1.0.0" (Tazama's `cfg`) */
  id: string;
  /** the processor that scored it, e.g. "typology-processor@1.0.0" (Tazama's `id`) */
  processor: string;
  /** the weighted typology score (Tazama's `result`) */
  score: number;
  /** true when the score breached the alert threshold (Tazama's `review`) */
  review: boolean;
  alertThreshold: number;
  interdictionThreshold: number | null;
  flowProcessor: string | null;
  rules: TazamaRuleResult[];
}

/**
 * Where an evaluation came from. Tazama's relay forwards three kinds of message: the
 * event-adjudicator's final report (`{message, report, transaction, networkMap}`), the typology
 * processor's interdiction (`{typologyResult, transaction, networkMap, DataCache, metaData}`, sent
 * when a typology reaches its interdiction threshold) and the event-flow rule's interdiction
 * (`{ruleResult, transaction, …}` with subRuleRef "block": a block condition on the debtor or
 * creditor). Absent means a report (evaluations recorded before interdictions were read).
 */
export type TazamaSource = 'report' | 'typology_interdiction' | 'event_flow_interdiction';

/** Tazama's verdict on one transaction, as Kinga keeps it. Plain JSON: it travels in signals. */
export interface TazamaEvaluation {
  source?: TazamaSource;
  /** the event-flow rule's block, for an event-flow interdiction */
  eventFlowBlock?: TazamaRuleResult;
  evaluationId: string;
  status: TazamaStatus;
  /** when Tazama decided, ISO 8601; null when the report did not say */
  timestamp: string | null;
  /** the pacs.002 MsgId the evaluation belongs to, when the document carries the transaction */
  msgId: string | null;
  /** the network-map message the typologies ran under, e.g. "004@1.0.0" */
  networkMapId: string | null;
  typologies: TazamaTypologyResult[];
}

export type TazamaOutcome =
  | { kind: 'evaluated'; msgId: string; evaluation: TazamaEvaluation; receivedVia: 'push' | 'poll' }
  | { kind: 'disabled' | 'unavailable' | 'timed_out'; detail: string };

export interface TazamaPolicy {
  /** basis points an ALRT adds (0.3 = 3000) */
  alertPoints: number;
  /**
   * The least level an ALRT leaves the transaction at (TAZAMA_ALERT_LEVEL, default medium: the
   * bank's fraud system raised an alert, so a person looks at it). Unset: the alert only adds its
   * points (lifecycles that started before this policy existed).
   */
  alertMinLevel?: RiskLevel;
  /** The least level of a block from Tazama (an interdiction); unset: treated as an alert. */
  blockMinLevel?: RiskLevel;
}

/** A document that is not a Tazama evaluation; `path` names the offending field. */
export class TazamaShapeError extends Error {
  override name = 'TazamaShapeError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

// --- parsing ---------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new TazamaShapeError(path, v === undefined ? 'is required' : `must be an object, got ${describe(v)}`);
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new TazamaShapeError(path, v === undefined ? 'is required' : `must be a non-empty string, got ${describe(v)}`);
  return v;
}

function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TazamaShapeError(path, v === undefined ? 'is required' : `must be a number, got ${describe(v)}`);
  return v;
}

function optNum(v: unknown, path: string): number | null {
  return v === undefined || v === null ? null : num(v, path);
}

function optStr(v: unknown, path: string): string | null {
  return v === undefined || v === null ? null : str(v, path);
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new TazamaShapeError(path, v === undefined ? 'is required' : `must be an array, got ${describe(v)}`);
  return v;
}

/**
 * Finds the report in any of the documents Tazama hands out: the admin-service answer
 * `{message, data: {transaction, report, …}}`, its stored evaluation row, the relay's push
 * `{message, report, transaction, networkMap}`, or the bare report itself.
 */
function locate(json: unknown): { report: Obj; reportPath: string; container: Obj | null } {
  const root = obj(json, 'evaluation');
  if (isObj(root.data) && 'report' in root.data) return { report: obj(root.data.report, 'data.report'), reportPath: 'data.report', container: root.data };
  if ('report' in root) return { report: obj(root.report, 'report'), reportPath: 'report', container: root };
  if ('tadpResult' in root || 'status' in root) return { report: root, reportPath: 'report', container: null };
  throw new TazamaShapeError('report', 'is required (expected a Tazama evaluation {report: {status, tadpResult, …}}, or an interdiction {typologyResult | ruleResult, transaction})');
}

function msgIdOf(container: Obj | null): string | null {
  if (!container) return null;
  const t = container.transaction;
  if (isObj(t) && isObj(t.FIToFIPmtSts) && isObj(t.FIToFIPmtSts.GrpHdr) && typeof t.FIToFIPmtSts.GrpHdr.MsgId === 'string') {
    return t.FIToFIPmtSts.GrpHdr.MsgId;
  }
  return typeof container.transactionID === 'string' ? container.transactionID : null;
}

function parseRule(v: unknown, path: string): TazamaRuleResult {
  const r = obj(v, path);
  return {
    id: str(r.id, `${path}.id`),
    cfg: str(r.cfg, `${path}.cfg`),
    subRuleRef: str(r.subRuleRef, `${path}.subRuleRef`),
    weight: optNum(r.wght, `${path}.wght`),
    value: optNum(r.indpdntVarbl, `${path}.indpdntVarbl`),
    reason: optStr(r.reason, `${path}.reason`),
  };
}

function parseTypology(v: unknown, path: string): TazamaTypologyResult {
  const t = obj(v, path);
  const workflow = obj(t.workflow, `${path}.workflow`);
  const score = num(t.result, `${path}.result`);
  const alertThreshold = num(workflow.alertThreshold, `${path}.workflow.alertThreshold`);
  if (t.review !== undefined && typeof t.review !== 'boolean') throw new TazamaShapeError(`${path}.review`, `must be a boolean, got ${describe(t.review)}`);
  return {
    id: str(t.cfg, `${path}.cfg`),
    processor: str(t.id, `${path}.id`),
    score,
    // older processors leave `review` out; it means the alert threshold was reached
    review: typeof t.review === 'boolean' ? t.review : score >= alertThreshold,
    alertThreshold,
    interdictionThreshold: optNum(workflow.interdictionThreshold, `${path}.workflow.interdictionThreshold`),
    flowProcessor: optStr(workflow.flowProcessor, `${path}.workflow.flowProcessor`),
    rules: arr(t.ruleResults, `${path}.ruleResults`).map((r, i) => parseRule(r, `${path}.ruleResults[${i}]`)),
  };
}

/** The pacs.002 MsgId of an interdiction message, which carries the transaction but no report. */
function interdictionMsgId(root: Obj): string {
  const t = obj(root.transaction, 'transaction');
  const sts = obj(t.FIToFIPmtSts, 'transaction.FIToFIPmtSts');
  return str(obj(sts.GrpHdr, 'transaction.FIToFIPmtSts.GrpHdr').MsgId, 'transaction.FIToFIPmtSts.GrpHdr.MsgId');
}

function networkMapIdOf(root: Obj): string | null {
  const map = root.networkMap;
  if (!isObj(map) || !Array.isArray(map.messages) || !isObj(map.messages[0])) return null;
  return typeof map.messages[0].id === 'string' ? map.messages[0].id : null;
}

/** The typology processor's interdiction: one typology that reached its interdiction threshold. */
function parseTypologyInterdiction(root: Obj): TazamaEvaluation {
  const msgId = interdictionMsgId(root);
  const typology = parseTypology(root.typologyResult, 'typologyResult');
  return {
    source: 'typology_interdiction',
    evaluationId: `interdiction:${msgId}:${typology.id}`,
    status: 'ALRT',
    timestamp: null,
    msgId,
    networkMapId: networkMapIdOf(root),
    typologies: [{ ...typology, review: true }],
  };
}

/** The event-flow rule's interdiction: a block condition is in effect for a party of the payment. */
function parseEventFlowInterdiction(root: Obj): TazamaEvaluation {
  const msgId = interdictionMsgId(root);
  const rule = parseRule(root.ruleResult, 'ruleResult');
  if (rule.subRuleRef !== 'block') throw new TazamaShapeError('ruleResult.subRuleRef', `must be "block" in an event-flow interdiction, got ${describe(rule.subRuleRef)}`);
  return {
    source: 'event_flow_interdiction',
    eventFlowBlock: rule,
    evaluationId: `interdiction:${msgId}:${rule.id}`,
    status: 'ALRT',
    timestamp: null,
    msgId,
    networkMapId: networkMapIdOf(root),
    typologies: [],
  };
}

/** Reads a Tazama evaluation from any document Tazama sends; throws TazamaShapeError naming the bad field. */
export function parseTazamaEvaluation(json: unknown): TazamaEvaluation {
  if (isObj(json) && !('report' in json) && !isObj(json.data)) {
    if ('typologyResult' in json) return parseTypologyInterdiction(json);
    if ('ruleResult' in json) return parseEventFlowInterdiction(json);
  }
  const { report, reportPath: p, container } = locate(json);
  const status = report.status;
  if (status !== 'ALRT' && status !== 'NALT') {
    throw new TazamaShapeError(`${p}.status`, status === undefined ? 'is required' : `must be "ALRT" or "NALT", got ${describe(status)}`);
  }
  const tadp = obj(report.tadpResult, `${p}.tadpResult`);
  const typologies = arr(tadp.typologyResult, `${p}.tadpResult.typologyResult`).map((t, i) => parseTypology(t, `${p}.tadpResult.typologyResult[${i}]`));
  return {
    evaluationId: str(report.evaluationID, `${p}.evaluationID`),
    status,
    // the documented sample carries `timestamp: {}` (a Date that lost its value in JSON)
    timestamp: typeof report.timestamp === 'string' ? report.timestamp : null,
    msgId: msgIdOf(container),
    networkMapId: typeof tadp.id === 'string' ? tadp.id : null,
    typologies,
  };
}

// --- outcomes --------------------------------------------------------------------------------

/** "30 s", "1.5 min", "2 h": how long Kinga waited, in words an analyst reads. */
export function formatWait(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

export const tazamaOutcome = {
  disabled: (): TazamaOutcome => ({ kind: 'disabled', detail: 'Tazama is switched off' }),
  unavailable: (reason: string): TazamaOutcome => ({ kind: 'unavailable', detail: `Tazama could not be reached (${reason})` }),
  timedOut: (timeoutMs: number): TazamaOutcome => ({ kind: 'timed_out', detail: `Tazama did not answer within ${formatWait(timeoutMs)}` }),
  evaluated: (msgId: string, evaluation: TazamaEvaluation, receivedVia: 'push' | 'poll'): TazamaOutcome => ({ kind: 'evaluated', msgId, evaluation, receivedVia }),
};

// --- the breakdown ---------------------------------------------------------------------------

/** The event-flow rule's band in a typology ("none", "override", "block"), when it has one. */
function flowBand(t: TazamaTypologyResult): string | null {
  if (!t.flowProcessor) return null;
  return t.rules.find((r) => r.id === t.flowProcessor)?.subRuleRef ?? null;
}

/**
 * An interdiction as the typology processor decides it: the score reached the interdiction
 * threshold, and the event-flow rule neither blocks (that is already an alert of its own) nor
 * overrides it.
 */
function interdicts(t: TazamaTypologyResult): boolean {
  const band = flowBand(t);
  return t.interdictionThreshold !== null && t.score >= t.interdictionThreshold && band !== 'block' && band !== 'override';
}

/**
 * Why Tazama blocks this transaction, or null when it does not: an interdiction message, a
 * typology at its interdiction threshold, or the event-flow rule's block condition.
 */
export function tazamaBlockReason(e: TazamaEvaluation): string | null {
  if (e.source === 'event_flow_interdiction') {
    return `the event-flow rule ${e.eventFlowBlock?.id ?? 'EFRuP'} is in "block": a block condition on the debtor or creditor is in effect`;
  }
  const reasons: string[] = [];
  for (const t of e.typologies) {
    if (flowBand(t) === 'block') reasons.push(`typology ${t.id}: the event-flow rule ${t.flowProcessor} is in "block" (a block condition on the debtor or creditor is in effect)`);
    else if (interdicts(t) || (e.source === 'typology_interdiction' && flowBand(t) !== 'override')) {
      reasons.push(`typology ${t.id} scored ${t.score}, at or above its interdiction threshold ${t.interdictionThreshold ?? '(not reported)'}`);
    }
  }
  return reasons.length > 0 ? reasons.join('; ') : null;
}

function typologyView(t: TazamaTypologyResult): TazamaTypologyView {
  const band = flowBand(t);
  return {
    id: t.id,
    score: t.score,
    alertThreshold: t.alertThreshold,
    interdictionThreshold: t.interdictionThreshold,
    alert: t.review,
    interdiction: interdicts(t) || band === 'block',
    ruleIds: t.rules.map((r) => r.id),
    ...(band === 'block' || band === 'override' ? { eventFlow: band } : {}),
  };
}

function ruleViews(e: TazamaEvaluation): TazamaRuleView[] {
  const seen = new Map<string, TazamaRuleView>();
  const all = [...(e.eventFlowBlock ? [e.eventFlowBlock] : []), ...e.typologies.flatMap((t) => t.rules)];
  for (const r of all) {
    if (!seen.has(r.id)) seen.set(r.id, { id: r.id, subRuleRef: r.subRuleRef, weight: r.weight, value: r.value, reason: r.reason });
  }
  return [...seen.values()];
}

function describeTypology(t: TazamaTypologyResult): string {
  const band = flowBand(t);
  const bands = t.rules.filter((r) => r.id !== t.flowProcessor && r.subRuleRef !== 'none' && (r.weight ?? 0) !== 0).map((r) => `${r.id} ${r.subRuleRef}`);
  const rules = bands.length > 0 ? ` (rules ${bands.join(', ')})` : '';
  if (band === 'block') {
    // The typology processor marks the typology for review whatever its score: the score did not do it.
    return `typology ${t.id}: the event-flow rule ${t.flowProcessor} is in "block" (a block condition on the debtor or creditor is in effect); its score ${t.score} is ${t.score >= t.alertThreshold ? 'at or above' : 'below'} its alert threshold ${t.alertThreshold}${rules}`;
  }
  const reached = t.score >= t.alertThreshold;
  let text = `typology ${t.id} scored ${t.score}, ${reached ? 'at or above' : 'below'} its alert threshold ${t.alertThreshold}`;
  if (t.interdictionThreshold !== null && t.score >= t.interdictionThreshold) {
    text += band === 'override' ? ` and its interdiction threshold ${t.interdictionThreshold}, overridden by the event-flow rule ${t.flowProcessor}` : ` and its interdiction threshold ${t.interdictionThreshold}`;
  }
  if (t.review && !reached) text += ', marked for review by Tazama';
  return text + rules;
}

function thresholdPoints(level: RiskLevel, thresholds: ScoreBreakdown['thresholds']): number {
  if (level === 'high') return thresholds.high;
  if (level === 'medium') return thresholds.medium;
  return 0;
}

const OWN_SCORE = "decided on Kinga's own score";

/**
 * A new breakdown with Tazama's section. An ALRT adds `alertPoints` (the total capped at 10 000)
 * and the level is recomputed with the breakdown's own thresholds; any other outcome adds nothing
 * and says why. Applying again replaces the earlier Tazama section instead of adding twice.
 */
export function applyTazama(breakdown: ScoreBreakdown, outcome: TazamaOutcome, policy: TazamaPolicy): ScoreBreakdown {
  const basePoints = breakdown.tazama ? breakdown.tazama.basePoints : breakdown.points;
  const base = { ...breakdown, tazama: undefined };
  const finish = (section: Omit<TazamaBreakdown, 'basePoints' | 'contribution'>): ScoreBreakdown => {
    const points = Math.min(MAX_POINTS, Math.max(0, basePoints + section.points));
    const added = points - basePoints;
    return {
      ...base,
      points,
      score: points / MAX_POINTS,
      level: levelFor(points, breakdown.thresholds),
      tazama: { ...section, basePoints, points: added, contribution: added / MAX_POINTS },
    };
  };

  if (outcome.kind !== 'evaluated') {
    return finish({
      outcome: outcome.kind,
      status: null,
      msgId: null,
      receivedVia: null,
      evaluationId: null,
      typologies: [],
      rules: [],
      points: 0,
      detail: `${outcome.detail}: ${OWN_SCORE}`,
    });
  }

  const { evaluation } = outcome;
  const alert = evaluation.status === 'ALRT';
  const alertPoints = Math.max(0, Math.round(policy.alertPoints));
  const blockReason = alert ? tazamaBlockReason(evaluation) : null;
  const shown = alert ? evaluation.typologies.filter((t) => t.review) : evaluation.typologies;
  const why = evaluation.source === 'event_flow_interdiction' ? (blockReason ?? '') : (shown.length > 0 ? shown : evaluation.typologies).map(describeTypology).join('; ');
  const via = `by ${outcome.receivedVia}`;
  let head: string;
  if (!alert) head = `Tazama found no alert (NALT, ${via})`;
  else if (evaluation.source === 'typology_interdiction') head = `Tazama interdicted the transaction (the typology processor's block, ${via})`;
  else if (evaluation.source === 'event_flow_interdiction') head = `Tazama blocked the transaction (the event-flow rule's interdiction, ${via})`;
  else if (blockReason) head = `Tazama raised an alert with a block (ALRT, ${via})`;
  else head = `Tazama raised an alert (ALRT, ${via})`;

  // The level an alert or a block leaves the transaction at, at least; without a policy for it,
  // the alert only adds its points.
  const floor = blockReason && policy.blockMinLevel ? policy.blockMinLevel : alert ? policy.alertMinLevel : undefined;
  const floorPoints = floor ? thresholdPoints(floor, breakdown.thresholds) : 0;
  const wanted = alert ? Math.max(alertPoints, floorPoints - basePoints) : 0;
  const room = MAX_POINTS - basePoints;
  let effect: string;
  if (!alert) effect = 'adds nothing';
  else if (wanted > alertPoints && floor) {
    const what = blockReason && policy.blockMinLevel ? `a block from Tazama holds the transaction as a ${floor} case` : `an alert from Tazama is at least a ${floor} case`;
    effect = `+${wanted / MAX_POINTS} to reach the ${floor} threshold ${floorPoints / MAX_POINTS}: ${what}`;
  } else if (alertPoints === 0) effect = 'the alert weight is 0: adds nothing';
  else if (room < alertPoints) effect = `+${Math.max(0, room) / MAX_POINTS} (capped at a score of 1)`;
  else effect = `+${alertPoints / MAX_POINTS}`;
  return finish({
    outcome: 'evaluated',
    status: evaluation.status,
    msgId: outcome.msgId,
    receivedVia: outcome.receivedVia,
    evaluationId: evaluation.evaluationId,
    typologies: evaluation.typologies.map(typologyView),
    rules: ruleViews(evaluation),
    points: wanted,
    detail: `${head}${why ? `: ${why}` : ''}; ${effect}`,
    ...(blockReason ? { blocked: true } : {}),
    ...(evaluation.source && evaluation.source !== 'report' ? { source: evaluation.source } : {}),
  });
}
