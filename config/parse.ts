// Parsing helpers shared by every configuration module. Kept apart from config/index.ts so that
// the integration modules can use them without an import cycle.
import { z } from 'zod';

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

  /** each "VARIABLE: message"; one line of the message each */
  readonly problems: string[];

  constructor(message: string, problems?: string[]) {
    super(message);
    this.problems = problems ?? message.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());
  }

  /** The one error for a list of problems, every one on its own line. */
  static of(problems: string[]): ConfigError {
    return new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`, problems);
  }
}

/** A whole number within [min, max]; `fallback` when unset. */
export const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).optional().transform((v) => v ?? fallback);

/** A flag: true/false, 1/0, yes/no, on/off; `fallback` when unset. */
export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v)));

/** A duration (30s, 15m, 4h, 2d) in milliseconds, at least `minMs`; `fallback` when unset. */
export const duration = (fallback: string, minMs = 0) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        const ms = parseDuration(v ?? fallback);
        if (ms < minMs) {
          ctx.addIssue({ code: 'custom', message: `must be at least ${minMs} ms` });
          return z.NEVER;
        }
        return ms;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });
