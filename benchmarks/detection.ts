// How Kinga's default policy routes the generator's labelled fraud and its normal rows: the
// share of each that becomes a case (medium or high), per fraud pattern. Trains the anomaly model
// on the first two thirds (by time), scores the last third as live scoring would.
// Run: npx tsx benchmarks/detection.ts
import { loadConfig } from '../config';
import { ProfileHistory, anomalyFeatures, buildTrainingMatrix, scoreTransaction, trainIsolationForest } from '../risk';
import { BLACKLISTED_MERCHANTS, generateHistory, toTransaction } from '../warehouse/generator';

const policy = loadConfig(process.env).scoring;
const tz = policy.rules.offHours.timeZone;
const window = policy.rules.velocity.windowMinutes;
const rows = generateHistory({ seed: 20261125, customers: 300, days: 30, endAt: '2026-11-25T00:00:00.000Z' });
const txns = rows.map(toTransaction);
const cut = Math.floor(txns.length * (2 / 3));
const forest = trainIsolationForest(buildTrainingMatrix(txns.slice(0, cut), tz, window), { trees: 100, sampleSize: 256, seed: 42 });
const blacklist = new Map(BLACKLISTED_MERCHANTS.map((m) => [m.merchantId, m.reason]));

const histories = new Map<string, ProfileHistory>();
const tally = new Map<string, { n: number; medium: number; high: number }>();
for (let i = 0; i < txns.length; i++) {
  const t = txns[i]!;
  const at = Date.parse(t.occurredAt);
  const h = histories.get(t.customerId) ?? new ProfileHistory();
  histories.set(t.customerId, h);
  if (i >= cut) {
    const profile = h.profile(at, window);
    const ctx = { blacklistedMerchant: t.merchantId && blacklist.has(t.merchantId) ? { merchantId: t.merchantId, reason: blacklist.get(t.merchantId)! } : null, customer: profile };
    const s = scoreTransaction(t, ctx, policy, { modelVersion: 1, score: forest.score(anomalyFeatures(t, profile, tz)) });
    const key = rows[i]!.is_fraud ? (rows[i]!.fraud_pattern ?? 'fraud') : 'normal';
    const c = tally.get(key) ?? { n: 0, medium: 0, high: 0 };
    c.n += 1;
    if (s.level === 'medium') c.medium += 1;
    if (s.level === 'high') c.high += 1;
    tally.set(key, c);
  }
  h.add(Number(t.amount), t.city, at);
}
console.log(`scored ${txns.length - cut} rows (the last third), model trained on ${cut}`);
console.log('group                  rows   medium   high   became a case');
for (const [k, c] of [...tally.entries()].sort()) {
  console.log(`${k.padEnd(22)} ${String(c.n).padStart(5)} ${String(c.medium).padStart(8)} ${String(c.high).padStart(6)}   ${(((c.medium + c.high) / c.n) * 100).toFixed(1)} %`);
}
