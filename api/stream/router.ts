// GET /api/stream: server-sent events of transactions as they are scored and of cases as they open,
// change and close. Event ids are change sequence numbers: a client reconnecting with
// Last-Event-ID (or ?lastEventId=) first gets what it missed, then the live changes.
// Auth: `Authorization: Bearer <session token>` (any client that can set headers), or
// `?ticket=<stream ticket>` for the browser's EventSource (see ticket.ts for why not the token).
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../context';
import { UnauthorizedError } from '../errors';
import { requireAuth, sessionOf } from '../middleware/auth';
import { parseOrThrow } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { findUser, sessionIsCurrent } from '../users/service';
import { changesAfter, recentTransactions, seqOf, StreamHub, type HubOptions, type StreamClient } from './hub';
import { caseChangeJson, transactionChangeJson, type StreamEvent } from './views';
import { issueStreamTicket, verifyStreamTicket, type StreamTicket } from './ticket';

/** Most changes replayed to a reconnecting client; one that missed more reloads its page. */
export const MAX_REPLAY = 1000;
const HEARTBEAT_MS = 15_000;

const seqParam = z.string().regex(/^\d{1,18}$/, 'must be a change sequence number').transform(Number);

export const streamQuery = z.object({
  ticket: z.string().max(2048, 'is too long').optional(),
  lastEventId: seqParam.optional(),
  /** the last N scored transactions before the live ones (for a freshly opened monitor) */
  backlog: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().max(200, 'must be at most 200'))
    .optional(),
  /** only these event types (comma-separated: transaction, case) */
  types: z
    .string()
    .regex(/^(transaction|case)(,(transaction|case))*$/, 'must be transaction, case or both, comma-separated')
    .transform((v) => new Set(v.split(',')))
    .optional(),
});

export const streamRegistry = featureRegistry();

documentRoute(streamRegistry, {
  method: 'post',
  path: '/api/stream/ticket',
  tags: ['stream'],
  summary: 'A one-minute ticket to open the event stream from a browser (EventSource sends no headers)',
  access: { auth: 'bearer', roles: 'any' },
  responses: { 200: { description: 'The ticket', body: z.object({ ticket: z.string(), expiresAt: z.iso.datetime() }) } },
});
documentRoute(streamRegistry, {
  method: 'get',
  path: '/api/stream',
  tags: ['stream'],
  summary: 'Server-sent events: transactions as they are scored, cases as they open, change and close',
  description:
    'Never ends by itself (a heartbeat comment every 15 s). Event ids are change sequence numbers: ' +
    'reconnect with Last-Event-ID (or ?lastEventId=) to get what was missed first.',
  access: { auth: 'bearerOrTicket', roles: 'any' },
  request: { query: streamQuery },
  responses: { 200: { description: 'The event stream; each `data:` is a TransactionChange (event `transaction`) or a CaseChange (event `case`)', body: z.string(), contentType: 'text/event-stream' } },
});
/** The events' data are no JSON answer of a route: they enter the document as named schemas of their own. */
export const streamSchemas = [transactionChangeJson, caseChangeJson];

export interface StreamRouterOptions extends HubOptions {
  heartbeatMs?: number;
}

function format(event: StreamEvent): string {
  return `id: ${seqOf(event)}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** The session generation of a stream opened with a ticket (a header's is in its session claims). */
const ticketGenerations = new WeakMap<object, number>();

export function streamRouter(deps: ApiDeps, options: StreamRouterOptions = {}): { router: Router; hub: StreamHub } {
  const router = Router();
  const hub = new StreamHub(deps.db, deps.logger, options);
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;

  const ticket: RequestHandler<Record<string, string>, StreamTicket> = async (req, res) => {
    if (!req.user) throw new UnauthorizedError();
    res.json(await issueStreamTicket({ username: req.user.username, generation: sessionOf(req)?.generation ?? 0 }, deps.jwtSecret));
  };
  router.post('/ticket', requireAuth(deps), ticket);

  /** Header first (like every other route); the ticket only when there is no header. */
  const authenticate: RequestHandler = async (req, res, next) => {
    if (req.get('authorization')) return requireAuth(deps)(req, res, next);
    const query = parseOrThrow(streamQuery, req.query, 'query');
    if (!query.ticket) throw new UnauthorizedError('a bearer token or a stream ticket (POST /api/stream/ticket) is required');
    const holder = await verifyStreamTicket(query.ticket, deps.jwtSecret);
    const user = holder ? await findUser(deps.db, holder.username) : null;
    if (!holder || !sessionIsCurrent(user, holder.generation)) throw new UnauthorizedError('the stream ticket is invalid or has expired');
    req.user = { username: user.username, displayName: user.displayName, role: user.role };
    ticketGenerations.set(req, holder.generation);
    next();
  };

  const stream = async (req: Request, res: Response): Promise<void> => {
    const query = parseOrThrow(streamQuery, req.query, 'query');
    const header = req.get('last-event-id');
    const lastEventId = header !== undefined ? parseOrThrow(seqParam, header.trim(), 'query') : query.lastEventId;
    const wanted = (e: StreamEvent) => !query.types || query.types.has(e.type);

    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    res.write(`retry: 3000\n: connected as ${req.user!.username}\n\n`);

    // Live changes are held back until the replay is written, then deduplicated against it.
    let replaying = true;
    const held: StreamEvent[] = [];
    const replayed = new Set<number>();
    const client: StreamClient = {
      username: req.user!.username,
      send(event) {
        if (!wanted(event)) return;
        if (replaying) held.push(event);
        else if (!replayed.has(seqOf(event))) res.write(format(event));
      },
      end() {
        res.end();
      },
    };
    // each heartbeat also asks whether the session is still good (the account active, its password
    // not reset since): an API process that did not disable or reset it (hub.disconnect ends the
    // streams of the one that did) ends the stream here
    const generation = sessionOf(req)?.generation ?? ticketGenerations.get(req) ?? 0;
    const heartbeat = setInterval(() => {
      res.write(`: keep-alive\n\n`);
      findUser(deps.db, req.user!.username).then(
        (user) => {
          if (!sessionIsCurrent(user, generation)) {
            cleanup();
            res.end();
          }
        },
        (err: unknown) => req.log?.warn({ err }, 'stream: could not re-check the account'),
      );
    }, heartbeatMs);
    let closed = false;
    const cleanup = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      hub.remove(client);
    };
    req.on('close', cleanup);
    res.on('error', cleanup);

    try {
      await hub.add(client);
      const replay = lastEventId !== undefined ? await changesAfter(deps.db, lastEventId, MAX_REPLAY) : await recentTransactions(deps.db, query.backlog ?? 0);
      if (lastEventId !== undefined && replay.length >= MAX_REPLAY) res.write(`event: reset\ndata: {"reason":"more than ${MAX_REPLAY} changes were missed"}\n\n`);
      for (const event of replay) {
        replayed.add(seqOf(event));
        if (wanted(event)) res.write(format(event));
      }
      replaying = false;
      for (const event of held.splice(0)) client.send(event);
    } catch (err) {
      cleanup();
      req.log?.warn({ err }, 'stream could not start');
      res.end();
    }
  };

  router.get('/', authenticate, stream);
  return { router, hub };
}
