// Notification channels against real loopback receivers: a webhook endpoint and an SMTP server.
// Each delivery is recorded in the notifications table; a failure is recorded and classed as
// retryable (5xx, timeouts, 4xx SMTP replies) or not (4xx HTTP, 5xx SMTP), secrets never shown.
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities, raiseNotification } from '../../activities/notifications';
import { loadNotificationConfig, type NotificationConfig } from '../../config/notifications';
import { testDb, uniqueRef } from '../helpers';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers';

const db = testDb(3);
const logger = pino({ level: 'silent' });
const SECRET = 'webhook-hmac-secret-0123456789';
const BEARER = 'webhook-bearer-token-42';
let hook: WebhookReceiver;
let smtp: SmtpReceiver;
let config: NotificationConfig;

beforeAll(async () => {
  [hook, smtp] = await Promise.all([startWebhookReceiver(), startSmtpReceiver()]);
  config = loadNotificationConfig({
    NOTIFY_WEBHOOK_URL: hook.url,
    NOTIFY_WEBHOOK_TOKEN: BEARER,
    NOTIFY_WEBHOOK_SECRET: SECRET,
    SMTP_URL: smtp.url,
    NOTIFY_EMAIL_FROM: 'kinga@bank.example',
    NOTIFY_EMAIL_TO: 'cro@bank.example, treasury@bank.example',
    NOTIFY_TIMEOUT: '2s',
  });
});

afterAll(async () => {
  await Promise.all([hook?.stop(), smtp?.stop(), db.destroy()]);
});

async function raise(cfg: NotificationConfig = config) {
  const key = uniqueRef('notify');
  const raised = await raiseNotification(db, cfg, {
    key,
    kind: 'risk_breach',
    recipientRole: 'management',
    subject: '[Kinga] WARNING: LCR below floor (book): 0.850000 against the floor 1.0',
    body: 'LCR below floor (book)\nValue: 0.850000',
    payload: { eventKey: key, status: 'WARNING' },
  });
  return { key, raised };
}

const row = (notificationKey: string) => db('notifications').where({ notification_key: notificationKey }).first();

