// A backtest's report as downloads: CSV (one section per table, for a spreadsheet) and a printable
// HTML page. The JSON report (risk/backtest.ts BacktestReport) is the source of both.
import { stringify } from 'csv-stringify/sync';
import { RISK_LEVELS } from '../risk/types';
import type { BacktestReport, DetectionFigures } from '../risk/backtest';
import { escapeHtml as e } from '../compliance/auditReport';

export interface BacktestSummary {
  id: string;
  status: string;
  candidateRuleSetVersion: number | null;
  candidateModelVersion: number | null;
  from: string;
  to: string;
  requestedBy: string;
  requestedAt: string;
  finishedAt: string | null;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);

export function backtestReportCsv(b: BacktestSummary, r: BacktestReport): string {
  const rows: unknown[][] = [
    ['backtest', b.id],
    ['candidate rule set', b.candidateRuleSetVersion ?? 'live'],
    ['candidate model', b.candidateModelVersion ?? 'as recorded'],
    ['from', b.from],
    ['to', b.to],
    ['transactions', r.transactions],
    ['changed level', r.changed],
    [],
    ['live \\ candidate', ...RISK_LEVELS],
    ...RISK_LEVELS.map((live) => [live, ...RISK_LEVELS.map((c) => r.matrix[live][c])]),
    [],
    ['figure', 'live', 'candidate'],
    ...detectionRows(r.live, r.candidate),
    [],
    ['day', 'cases live', 'cases candidate'],
    ...r.casesPerDay.map((d) => [d.day, d.live, d.candidate]),
    [],
    ['rule', 'live hits', 'candidate hits', 'live rate', 'candidate rate', 'change'],
    ...r.ruleShifts.map((s) => [s.rule, s.liveHits, s.candidateHits, s.liveRate, s.candidateRate, s.change]),
    [],
    ['live level', 'candidate level', 'transaction'],
    ...r.cells.flatMap((c) => c.transactionRefs.map((ref) => [c.live, c.candidate, ref])),
  ];
  return stringify(rows);
}

function detectionRows(live: DetectionFigures, candidate: DetectionFigures): unknown[][] {
  return [
    ['cases', live.cases, candidate.cases],
    ['labelled fraud caught', live.fraudCaught, candidate.fraudCaught],
    ['labelled fraud missed', live.fraudMissed, candidate.fraudMissed],
    ['false positives', live.falsePositives, candidate.falsePositives],
    ['false-positive rate', live.falsePositiveRate ?? '', candidate.falsePositiveRate ?? ''],
  ];
}

export function backtestReportHtml(b: BacktestSummary, r: BacktestReport): string {
  const matrix = RISK_LEVELS.map((live) => `<tr><th scope="row">${live}</th>${RISK_LEVELS.map((c) => `<td${live === c ? '' : ' class="moved"'}>${r.matrix[live][c]}</td>`).join('')}</tr>`).join('');
  const detection = detectionRows(r.live, r.candidate)
    .map(([name, l, c]) => `<tr><th scope="row">${e(name)}</th><td>${e(name === 'false-positive rate' ? pct(r.live.falsePositiveRate) : l)}</td><td>${e(name === 'false-positive rate' ? pct(r.candidate.falsePositiveRate) : c)}</td></tr>`)
    .join('');
  const days = r.casesPerDay.map((d) => `<tr><th scope="row">${e(d.day)}</th><td>${d.live}</td><td>${d.candidate}</td></tr>`).join('');
  const rules = r.ruleShifts.map((s) => `<tr><th scope="row">${e(s.rule)}</th><td>${pct(s.liveRate)}</td><td>${pct(s.candidateRate)}</td><td>${s.change > 0 ? '+' : ''}${(s.change * 100).toFixed(2)} pt</td></tr>`).join('');
  const cells = r.cells
    .map((c) => `<h3>${e(c.live)} → ${e(c.candidate)} (${c.count})</h3><p>${c.transactionRefs.map(e).join(', ')}${c.count > c.transactionRefs.length ? ' …' : ''}</p>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backtest ${e(b.id)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.3rem .6rem;text-align:right}th{text-align:left}.moved{background:#fff3cd}</style>
</head><body>
<h1>What-if backtest</h1>
<p>Candidate rule set <strong>${e(b.candidateRuleSetVersion ?? 'live')}</strong>, model <strong>${e(b.candidateModelVersion ?? 'as recorded')}</strong>,
transactions from ${e(b.from)} to ${e(b.to)}; requested by ${e(b.requestedBy)} at ${e(b.requestedAt)}; status ${e(b.status)}.</p>
<p>${r.transactions} transactions re-scored from their recorded inputs; ${r.changed} change level.</p>
<h2>Level change (rows: live, columns: candidate)</h2>
<table><thead><tr><th scope="col">live \\ candidate</th>${RISK_LEVELS.map((l) => `<th scope="col">${l}</th>`).join('')}</tr></thead><tbody>${matrix}</tbody></table>
<h2>Detection</h2>
<p>Labelled: ${r.labelled.fraud} fraud, ${r.labelled.legitimate} legitimate.</p>
<table><thead><tr><th scope="col">figure</th><th scope="col">live</th><th scope="col">candidate</th></tr></thead><tbody>${detection}</tbody></table>
<h2>Cases per day</h2>
<table><thead><tr><th scope="col">day</th><th scope="col">live</th><th scope="col">candidate</th></tr></thead><tbody>${days}</tbody></table>
<h2>Rules whose hit rate moved most</h2>
<table><thead><tr><th scope="col">rule</th><th scope="col">live</th><th scope="col">candidate</th><th scope="col">change</th></tr></thead><tbody>${rules}</tbody></table>
<h2>Transactions that change level</h2>${cells || '<p>None.</p>'}
</body></html>`;
}
