// One poller per API process fans changes out to every connected stream. The transactions and
// analyst_cases tables carry change_seq, taken from one sequence by a trigger on every scoring,
// status change and case change (see the dashboard migration); the poller reads "change_seq >
// floor" about once a second and hands each new change to every client.
//
// Sequence numbers are taken when a row is written but become visible when its transaction
// commits, so a smaller number can appear after a larger one. The poller therefore keeps every
// number it has seen above its floor and only moves the floor past numbers seen SETTLE_MS ago;
// a late commit within that window is still delivered (with its own, smaller id).
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { CASE_COLUMNS, toCaseEvent, toTransactionEvent, TRANSACTION_COLUMNS, type StreamEvent } from './views';

export interface StreamClient {
  /** whose stream it is: a disabled account's streams are ended */
  username?: string;
  send(event: StreamEvent): void;
  /** ends the client's response (the hub is closing) */
  end?(): void;
}

export interface HubOptions {
  pollMs?: number;
  settleMs?: number;
  /** most rows read per table and poll */
  batch?: number;
}

export const seqOf = (e: StreamEvent): number => e.data.seq;

/** Changes after `afterSeq` (both tables, in sequence order): the replay for a reconnecting client. */
export async function changesAfter(db: Knex, afterSeq: number, limit: number): Promise<StreamEvent[]> {
  const [txns, cases] = await Promise.all([
    db('transactions').where('change_seq', '>', afterSeq).whereNotNull('scored_at').orderBy('change_seq').limit(limit).select(TRANSACTION_COLUMNS),
    db('analyst_cases').where('change_seq', '>', afterSeq).orderBy('change_seq').limit(limit).select(CASE_COLUMNS),
  ]);
  const events = [...txns.map(toTransactionEvent), ...cases.map(toCaseEvent)].sort((a, b) => seqOf(a) - seqOf(b));
  return events.slice(0, limit);
}

/** The last `count` scored transactions, oldest first: what a new monitor shows before live changes arrive. */
export async function recentTransactions(db: Knex, count: number): Promise<StreamEvent[]> {
  if (count <= 0) return [];
  const rows = await db('transactions').whereNotNull('change_seq').whereNotNull('scored_at').orderBy('change_seq', 'desc').limit(count).select(TRANSACTION_COLUMNS);
  return rows.map(toTransactionEvent).reverse();
}

export async function currentSeq(db: Knex): Promise<number> {
  const row = await db.raw<{ rows: { seq: string | null }[] }>(
    `select greatest((select max(change_seq) from transactions), (select max(change_seq) from analyst_cases)) as seq`,
  );
  return Number(row.rows[0]?.seq ?? 0);
}

export class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private readonly seen = new Map<number, number>(); // seq → when first seen
  private floor = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;
  private readonly pollMs: number;
  private readonly settleMs: number;
  private readonly batch: number;

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
    options: HubOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.settleMs = options.settleMs ?? 5000;
    this.batch = options.batch ?? 1000;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Adds a client; the first one starts the poller (from "now": history is for replays). */
  async add(client: StreamClient): Promise<void> {
    if (this.closed) throw new Error('the stream hub is closed');
    this.clients.add(client);
    if (!this.timer && !this.starting) {
      this.starting = (async () => {
        this.floor = await currentSeq(this.db);
        this.seen.clear();
        this.schedule();
      })().finally(() => {
        this.starting = undefined;
      });
    }
    await this.starting;
  }

  /** Removes a client; the last one stops the poller, so an idle API does not poll. */
  remove(client: StreamClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stopTimer();
  }

  /** Ends the open streams of one account (it was disabled: its token no longer opens one). */
  disconnect(username: string): number {
    let ended = 0;
    for (const client of [...this.clients]) {
      if (client.username !== username) continue;
      try {
        client.end?.();
      } catch {
        // already gone
      }
      this.remove(client);
      ended++;
    }
    return ended;
  }

  /** Ends every open stream (clients reconnect elsewhere) and stops polling: call before server.close(). */
  async close(): Promise<void> {
    this.closed = true;
    for (const client of this.clients) {
      try {
        client.end?.();
      } catch {
        // already gone
      }
    }
    this.clients.clear();
    this.stopTimer();
    await this.polling;
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.closed || this.clients.size === 0) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        if (this.timer) this.schedule();
      });
    }, this.pollMs);
  }

  private async poll(): Promise<void> {
    let events: StreamEvent[];
    try {
      events = await changesAfter(this.db, this.floor, this.batch);
    } catch (err) {
      this.logger.warn({ err }, 'stream poll failed; retrying');
      return;
    }
    const now = Date.now();
    const fresh = events.filter((e) => !this.seen.has(seqOf(e)));
    for (const e of fresh) this.seen.set(seqOf(e), now);
    for (const e of fresh) {
      for (const client of this.clients) {
        try {
          client.send(e);
        } catch (err) {
          this.logger.debug({ err }, 'a stream client could not be written to');
        }
      }
    }
    // Move the floor past numbers that have had time to settle; forget what lies below it.
    let settled = this.floor;
    for (const [seq, at] of this.seen) if (now - at >= this.settleMs && seq > settled) settled = seq;
    // a flood fills the batch: go on from its end rather than read the same rows again
    if (events.length >= this.batch) settled = Math.max(settled, seqOf(events[events.length - 1]!));
    this.floor = settled;
    for (const seq of this.seen.keys()) if (seq <= this.floor) this.seen.delete(seq);
  }
}
