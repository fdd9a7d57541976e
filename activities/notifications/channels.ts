// Delivery channels for management notifications. Each says whether a failure is worth retrying:
// a refused request (4xx, a permanent SMTP reply) is not; a timeout, a network error, 5xx or a
// temporary SMTP reply is. Secrets (bearer token, HMAC key, SMTP password) never reach an error.
// The webhook is an adapter on the shared vendor HTTP core (../vendorHttp.ts).
import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailChannelConfig, NotificationChannelName, WebhookChannelConfig } from '../../config/notifications';
import { createVendorHttp, VendorHttpError } from '../vendorHttp';

export interface OutgoingNotification {
  /** the notifications row's key: receivers use it to drop a repeated delivery */
  notificationKey: string;
  kind: string;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export interface DeliveryChannel {
  name: NotificationChannelName;
  /** resolves once delivered; `note` says what was delivered only in part (some recipients refused) */
  send(n: OutgoingNotification): Promise<{ note?: string } | void>;
  close(): void;
}

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

const MAX_BODY = 1000;

function scrub(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * JSON POST to the webhook. Headers: Idempotency-Key (the notification key), Authorization:
 * Bearer (NOTIFY_WEBHOOK_TOKEN) and X-Kinga-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" with NOTIFY_WEBHOOK_SECRET>, so the receiver can check origin and freshness.
 */
export function createWebhookChannel(config: WebhookChannelConfig, timeoutMs: number, fetchImpl: typeof fetch = fetch): DeliveryChannel {
  const http = createVendorHttp({ timeoutMs, secrets: [config.token, config.secret], fetch: fetchImpl, maxBody: MAX_BODY });
  const target = (() => {
    const u = new URL(config.url);
    u.search = '';
    u.password = '';
    return u.toString();
  })();
  return {
    name: 'webhook',
    async send(n) {
      const body = JSON.stringify({
        notificationKey: n.notificationKey,
        kind: n.kind,
        subject: n.subject,
        text: n.body,
        data: n.payload,
        createdAt: n.createdAt,
        source: 'kinga',
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': n.notificationKey, 'user-agent': 'kinga-notifications/1' };
      if (config.token) headers.authorization = `Bearer ${config.token}`;
      if (config.secret) {
        const t = Math.floor(Date.now() / 1000);
        headers['x-kinga-signature'] = `t=${t},v1=${createHmac('sha256', config.secret).update(`${t}.${body}`).digest('hex')}`;
      }
      try {
        // a redirect is not followed: the receiver's URL is configured, not discovered
        const answer = await http.exchange(`webhook ${target}`, config.url, { method: 'POST', headers, body, redirect: 'manual' });
        if (!answer.ok) throw http.failure(`webhook ${target}`, answer);
      } catch (err) {
        if (err instanceof VendorHttpError) throw new DeliveryError(err.message, !err.retryable);
        throw err;
      }
    },
    close() {},
  };
}

/** E-mail over SMTP (nodemailer), plain text, one message to every NOTIFY_EMAIL_TO address. */
export function createEmailChannel(config: EmailChannelConfig, timeoutMs: number): DeliveryChannel {
  const url = new URL(config.smtpUrl);
  const secrets = [decodeURIComponent(url.password), url.password];
  const transport: Transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    name: 'email',
    async send(n) {
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: n.subject,
          text: n.body,
          headers: { 'X-Kinga-Notification': n.notificationKey },
          messageId: `<${n.notificationKey.replace(/[^A-Za-z0-9._-]/g, '.')}@kinga>`,
        });
        // some recipients refused, the others have it: delivered (a retry would send it twice)
        const rejected = ((info.rejected ?? []) as (string | { address: string })[]).map((a) => (typeof a === 'string' ? a : a.address));
        return rejected.length ? { note: `delivered, but refused for ${rejected.join(', ')}` } : {};
      } catch (err) {
        const e = err as Error & { responseCode?: number; code?: string };
        // 5xx replies are final (bad mailbox, refused sender, failed login); 4xx are "try later"
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
        throw new DeliveryError(scrub(`email via ${url.hostname}:${url.port || '(default port)'}: ${e.code ? `${e.code}: ` : ''}${e.message}`, secrets), permanent);
      }
    },
    close() {
      transport.close();
    },
  };
}
