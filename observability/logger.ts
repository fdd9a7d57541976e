// Structured JSON logs (pino) for every Kinga process, and the bridge that sends the Temporal SDK's
// own log lines — worker, workflow `log`, activity `Context.log`, and Rust core — into the same
// pino stream, so a single grep of a request id or transaction reference finds them all.
import type { Logger as SdkLogger, LogLevel as SdkLogLevel, LogMetadata } from '@temporalio/common';
import pino, { type DestinationStream, type Logger } from 'pino';

export type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  /** extra fields computed for every line (e.g. the current activity's correlation) */
  mixin?: () => Record<string, unknown>;
  /** where lines go; stdout by default */
  destination?: DestinationStream;
}

/** Credentials are cut out wherever they might appear in a logged object. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'jwtSecret',
  '*.jwtSecret',
  'req.headers.authorization',
  'headers.authorization',
  'req.headers.cookie',
];

export function createLogger(config: { logLevel: PinoLevel }, component: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { component },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(options.mixin ? { mixin: options.mixin } : {}),
    },
    options.destination,
  );
}

/** The SDK's core log filter for a pino level: core chatter stays at WARN unless debugging. */
export function coreLogLevel(level: PinoLevel): SdkLogLevel {
  if (level === 'trace') return 'TRACE';
  if (level === 'debug') return 'DEBUG';
  if (level === 'error' || level === 'fatal' || level === 'silent') return 'ERROR';
  return 'WARN';
}

const PINO_METHOD: Record<SdkLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's Logger interface on top of pino. The SDK's metadata (workflowId, runId,
 * activityType, attempt, sdkComponent, and whatever the interceptors add) becomes JSON fields;
 * `error` becomes pino's `err`, so stack traces are serialized.
 */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly logger: Logger) {}

  log(level: SdkLogLevel, message: string, meta?: LogMetadata): void {
    const method = PINO_METHOD[level] ?? 'info';
    if (!this.logger.isLevelEnabled(method)) return;
    const fields: Record<string, unknown> = {};
    if (meta) {
      for (const [key, value] of Object.entries(meta)) {
        // the task token is an opaque blob that only makes lines longer
        if (key === 'taskToken') continue;
        if (key === 'error') fields.err = value;
        else fields[key] = value;
      }
    }
    this.logger[method](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
