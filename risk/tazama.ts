// Tazama's evaluation in Kinga's terms: the parser for what Tazama sends (admin report, relay push,
// or the bare report) and how an evaluation joins the score breakdown. Pure: no I/O, no clock, and
// no dependencies, so the lifecycle workflow may call it directly.
import { levelFor, MAX_POINTS } from './score';
import type { ScoreBreakdown, TazamaBreakdown, TazamaRuleView, TazamaTypologyView } from './types';

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

/** Tazama's verdict on one transaction, as Kinga keeps it. Plain JSON: it travels in signals. */
export interface TazamaEvaluation {
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
  throw new TazamaShapeError('report', 'is required (expected a Tazama evaluation: {report: {status, tadpResult, …}})');
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

/** Reads a Tazama evaluation from any document Tazama sends; throws TazamaShapeError naming the bad field. */
export function parseTazamaEvaluation(json: unknown): TazamaEvaluation {
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

function typologyView(t: TazamaTypologyResult): TazamaTypologyView {
  return {
    id: t.id,
    score: t.score,
    alertThreshold: t.alertThreshold,
    interdictionThreshold: t.interdictionThreshold,
    alert: t.review,
    interdiction: t.interdictionThreshold !== null && t.score >= t.interdictionThreshold,
    ruleIds: t.rules.map((r) => r.id),
  };
}

function ruleViews(typologies: TazamaTypologyResult[]): TazamaRuleView[] {
  const seen = new Map<string, TazamaRuleView>();
  for (const t of typologies) {
    for (const r of t.rules) {
      if (!seen.has(r.id)) seen.set(r.id, { id: r.id, subRuleRef: r.subRuleRef, weight: r.weight, value: r.value, reason: r.reason });
    }
  }
  return [...seen.values()];
}

function describeTypology(t: TazamaTypologyResult): string {
  const bands = t.rules.filter((r) => r.subRuleRef !== 'none' && (r.weight ?? 0) !== 0).map((r) => `${r.id} ${r.subRuleRef}`);
  const reached = t.score >= t.alertThreshold || t.review;
  let text = `typology ${t.id} scored ${t.score}, ${reached ? 'at or above' : 'below'} its alert threshold ${t.alertThreshold}`;
  if (t.interdictionThreshold !== null && t.score >= t.interdictionThreshold) text += ` and its interdiction threshold ${t.interdictionThreshold}`;
  if (bands.length > 0) text += ` (rules ${bands.join(', ')})`;
  return text;
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
  const shown = alert ? evaluation.typologies.filter((t) => t.review) : evaluation.typologies;
  const why = (shown.length > 0 ? shown : evaluation.typologies).map(describeTypology).join('; ');
  const head = alert ? `Tazama raised an alert (ALRT, by ${outcome.receivedVia})` : `Tazama found no alert (NALT, by ${outcome.receivedVia})`;
  const room = MAX_POINTS - basePoints;
  let effect: string;
  if (!alert) effect = 'adds nothing';
  else if (alertPoints === 0) effect = 'the alert weight is 0: adds nothing';
  else if (room < alertPoints) effect = `+${Math.max(0, room) / MAX_POINTS} (capped at a score of 1)`;
  else effect = `+${alertPoints / MAX_POINTS}`;
  return finish({
    outcome: 'evaluated',
    status: evaluation.status,
    msgId: outcome.msgId,
    receivedVia: outcome.receivedVia,
    evaluationId: evaluation.evaluationId,
    typologies: evaluation.typologies.map(typologyView),
    rules: ruleViews(evaluation.typologies),
    points: alert ? alertPoints : 0,
    detail: `${head}${why ? `: ${why}` : ''}; ${effect}`,
  });
}
