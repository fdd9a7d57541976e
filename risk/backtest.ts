// What-if re-scoring: the recorded inputs of a transaction (exactly what the live scorer saw) scored
// again with a candidate rule set, and the report that compares the candidate with the live result.
// Pure: the backtest activities read and write the rows, this decides.
import { anomalyFeatures } from './anomaly/features';
import type { IsolationForest } from './anomaly/isolationForest';
import { RECENT_LOOKBACK_MINUTES } from './profile';
import type { RuleSetContent } from './ruleSet';
import { levelFor, MAX_POINTS, scoreTransaction, type AnomalyInput } from './score';
import { RISK_LEVELS, type CustomerProfile, type RiskLevel, type ScoreBreakdown, type Transaction } from './types';

/** A candidate ready to score many transactions: its content and its blacklist as a lookup. */
export interface Candidate {
  /** the rule-set version, or null when only the model changes (then the live content is used) */
  version: number | null;
  content: RuleSetContent;
  blacklist: Map<string, { merchantId: string; reason: string }>;
  /** the least level a Tazama alert leaves a transaction at (TAZAMA_ALERT_LEVEL) */
  tazamaAlertMinLevel: RiskLevel;
}

export function prepareCandidate(version: number | null, content: RuleSetContent, tazamaAlertMinLevel: RiskLevel): Candidate {
  return { version, content, blacklist: new Map(content.blacklist.merchants.map((m) => [m.merchantId, m])), tazamaAlertMinLevel };
}

/** Tazama's verdict as the live score recorded it; it is not asked again, only weighed again. */
export interface RecordedTazama {
  status: 'ALRT' | 'NALT' | null;
  blocked: boolean;
}

export function recordedTazama(breakdown: Pick<ScoreBreakdown, 'tazama'> | null | undefined): RecordedTazama | null {
  const t = breakdown?.tazama;
  return t ? { status: t.status, blocked: t.blocked === true } : null;
}

/**
 * The candidate's anomaly input: the recorded one, unless the candidate scores with another model
 * (then that model scores the recorded transaction and profile, as the live scorer would have).
 */
export function candidateAnomaly(
  model: { version: number; forest: IsolationForest } | null,
  inputs: { transaction: Transaction; profile: CustomerProfile; anomaly: AnomalyInput | null },
  timeZone: string,
): AnomalyInput | null {
  if (!model || inputs.anomaly?.modelVersion === model.version) return inputs.anomaly;
  // features are only ever appended: a model trained before the last ones reads its first columns
  const features = anomalyFeatures(inputs.transaction, inputs.profile, timeZone).slice(0, model.forest.params.features);
  return { modelVersion: model.version, score: model.forest.score(features) };
}

export interface Rescored {
  points: number;
  level: RiskLevel;
  /** the rules that added points, plus `anomaly` and `tazama` when they did */
  hits: string[];
}

/** The rules (and anomaly, Tazama) that added points to a breakdown. */
export function hitsOf(breakdown: Pick<ScoreBreakdown, 'rules' | 'anomaly' | 'tazama'>): string[] {
  const hits = breakdown.rules.filter((r) => r.hit && r.points > 0).map((r) => r.rule);
  if (breakdown.anomaly.points > 0) hits.push('anomaly');
  if (breakdown.tazama && breakdown.tazama.points > 0) hits.push('tazama');
  return hits;
}

/**
 * The profile for the candidate's velocity window: the recorded profile keeps every earlier time of
 * the last 24 hours (recentAt), so a different window is counted from those, exactly as buildProfile would.
 */
export function profileFor(profile: CustomerProfile, occurredAt: string, velocityWindowMinutes: number): CustomerProfile {
  if (velocityWindowMinutes > RECENT_LOOKBACK_MINUTES) return profile;
  const windowStart = Date.parse(occurredAt) - velocityWindowMinutes * 60_000;
  const recentCount = profile.recentAt.filter((t) => t >= windowStart).length;
  return recentCount === profile.recentCount ? profile : { ...profile, recentCount };
}

function floorPoints(level: RiskLevel | undefined, thresholds: { medium: number; high: number }): number {
  return level === 'high' ? thresholds.high : level === 'medium' ? thresholds.medium : 0;
}

