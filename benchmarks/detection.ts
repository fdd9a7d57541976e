// How Kinga's default policy and the bank's old engine route the generator's labelled fraud and
// its normal rows, out of sample: for each seed, both engines are trained on the first two thirds
// of the rows by time and score the last third as live scoring would. Prints, as Markdown tables:
// per seed and pooled, the share of fraud that becomes a case (medium or high), the share of
// normal rows that does, precision; per fraud pattern; recall at fixed false-positive rates.
// Run: npm run bench:detection -- [--customers 1000] [--days 30] [--seeds 20261125,7,8]
// (RULE_*, ANOMALY_* and RISK_LEVEL_* variables in the environment apply: to try a configuration.)
import { parseArgs } from 'node:util';
import { RULE_ORDER } from '../risk';
import { FRAUD_PATTERNS, generateHistory } from '../warehouse/generator';
import { kingaCase, oldCase, pct, recallAtFpr, scoreOutOfSample, summarise, timeSplit, type ScoredRow } from './detectionRun';
import { loadDefaults } from './support';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000' },
    days: { type: 'string', default: '30' },
    seeds: { type: 'string', default: '20261125,7,8' },
  },
});
const customers = Number(values.customers);
const days = Number(values.days);
const seeds = values.seeds.split(',').map(Number);
// Scoring variables set for the run apply, so a candidate configuration can be measured.
const overrides = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => /^(RULE|ANOMALY|RISK_LEVEL)_/.test(k) && v !== undefined)) as Record<string, string>;
const { policy, training } = loadDefaults(overrides);
const isKingaCase = kingaCase(policy);

const started = performance.now();
const all: ScoredRow[] = [];
const perSeed: string[] = [];
for (const seed of seeds) {
  const rows = generateHistory({ seed, customers, days, endAt: '2026-11-25T00:00:00.000Z' });
  const { history, live } = timeSplit(rows);
  const scored = scoreOutOfSample(history, live, policy, training);
  all.push(...scored);
  const k = summarise(scored, isKingaCase);
  const o = summarise(scored, oldCase);
  perSeed.push(
    `| ${seed} | ${fmt(scored.length)} | ${fmt(k.fraud.rows)} | ${pct(k.fraud.cases / k.fraud.rows)} | ${pct(k.normal.cases / k.normal.rows, 2)} | ${precision(k)} | ${pct(o.fraud.cases / o.fraud.rows)} | ${pct(o.normal.cases / o.normal.rows, 2)} | ${precision(o)} |`,
  );
}
const k = summarise(all, isKingaCase);
const o = summarise(all, oldCase);

const out: string[] = [];
if (Object.keys(overrides).length) out.push(`configuration: defaults with ${Object.entries(overrides).map(([k, v]) => `${k}=${v}`).join(' ')}`);
out.push(`${seeds.length} seeds × ${customers} customers × ${days} days; each trained on the first two thirds by time, scored on the last third (${fmt(all.length)} rows, ${fmt(k.fraud.rows)} labelled fraud).`);
out.push('A case is a medium or high level. "normal → case" is the false-positive rate.', '');
out.push('| seed | rows scored | fraud | Kinga: fraud → case | normal → case | precision | old engine: fraud → case | normal → case | precision |');
out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
out.push(...perSeed);
out.push(
  `| **all** | ${fmt(all.length)} | ${fmt(k.fraud.rows)} | **${pct(k.fraud.cases / k.fraud.rows)}** | **${pct(k.normal.cases / k.normal.rows, 2)}** | ${precision(k)} | ${pct(o.fraud.cases / o.fraud.rows)} | ${pct(o.normal.cases / o.normal.rows, 2)} | ${precision(o)} |`,
  '',
);

out.push('| group | rows | Kinga | old engine |', '| --- | --- | --- | --- |');
for (const g of [...FRAUD_PATTERNS, 'normal']) {
  const kg = k.groups.get(g);
  const og = o.groups.get(g);
  if (!kg || !og) continue;
  out.push(`| ${g.replace(/_/g, ' ')} | ${fmt(kg.rows)} | ${pct(kg.cases / kg.rows, g === 'normal' ? 2 : 1)} | ${pct(og.cases / og.rows, g === 'normal' ? 2 : 1)} |`);
}
out.push('');

const targets = [0.001, 0.002, 0.005, 0.01, 0.02];
const kc = recallAtFpr(all, (r) => r.kinga, targets);
const oc = recallAtFpr(all, (r) => r.old, targets);
out.push('Recall at a fixed false-positive rate (the threshold on each engine\'s total score that keeps normal rows → case at or below the target):', '');
out.push('| normal → case at most | Kinga: threshold | fraud → case | precision | old engine: threshold | fraud → case | precision |');
out.push('| --- | --- | --- | --- | --- | --- | --- |');
targets.forEach((t, i) => {
  const a = kc[i]!;
  const b = oc[i]!;
  out.push(`| ${pct(t, 1)} | ${threshold(a.threshold / 10_000)} | ${pct(a.recall)} | ${pct(a.precision)} | ${threshold(b.threshold)} | ${pct(b.recall)} | ${pct(b.precision)} |`);
});
out.push('');

// Which rules raise the cases: per group, the share of its cases on which each rule hit.
out.push('Kinga\'s cases by rule (share of each group\'s cases on which the rule hit; a case can have several):', '');
const rules = [...RULE_ORDER, 'anomaly'];
out.push(`| group | cases | ${rules.join(' | ')} |`, `| --- | --- | ${rules.map(() => '---').join(' | ')} |`);
for (const g of [...FRAUD_PATTERNS, 'normal']) {
  const cases = all.filter((r) => r.group === g && isKingaCase(r));
  if (cases.length === 0) continue;
  const share = (rule: string) => cases.filter((r) => (rule === 'anomaly' ? r.anomalyPoints > 0 : r.hits.includes(rule))).length / cases.length;
  out.push(`| ${g.replace(/_/g, ' ')} | ${fmt(cases.length)} | ${rules.map((r) => (share(r) ? pct(share(r), 0) : '·')).join(' | ')} |`);
}
out.push('', `(${((performance.now() - started) / 1000).toFixed(1)} s)`);
console.log(out.join('\n'));

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function precision(s: ReturnType<typeof summarise>): string {
  const cases = s.fraud.cases + s.normal.cases;
  return cases === 0 ? '–' : pct(s.fraud.cases / cases);
}

function threshold(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4).replace(/0+$/, '').replace(/\.$/, '') : 'none';
}
