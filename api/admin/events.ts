// The administration audit trail through the API: every step of users, rule sets, backtests and
// shadow runs with its actor, newest first, filtered by kind of step, actor, subject and time, a
// page at a time — and the same selection as CSV. Admins and compliance read it; nobody writes it
// here (each change writes its own row, in its own transaction).
import type { Router } from 'express';
import { z } from 'zod';
import { ADMIN_EVENT_TYPES, ADMIN_SUBJECTS, adminEventsCsv, listAdminEvents } from '../../admin/audit';
import type { ApiDeps } from '../context';
import { requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, type OpenAPIRegistry } from '../openapi/route';
import { ADMIN_READERS } from './access';
import { plainInstant } from './fields';

/** The CSV holds the whole selection up to this many steps (X-Truncated says when it was cut). */
export const ADMIN_EVENTS_CSV_MAX = 100_000;

const eventFilter = z.object({
  subjectType: z.enum(ADMIN_SUBJECTS, { error: `must be one of ${ADMIN_SUBJECTS.join(', ')}` }).optional(),
  subjectId: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  eventType: z.enum(ADMIN_EVENT_TYPES, { error: 'must be a kind of administration step (e.g. rule_set_approved)' }).optional(),
  actor: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  from: plainInstant.optional().describe('steps at or after (ISO 8601 with offset)'),
  to: plainInstant.optional().describe('… and before'),
});
const afterFrom = (q: { from?: string; to?: string }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);
const TO_AFTER_FROM = { message: 'must be after from', path: ['to'] };

export const adminEventsQuery = eventFilter
  .extend({
    limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(200),
    offset: z.coerce.number().int('must be a whole number').min(0, 'must be at least 0').max(10_000_000, 'must be at most 10000000').default(0),
  })
  .refine(afterFrom, TO_AFTER_FROM);
const adminEventsCsvQuery = eventFilter.refine(afterFrom, TO_AFTER_FROM);

const adminEventView = z
  .object({
    id: z.number(),
    subjectType: z.enum(ADMIN_SUBJECTS),
    subjectId: z.string().describe('the username, rule-set version, backtest or shadow-run id'),
    eventType: z.string().describe(`one of ${ADMIN_EVENT_TYPES.join(', ')}`),
    actor: z.string().describe('username, or system:<component>'),
    actorRole: z.string().nullable(),
    note: z.string().nullable().describe('the reason or note the actor gave'),
    payload: z.looseObject({}).describe('the details as recorded (never a password or hash)'),
    occurredAt: z.string(),
    summary: z.string().describe('the step in words, with its details (a proposal lists its changes)'),
  })
  .meta({ id: 'AdminEvent' });

export function documentAdminEventRoutes(registry: OpenAPIRegistry): void {
  const tags = ['admin'];
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/events',
    tags,
    summary: 'The administration audit trail, newest first, a page at a time',
    access: ADMIN_READERS,
    request: { query: adminEventsQuery },
    responses: {
      200: {
        description: 'The steps on this page and how many match in all',
        body: z.object({ events: z.array(adminEventView), total: z.number(), offset: z.number(), limit: z.number() }),
      },
    },
  });
  documentRoute(registry, {
    method: 'get',
    path: '/api/admin/events.csv',
    tags,
    summary: `The same selection as CSV (every page, up to ${ADMIN_EVENTS_CSV_MAX.toLocaleString('en')} steps)`,
    access: ADMIN_READERS,
    request: { query: adminEventsCsvQuery },
    responses: {
      200: {
        description: 'The steps, newest first',
        contentType: 'text/csv',
        body: z.string(),
        headers: { 'X-Truncated': { description: `true when the selection held more than ${ADMIN_EVENTS_CSV_MAX} steps`, schema: { type: 'string' } } },
      },
    },
  });
}

export function mountAdminEventRoutes(router: Router, deps: ApiDeps): void {
  const readers = requireRole('admin', 'compliance');
  router.get('/events', readers, validate({ query: adminEventsQuery }), async (req, res) => {
    const { limit, offset } = req.query;
    const { events, total } = await listAdminEvents(deps.db, req.query);
    res.json({ events, total, offset, limit });
  });
  router.get('/events.csv', readers, validate({ query: adminEventsCsvQuery }), async (req, res) => {
    // one more than the cap tells a cut selection from one that fits exactly
    const { events } = await listAdminEvents(deps.db, { ...req.query, limit: ADMIN_EVENTS_CSV_MAX + 1 });
    const truncated = events.length > ADMIN_EVENTS_CSV_MAX;
    if (truncated) res.setHeader('X-Truncated', 'true');
    req.log.info({ count: Math.min(events.length, ADMIN_EVENTS_CSV_MAX), truncated }, 'admin audit trail exported');
    res.attachment('admin-events.csv').type('text/csv; charset=utf-8').send(adminEventsCsv(events.slice(0, ADMIN_EVENTS_CSV_MAX)));
  });
}