/**
 * One transaction re-scored with the candidate: the rules and anomaly contribution as the live
 * scorer computes them (risk/score.ts), then Tazama's recorded verdict weighed with the candidate's
 * alert points and the same least levels the lifecycle applies (risk/tazama.ts applyTazama).
 */
export function rescore(
  inputs: { transaction: Transaction; profile: CustomerProfile },
  candidate: Candidate,
  anomaly: AnomalyInput | null,
  tazama: RecordedTazama | null,
): Rescored & { breakdown: ScoreBreakdown } {
  const { scoring } = candidate.content;
  const { transaction } = inputs;
  const blacklisted = transaction.merchantId ? candidate.blacklist.get(transaction.merchantId) : undefined;
  const context = {
    blacklistedMerchant: blacklisted ? { merchantId: blacklisted.merchantId, reason: blacklisted.reason } : null,
    customer: profileFor(inputs.profile, transaction.occurredAt, scoring.rules.velocity.windowMinutes),
  };
  const breakdown = scoreTransaction(transaction, context, scoring, anomaly, candidate.version ?? undefined);
  return { ...weighTazama({ points: breakdown.points, hits: hitsOf(breakdown) }, candidate, tazama), breakdown };
}

/**
 * Tazama's recorded verdict weighed with the candidate's alert points and least levels, on top of
 * the candidate's own points (a shadow score is taken before Tazama answers, so it is weighed later).
 */
export function weighTazama(scored: { points: number; hits: string[] }, candidate: Candidate, tazama: RecordedTazama | null): Rescored {
  const { levels } = candidate.content.scoring;
  let points = scored.points;
  const hits = [...scored.hits];
  if (tazama?.status === 'ALRT') {
    const alertPoints = Math.max(0, Math.round(candidate.content.tazama.alertPoints));
    const floor = tazama.blocked ? 'high' : candidate.tazamaAlertMinLevel;
    const wanted = Math.max(alertPoints, floorPoints(floor, levels) - points);
    const next = Math.min(MAX_POINTS, Math.max(0, points + wanted));
    if (next > points) hits.push('tazama');
    points = next;
  }
  return { points, level: levelFor(points, levels), hits };
}

// ---- the report ----

export type Label = 'fraud' | 'legitimate';

/** One re-scored transaction as the report reads it. */
export interface BacktestResult {
  transactionRef: string;
  /** the bank's local date of the transaction (YYYY-MM-DD) */
  day: string;
  liveLevel: RiskLevel;
  candidateLevel: RiskLevel;
  livePoints: number;
  candidatePoints: number;
  label: Label | null;
  liveHits: string[];
  candidateHits: string[];
}

export type LevelMatrix = Record<RiskLevel, Record<RiskLevel, number>>;

export interface DetectionFigures {
  /** labelled fraud that became a case (medium or high) */
  fraudCaught: number;
  fraudMissed: number;
  /** labelled legitimate transactions that became a case */
  falsePositives: number;
  /** false positives / labelled legitimate transactions; null without any */
  falsePositiveRate: number | null;
  cases: number;
}

export interface RuleHitShift {
  rule: string;
  liveHits: number;
  candidateHits: number;
  liveRate: number;
  candidateRate: number;
  /** candidateRate − liveRate */
  change: number;
}

export interface BacktestReport {
  transactions: number;
  /** rows [live level][candidate level] */
  matrix: LevelMatrix;
  changed: number;
  /** the transactions behind each changed cell, at most `cellListLimit` each (all of them: GET …/transactions) */
  cells: Array<{ live: RiskLevel; candidate: RiskLevel; count: number; transactionRefs: string[] }>;
  labelled: { fraud: number; legitimate: number };
  live: DetectionFigures;
  candidate: DetectionFigures;
  casesPerDay: Array<{ day: string; live: number; candidate: number }>;
  /** the rules whose hit rate moved most, largest move first */
  ruleShifts: RuleHitShift[];
}

const isCase = (level: RiskLevel) => level !== 'low';

