import pino, { type Logger } from 'pino';
import type { KingaConfig } from './index';

/** Structured JSON logs; credentials are redacted wherever they might appear. */
export function createLogger(config: Pick<KingaConfig, 'logLevel'>, component: string): Logger {
  return pino({
    level: config.logLevel,
    base: { component },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'req.headers.authorization', 'headers.authorization', 'jwtSecret', '*.jwtSecret'],
      censor: '[redacted]',
    },
  });
}
