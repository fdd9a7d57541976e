// Parsing helpers shared by every configuration module (kept apart so that they import nothing).

/** Durations like 15m, 4h, 30s, 2d or plain milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}" (use e.g. 30s, 15m, 4h, 2d)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  return Math.round(n * factor);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