export function emptyMatrix(): LevelMatrix {
  return { low: { low: 0, medium: 0, high: 0 }, medium: { low: 0, medium: 0, high: 0 }, high: { low: 0, medium: 0, high: 0 } };
}

/** Accumulates results batch by batch (the report of a large backtest never holds every row). */
export class BacktestTally {
  private readonly matrix = emptyMatrix();
  private readonly cellRefs = new Map<string, string[]>();
  private readonly days = new Map<string, { live: number; candidate: number }>();
  private readonly liveHits = new Map<string, number>();
  private readonly candidateHits = new Map<string, number>();
  private readonly labelled = { fraud: 0, legitimate: 0 };
  private readonly figures = { live: { caught: 0, fp: 0, cases: 0 }, candidate: { caught: 0, fp: 0, cases: 0 } };
  private count = 0;

  constructor(private readonly cellListLimit = 1000) {}

  add(r: BacktestResult): void {
    this.count++;
    this.matrix[r.liveLevel][r.candidateLevel]++;
    if (r.liveLevel !== r.candidateLevel) {
      const key = `${r.liveLevel}>${r.candidateLevel}`;
      const refs = this.cellRefs.get(key) ?? [];
      if (refs.length < this.cellListLimit) refs.push(r.transactionRef);
      this.cellRefs.set(key, refs);
    }
    const day = this.days.get(r.day) ?? { live: 0, candidate: 0 };
    if (isCase(r.liveLevel)) day.live++;
    if (isCase(r.candidateLevel)) day.candidate++;
    this.days.set(r.day, day);
    for (const h of r.liveHits) this.liveHits.set(h, (this.liveHits.get(h) ?? 0) + 1);
    for (const h of r.candidateHits) this.candidateHits.set(h, (this.candidateHits.get(h) ?? 0) + 1);
    for (const [side, level] of [['live', r.liveLevel], ['candidate', r.candidateLevel]] as const) {
      const f = this.figures[side];
      if (isCase(level)) f.cases++;
      if (r.label === 'fraud' && isCase(level)) f.caught++;
      if (r.label === 'legitimate' && isCase(level)) f.fp++;
    }
    if (r.label) this.labelled[r.label === 'fraud' ? 'fraud' : 'legitimate']++;
  }

  report(maxRuleShifts = 10): BacktestReport {
    const detection = (f: { caught: number; fp: number; cases: number }): DetectionFigures => ({
      fraudCaught: f.caught,
      fraudMissed: this.labelled.fraud - f.caught,
      falsePositives: f.fp,
      falsePositiveRate: this.labelled.legitimate === 0 ? null : round(f.fp / this.labelled.legitimate),
      cases: f.cases,
    });
    const cells: BacktestReport['cells'] = [];
    for (const live of RISK_LEVELS) {
      for (const candidate of RISK_LEVELS) {
        if (live !== candidate && this.matrix[live][candidate] > 0) {
          cells.push({ live, candidate, count: this.matrix[live][candidate], transactionRefs: [...(this.cellRefs.get(`${live}>${candidate}`) ?? [])].sort() });
        }
      }
    }
    const n = Math.max(1, this.count);
    const rules = new Set([...this.liveHits.keys(), ...this.candidateHits.keys()]);
    const ruleShifts = [...rules]
      .map((rule) => {
        const liveHits = this.liveHits.get(rule) ?? 0;
        const candidateHits = this.candidateHits.get(rule) ?? 0;
        return { rule, liveHits, candidateHits, liveRate: round(liveHits / n), candidateRate: round(candidateHits / n), change: round((candidateHits - liveHits) / n) };
      })
      .filter((s) => s.liveHits !== s.candidateHits)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.rule.localeCompare(b.rule))
      .slice(0, maxRuleShifts);
    return {
      transactions: this.count,
      matrix: structuredClone(this.matrix),
      changed: cells.reduce((s, c) => s + c.count, 0),
      cells,
      labelled: { ...this.labelled },
      live: detection(this.figures.live),
      candidate: detection(this.figures.candidate),
      casesPerDay: [...this.days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, c]) => ({ day, ...c })),
      ruleShifts,
    };
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
