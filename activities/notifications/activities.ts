// Management notifications: raised as rows of the notifications table (one per configured
// channel), then delivered one row at a time by `deliverNotification`. Each delivery records its
// attempts, its last error and, once through, delivered_at; a delivered row is never sent again,
// so a retried activity or a repeated workflow does not notify twice.
import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { enabledChannels, type NotificationChannelName, type NotificationConfig } from '../../config/notifications';
import type { Db } from '../../db/connection';
import { createEmailChannel, createWebhookChannel, DeliveryError, type DeliveryChannel } from './channels';

export interface NotificationActivityDeps {
  db: Db;
  notifications: NotificationConfig;
  logger: Logger;
  /** replaces the channels built from the configuration (tests) */
  channels?: Partial<Record<NotificationChannelName, DeliveryChannel>>;
}

export interface NotificationRequest {
  /** unique per notification; each channel's row is keyed `<key>:<channel>` */
  key: string;
  kind: string;
  recipientRole: string;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  transactionRef?: string | null;
}

export interface RaisedNotification {
  notificationKey: string;
  channel: NotificationChannelName | null;
  delivered: boolean;
}

/** Delivery settings the notifying workflow needs for its retry policy (no secrets). */
export interface DeliveryPolicy {
  maxAttempts: number;
  initialIntervalMs: number;
  maximumIntervalMs: number;
  /** one attempt's timeout plus a margin */
  attemptTimeoutMs: number;
}

export const NOTIFICATION_FAILURE = { failed: 'notification_failed', rejected: 'notification_rejected', missing: 'notification_missing' } as const;

export function deliveryPolicy(c: NotificationConfig): DeliveryPolicy {
  return { maxAttempts: c.maxAttempts, initialIntervalMs: c.retryInitialMs, maximumIntervalMs: c.retryMaxMs, attemptTimeoutMs: c.timeoutMs + 5_000 };
}

/**
 * Records one row per configured channel (or one row without a channel when none is configured,
 * so the notification is still on record). Idempotent: existing rows are kept as they are.
 */
export async function raiseNotification(db: Knex, config: NotificationConfig, n: NotificationRequest): Promise<RaisedNotification[]> {
  const channels: (NotificationChannelName | null)[] = enabledChannels(config);
  if (channels.length === 0) channels.push(null);
  const rows = channels.map((channel) => ({
    notification_key: channel ? `${n.key}:${channel}` : n.key,
    kind: n.kind,
    recipient_role: n.recipientRole,
    subject: n.subject,
    body: n.body,
    transaction_ref: n.transactionRef ?? null,
    payload: JSON.stringify(n.payload),
    channel,
  }));
  await db('notifications').insert(rows).onConflict('notification_key').ignore();
  const stored = await db('notifications')
    .whereIn(
      'notification_key',
      rows.map((r) => r.notification_key),
    )
    .select<{ notification_key: string; channel: NotificationChannelName | null; delivered_at: Date | null }[]>('notification_key', 'channel', 'delivered_at');
  return stored.map((r) => ({ notificationKey: r.notification_key, channel: r.channel, delivered: r.delivered_at !== null }));
}

export function createNotificationActivities({ db, notifications, logger, channels: given }: NotificationActivityDeps) {
  const log = logger.child({ component: 'notifications' });
  const channels: Partial<Record<NotificationChannelName, DeliveryChannel>> = given ?? {
    ...(notifications.webhook ? { webhook: createWebhookChannel(notifications.webhook, notifications.timeoutMs) } : {}),
    ...(notifications.email ? { email: createEmailChannel(notifications.email, notifications.timeoutMs) } : {}),
  };

  async function recordFailure(key: string, message: string): Promise<void> {
    await db('notifications')
      .where({ notification_key: key })
      .update({ attempts: db.raw('attempts + 1'), last_error: message.slice(0, 2000), last_attempt_at: db.fn.now() });
  }

  return {
    /** Sends one notifications row on its channel; done already → nothing happens. */
    async deliverNotification({ notificationKey }: { notificationKey: string }): Promise<{ delivered: true; attempts: number; already: boolean }> {
      const row = await db('notifications')
        .where({ notification_key: notificationKey })
        .first<
          | { notification_key: string; kind: string; subject: string; body: string; payload: Record<string, unknown>; channel: NotificationChannelName | null; delivered_at: Date | null; attempts: number; created_at: Date }
          | undefined
        >();
      if (!row) throw ApplicationFailure.create({ type: NOTIFICATION_FAILURE.missing, message: `notification ${notificationKey} is not recorded`, nonRetryable: true });
      if (row.delivered_at) return { delivered: true, attempts: row.attempts, already: true };
      const channel = row.channel ? channels[row.channel] : undefined;
      if (!channel) {
        const message = row.channel ? `channel ${row.channel} is not configured on this worker` : 'no channel: nothing to deliver';
        await recordFailure(notificationKey, message);
        throw ApplicationFailure.create({ type: NOTIFICATION_FAILURE.rejected, message: `${notificationKey}: ${message}`, nonRetryable: true });
      }
      let note: string | undefined;
      try {
        const sent = await channel.send({
          notificationKey,
          kind: row.kind,
          subject: row.subject,
          body: row.body,
          payload: row.payload,
          createdAt: new Date(row.created_at).toISOString(),
        });
        note = sent?.note;
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), false);
        await recordFailure(notificationKey, e.message);
        log.warn({ notificationKey, channel: row.channel, permanent: e.permanent, error: e.message }, 'notification delivery failed');
        throw ApplicationFailure.create({
          type: e.permanent ? NOTIFICATION_FAILURE.rejected : NOTIFICATION_FAILURE.failed,
          message: `${notificationKey}: ${e.message}`,
          nonRetryable: e.permanent,
        });
      }
      const [updated] = await db('notifications')
        .where({ notification_key: notificationKey })
        .update({ delivered_at: db.fn.now(), attempts: db.raw('attempts + 1'), last_error: note ?? null, last_attempt_at: db.fn.now() })
        .returning<{ attempts: number }[]>('attempts');
      log.info({ notificationKey, channel: row.channel, attempts: updated?.attempts }, 'notification delivered');
      return { delivered: true, attempts: updated?.attempts ?? row.attempts + 1, already: false };
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
