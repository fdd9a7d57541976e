// The demo's case rate: what `npm start` shows an analyst. The demo seeds DEMO_CUSTOMERS customers'
// DEMO_HISTORY_DAYS of history, backfills all but the last DEMO_LIVE_HOURS as already processed
// (the model trains on it), extracts the rest live, and then keeps writing the trickle
// (warehouse/generator.ts createTrickle). This scores the same rows the same way — the backlog,
// then the trickle for several days — for a few start times, and prints the share of normal rows
// and of fraud that become cases.
// Run: npm run bench:demo -- [--days 7] [--starts 3]
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { DEMO_SEED } from '../scripts/demo/seed';
import { createTrickle, FRAUD_PATTERNS, generateHistory, type WarehouseRow } from '../warehouse/generator';
import { kingaCase, pct, scoreOutOfSample, summarise, type ScoredRow } from './detectionRun';

const { values } = parseArgs({ options: { days: { type: 'string', default: '7' }, starts: { type: 'string', default: '3' } } });
const trickleDays = Number(values.days);
const config = loadConfig({});
const { customers, historyDays, liveHours } = config.demo;
const policy = config.scoring;
const isCase = kingaCase(policy);

const HOUR = 3_600_000;
// start times at different hours of the day (UTC), a week apart
const starts = Array.from({ length: Number(values.starts) }, (_, i) => Date.parse('2026-11-25T06:00:00Z') + i * (7 * 24 + 7) * HOUR);

const backlog: ScoredRow[] = [];
const trickle: ScoredRow[] = [];
const firstTenMinutes: ScoredRow[] = [];
let trickleRows = 0;
for (const now of starts) {
  const rows = generateHistory({ seed: DEMO_SEED, customers, days: historyDays, endAt: new Date(now).toISOString() });
  const goLive = now - liveHours * HOUR;
  const past = rows.filter((r) => Date.parse(r.occurred_at) < goLive);
  const pending = rows.filter((r) => Date.parse(r.occurred_at) >= goLive);
  const stream = createTrickle({ seed: DEMO_SEED, customers, startAt: new Date(now).toISOString() });
  const live: WarehouseRow[] = [];
  // asked as the demo asks: every DEMO_TRICKLE_INTERVAL
  for (let t = now + config.demo.trickleIntervalMs; t <= now + trickleDays * 24 * HOUR; t += config.demo.trickleIntervalMs) live.push(...stream.due(new Date(t).toISOString()));
  trickleRows += live.length;
  const scored = scoreOutOfSample(past, [...pending, ...live], policy, config.anomalyTraining);
  backlog.push(...scored.slice(0, pending.length));
  trickle.push(...scored.slice(pending.length));
  const tenMinutes = live.filter((r) => Date.parse(r.occurred_at) <= now + 10 * 60_000).length;
  firstTenMinutes.push(...scored.slice(pending.length, pending.length + tenMinutes));
}

const line = (name: string, rows: ScoredRow[]) => {
  const s = summarise(rows, isCase);
  const cases = s.fraud.cases + s.normal.cases;
  return `| ${name} | ${s.normal.rows.toLocaleString('en-US')} | ${s.normal.rows ? pct(s.normal.cases / s.normal.rows, 2) : '–'} | ${s.fraud.rows} | ${s.fraud.rows ? pct(s.fraud.cases / s.fraud.rows) : '–'} | ${cases ? pct(s.fraud.cases / cases) : '–'} |`;
};
const out = [
  `The demo (DEMO_CUSTOMERS=${customers}, DEMO_HISTORY_DAYS=${historyDays}, DEMO_LIVE_HOURS=${liveHours}), ${starts.length} start times, the trickle followed for ${trickleDays} days each (${trickleRows.toLocaleString('en-US')} rows, about ${Math.round(trickleRows / starts.length / trickleDays)} a day).`,
  '',
  '| rows | normal rows | normal → case | fraud rows | fraud → case | precision |',
  '| --- | --- | --- | --- | --- | --- |',
  line(`backlog extracted at start (last ${liveHours} h of history)`, backlog),
  line('trickle, first ten minutes after start', firstTenMinutes),
  line(`trickle, ${trickleDays} days`, trickle),
  '',
  '| trickle fraud pattern | rows | became a case |',
  '| --- | --- | --- |',
];
const byPattern = summarise(trickle, isCase).groups;
for (const p of FRAUD_PATTERNS) {
  const g = byPattern.get(p);
  if (g) out.push(`| ${p.replace(/_/g, ' ')} | ${g.rows} | ${pct(g.cases / g.rows)} |`);
}
console.log(out.join('\n'));
