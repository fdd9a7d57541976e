// Management notification channels, each switched on by its settings: a webhook (JSON POST, with
// an optional bearer token and/or HMAC signature) and e-mail over SMTP (KingaConfig.notifications).
import { z } from 'zod';
import { duration } from './parse';
import { configSection, type Environment } from './section';

export interface WebhookChannelConfig {
  /** NOTIFY_WEBHOOK_URL */
  url: string;
  /** NOTIFY_WEBHOOK_TOKEN: sent as Authorization: Bearer … */
  token: string | undefined;
  /** NOTIFY_WEBHOOK_SECRET: HMAC-SHA256 key for the X-Kinga-Signature header */
  secret: string | undefined;
}

export interface EmailChannelConfig {
  /** SMTP_URL: smtp://user:pass@host:port (smtps:// for implicit TLS) */
  smtpUrl: string;
  /** NOTIFY_EMAIL_FROM */
  from: string;
  /** NOTIFY_EMAIL_TO: comma-separated */
  to: string[];
}

export interface NotificationConfig {
  /** null when NOTIFY_WEBHOOK_URL is unset */
  webhook: WebhookChannelConfig | null;
  /** null when SMTP_URL is unset */
  email: EmailChannelConfig | null;
  /** NOTIFY_TIMEOUT: timeout of one delivery attempt */
  timeoutMs: number;
  /** NOTIFY_MAX_ATTEMPTS: attempts per channel before the notification is left undelivered */
  maxAttempts: number;
  /** NOTIFY_RETRY_INITIAL: first back-off; it doubles up to NOTIFY_RETRY_MAX */
  retryInitialMs: number;
  /** NOTIFY_RETRY_MAX */
  retryMaxMs: number;
}

export type NotificationChannelName = 'webhook' | 'email';


const EMAIL = /^[^\s@<>,]+@[^\s@<>,]+$/;

const schema = z.object({
  NOTIFY_WEBHOOK_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
    .optional(),
  NOTIFY_WEBHOOK_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  NOTIFY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => {
      if (v === undefined) return true;
      try {
        const u = new URL(v);
        return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be smtp://user:pass@host:port or smtps://…'), // never echo the value: it holds a password
  NOTIFY_EMAIL_FROM: z.string().regex(EMAIL, 'must be an e-mail address').optional(),
  NOTIFY_EMAIL_TO: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const list = v.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = list.find((a) => !EMAIL.test(a));
      if (bad || list.length === 0) {
        ctx.addIssue({ code: 'custom', message: bad ? `"${bad}" is not an e-mail address` : 'must list at least one address' });
        return z.NEVER;
      }
      return list;
    }),
  NOTIFY_TIMEOUT: duration('10s', 100),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).optional().transform((v) => v ?? 8),
  NOTIFY_RETRY_INITIAL: duration('10s', 10),
  NOTIFY_RETRY_MAX: duration('5m', 10),
});

export const notificationSection = configSection({
  schema,
  check: (e) => [
    ...(e.SMTP_URL && !e.NOTIFY_EMAIL_FROM ? ['NOTIFY_EMAIL_FROM: required when SMTP_URL is set'] : []),
    ...(e.SMTP_URL && !e.NOTIFY_EMAIL_TO ? ['NOTIFY_EMAIL_TO: required when SMTP_URL is set'] : []),
    ...((e.NOTIFY_WEBHOOK_TOKEN || e.NOTIFY_WEBHOOK_SECRET) && !e.NOTIFY_WEBHOOK_URL ? ['NOTIFY_WEBHOOK_URL: required when NOTIFY_WEBHOOK_TOKEN or NOTIFY_WEBHOOK_SECRET is set'] : []),
    ...(e.NOTIFY_RETRY_MAX < e.NOTIFY_RETRY_INITIAL ? ['NOTIFY_RETRY_MAX: must not be below NOTIFY_RETRY_INITIAL'] : []),
  ],
  build: (e): NotificationConfig => ({
    webhook: e.NOTIFY_WEBHOOK_URL ? { url: e.NOTIFY_WEBHOOK_URL, token: e.NOTIFY_WEBHOOK_TOKEN, secret: e.NOTIFY_WEBHOOK_SECRET } : null,
    email: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.NOTIFY_EMAIL_FROM!, to: e.NOTIFY_EMAIL_TO! } : null,
    timeoutMs: e.NOTIFY_TIMEOUT,
    maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
    retryInitialMs: e.NOTIFY_RETRY_INITIAL,
    retryMaxMs: e.NOTIFY_RETRY_MAX,
  }),
});

/** Every variable this file reads, for the README's configuration table. */
export const NOTIFICATION_VARIABLES = notificationSection.variables;

export const loadNotificationConfig = (env: Environment): NotificationConfig => notificationSection.load(env);

/** The channels that are switched on, in delivery order. */
export function enabledChannels(c: NotificationConfig): NotificationChannelName[] {
  return [...(c.webhook ? (['webhook'] as const) : []), ...(c.email ? (['email'] as const) : [])];
}

/** The configuration without secrets, for start-up logs. */
export function describeNotificationConfig(c: NotificationConfig): Record<string, unknown> {
  const smtpHost = c.email ? new URL(c.email.smtpUrl).host : null;
  return {
    webhook: c.webhook ? { url: redactUrl(c.webhook.url), bearer: Boolean(c.webhook.token), hmac: Boolean(c.webhook.secret) } : 'off',
    email: c.email ? { smtp: smtpHost, from: c.email.from, to: c.email.to } : 'off',
    timeoutMs: c.timeoutMs,
    maxAttempts: c.maxAttempts,
  };
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  if (u.search) u.search = '?…';
  return u.toString();
}