describe('configuration', () => {
  it('switches channels on by their settings and refuses half a channel', () => {
    expect(loadNotificationConfig({})).toMatchObject({ webhook: null, email: null, maxAttempts: 8 });
    expect(() => loadNotificationConfig({ SMTP_URL: 'smtp://u:p@mail.bank.example:587' })).toThrow(/NOTIFY_EMAIL_FROM: required/);
    expect(() => loadNotificationConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    expect(() => loadNotificationConfig({ NOTIFY_EMAIL_TO: 'not-an-address' })).toThrow(/"not-an-address" is not an e-mail address/);
    // the password of a bad SMTP_URL is not echoed
    const err = (() => {
      try {
        loadNotificationConfig({ SMTP_URL: 'ftp://user:hunter2-secret@x' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toMatch(/SMTP_URL/);
    expect(err).not.toContain('hunter2-secret');
  });
});

describe('raising a notification', () => {
  it('records one row per configured channel, once', async () => {
    const { key, raised } = await raise();
    expect(raised.map((r) => [r.notificationKey, r.channel, r.delivered]).sort()).toEqual([
      [`${key}:email`, 'email', false],
      [`${key}:webhook`, 'webhook', false],
    ]);
    const again = await raiseNotification(db, config, { key, kind: 'risk_breach', recipientRole: 'management', subject: 's', body: 'b', payload: {} });
    expect(again).toHaveLength(2);
    expect(await db('notifications').where('notification_key', 'like', `${key}%`).count<{ count: string }[]>('* as count')).toEqual([{ count: 2 }]);
  });

  it('without any channel the notification is still on record, undelivered', async () => {
    const { key, raised } = await raise(loadNotificationConfig({}));
    expect(raised).toEqual([{ notificationKey: key, channel: null, delivered: false }]);
  });
});

describe('the webhook channel', () => {
  it('POSTs JSON with a bearer token, an idempotency key and a verifiable HMAC signature; delivered once', async () => {
    const acts = createNotificationActivities({ db, notifications: config, logger });
    const { key } = await raise();
    const before = hook.received.length;
    expect(await acts.deliverNotification({ notificationKey: `${key}:webhook` })).toEqual({ delivered: true, attempts: 1, already: false });
    const got = hook.received.at(-1)!;
    expect(hook.received.length).toBe(before + 1);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(got.headers['idempotency-key']).toBe(`${key}:webhook`);
    expect(got.body).toMatchObject({ notificationKey: `${key}:webhook`, kind: 'risk_breach', subject: expect.stringContaining('LCR below floor'), data: { status: 'WARNING' } });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got.headers['x-kinga-signature']))!;
    expect(createHmac('sha256', SECRET).update(`${t}.${got.raw}`).digest('hex')).toBe(v1);

    const stored = await row(`${key}:webhook`);
    expect(stored).toMatchObject({ channel: 'webhook', attempts: 1, last_error: null });
    expect(stored.delivered_at).not.toBeNull();
    // delivered already: a retried activity does not send it again
    expect(await acts.deliverNotification({ notificationKey: `${key}:webhook` })).toMatchObject({ already: true });
    expect(hook.received.length).toBe(before + 1);
  });

  it('a 5xx is recorded and retryable, and the next attempt delivers', async () => {
    const acts = createNotificationActivities({ db, notifications: config, logger });
    const { key } = await raise();
    hook.script([503]);
    const err = await acts.deliverNotification({ notificationKey: `${key}:webhook` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'notification_failed', nonRetryable: false });
    const failed = await row(`${key}:webhook`);
    expect(failed).toMatchObject({ attempts: 1, delivered_at: null, last_error: expect.stringContaining('answered 503') });
    expect(failed.last_error).not.toContain(BEARER);
    expect(failed.last_error).not.toContain(SECRET);

    expect(await acts.deliverNotification({ notificationKey: `${key}:webhook` })).toMatchObject({ delivered: true, attempts: 2 });
    expect(await row(`${key}:webhook`)).toMatchObject({ attempts: 2, last_error: null });
  });

  it('a 4xx is final; an unreachable endpoint and a timeout are retryable', async () => {
    const acts = createNotificationActivities({ db, notifications: config, logger });
    const { key } = await raise();
    hook.script([410]);
    await expect(acts.deliverNotification({ notificationKey: `${key}:webhook` })).rejects.toMatchObject({ type: 'notification_rejected', nonRetryable: true });

    const unreachable = createNotificationActivities({ db, notifications: { ...config, webhook: { ...config.webhook!, url: 'http://127.0.0.1:9/hook' } }, logger });
    const second = await raise();
    await expect(unreachable.deliverNotification({ notificationKey: `${second.key}:webhook` })).rejects.toMatchObject({ type: 'notification_failed', nonRetryable: false });

    const impatient = createNotificationActivities({ db, notifications: { ...config, timeoutMs: 200 }, logger });
    const third = await raise();
    hook.hold();
    try {
      await expect(impatient.deliverNotification({ notificationKey: `${third.key}:webhook` })).rejects.toMatchObject({ nonRetryable: false, message: expect.stringMatching(/no answer within 200 ms/) });
    } finally {
      hook.release();
    }
  });
});

describe('the e-mail channel (SMTP)', () => {
  it('sends one plain-text message to every recipient, with the notification key in a header', async () => {
    const acts = createNotificationActivities({ db, notifications: config, logger });
    const { key } = await raise();
    const before = smtp.messages.length;
    expect(await acts.deliverNotification({ notificationKey: `${key}:email` })).toMatchObject({ delivered: true, attempts: 1 });
    expect(smtp.messages.length).toBe(before + 1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.from).toBe('kinga@bank.example');
    expect(mail.to).toEqual(['cro@bank.example', 'treasury@bank.example']);
    expect(mail.raw).toContain(`X-Kinga-Notification: ${key}:email`);
    expect(mail.raw).toMatch(/Subject: \[Kinga\] WARNING: LCR below floor/);
    expect(mail.raw).toContain('Value: 0.850000');
  });

  it('refused by every recipient (550) is final; by some, delivered with a note; bad credentials final; the password never shows', async () => {
    const acts = createNotificationActivities({ db, notifications: config, logger });
    const { key } = await raise();
    smtp.refuse(['cro@bank.example', 'treasury@bank.example']);
    try {
      await expect(acts.deliverNotification({ notificationKey: `${key}:email` })).rejects.toMatchObject({ type: 'notification_rejected', nonRetryable: true });
      expect((await row(`${key}:email`)).last_error).toMatch(/550|unavailable|rejected/i);
      // one of two refused: the other has it, so it counts as delivered (no second copy on retry)
      smtp.refuse(['treasury@bank.example']);
      expect(await acts.deliverNotification({ notificationKey: `${key}:email` })).toMatchObject({ delivered: true, attempts: 2 });
      expect(smtp.messages.at(-1)!.to).toEqual(['cro@bank.example']);
      expect((await row(`${key}:email`)).last_error).toBe('delivered, but refused for treasury@bank.example');
    } finally {
      smtp.refuse([]);
    }

    const wrongPassword = createNotificationActivities({ db, notifications: { ...config, email: { ...config.email!, smtpUrl: smtp.url.replace(smtp.password, 'wrong-pass-99') } }, logger });
    const second = await raise();
    await expect(wrongPassword.deliverNotification({ notificationKey: `${second.key}:email` })).rejects.toMatchObject({ nonRetryable: true });
    const stored = await row(`${second.key}:email`);
    expect(stored.last_error).toMatch(/535|Invalid/);
    expect(stored.last_error).not.toContain('wrong-pass-99');
  });

  it('a server that is not there is retryable', async () => {
    const acts = createNotificationActivities({ db, notifications: { ...config, email: { ...config.email!, smtpUrl: 'smtp://u:p@127.0.0.1:9' } }, logger });
    const { key } = await raise();
    await expect(acts.deliverNotification({ notificationKey: `${key}:email` })).rejects.toMatchObject({ type: 'notification_failed', nonRetryable: false });
  });
});
