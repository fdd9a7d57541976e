// The analysts' case queue: the filters and sort orders of the workbench on top of GET /api/cases.
// Without sort or the newer filters it answers highest risk first, then oldest.
import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { singleLineText } from '../../boundary/inputRules';
import { CHANNELS } from '../../risk/types';
import type { ApiDeps } from '../context';
import { UnauthorizedError } from '../errors';
import { listCasesQuery } from './schemas';
import type { CasePage } from './service';
import { casePermissions, type Caller } from './permissions';
import { caseListItemView, type CaseListItem } from './views';

export const QUEUE_SORTS = ['priority', 'opened_at', 'sla_due_at', 'amount', 'risk_score', 'updated_at'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

const minutes = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number of minutes')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

export const queueQuery = listCasesQuery.extend({
  /** a username, `me` (the caller) or `none` (nobody took it) */
  assignee: singleLineText(64).optional(),
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).optional(),
  /** opened at least this many minutes ago */
  minAgeMinutes: minutes(60 * 24 * 365).optional(),
  /** open cases whose SLA is due within this many minutes (overdue ones included) */
  slaWithinMinutes: minutes(60 * 24 * 30).optional(),
  overdue: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').optional(),
  sort: z.enum(QUEUE_SORTS, { error: `must be one of ${QUEUE_SORTS.join(', ')}` }).default('priority'),
  dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
});
export type QueueQuery = z.output<typeof queueQuery>;

const OPEN = ['assigned', 'escalated'];

function applyQueueFilters(q: Knex.QueryBuilder, f: QueueQuery, username: string, now: Date): Knex.QueryBuilder {
  if (f.status === 'open') q.whereIn('c.status', OPEN);
  else if (f.status) q.where('c.status', f.status);
  if (f.level) q.where('c.risk_level', f.level);
  if (f.assignee === 'none') q.whereNull('c.assignee');
  else if (f.assignee === 'me') q.where('c.assignee', username);
  else if (f.assignee) q.where('c.assignee', f.assignee);
  if (f.channel) q.where('t.channel', f.channel);
  if (f.minAgeMinutes) q.where('c.opened_at', '<=', new Date(now.getTime() - f.minAgeMinutes * 60_000));
  if (f.slaWithinMinutes) q.whereIn('c.status', OPEN).where('c.sla_due_at', '<=', new Date(now.getTime() + f.slaWithinMinutes * 60_000));
  if (f.overdue !== undefined) {
    if (f.overdue) q.whereIn('c.status', OPEN).where('c.sla_due_at', '<', now);
    else q.where((w) => w.where('c.status', 'closed').orWhere('c.sla_due_at', '>=', now));
  }
  return q;
}

const SORT_COLUMNS: Record<Exclude<QueueSort, 'priority'>, string> = {
  opened_at: 'c.opened_at',
  sla_due_at: 'c.sla_due_at',
  amount: 't.amount',
  risk_score: 't.risk_score',
  updated_at: 'c.updated_at',
};

export async function listQueue(db: Knex, f: QueueQuery, caller: Caller, now = new Date()): Promise<CasePage> {
  const base = () => applyQueueFilters(db('analyst_cases as c').join('transactions as t', 't.transaction_ref', 'c.transaction_ref'), f, caller.username, now);
  const [countRow] = await base().count<{ total: number | string }[]>({ total: '*' });
  const q = base().select<CaseListItem[]>(
    'c.*',
    't.customer_id',
    't.account_id',
    't.amount',
    't.currency',
    't.txn_type',
    't.channel',
    't.merchant_name',
    't.city',
    't.country',
    't.occurred_at',
    't.risk_score',
    't.status as transaction_status',
  );
  if (f.sort === 'priority') {
    const dir = f.dir ?? 'desc';
    const reverse = dir === 'asc' ? 'desc' : 'asc';
    q.orderByRaw(`case c.risk_level when 'high' then 2 when 'medium' then 1 else 0 end ${dir}`).orderBy('c.opened_at', reverse);
  } else {
    q.orderByRaw(`${SORT_COLUMNS[f.sort]} ${f.dir ?? 'asc'} nulls last`);
  }
  const rows = await q.orderBy('c.id', 'asc').limit(f.limit).offset(f.offset);
  return { items: rows.map((row) => caseListItemView(row, casePermissions(row, caller))), total: Number(countRow?.total ?? 0), limit: f.limit, offset: f.offset };
}

export function queueHandler(deps: Pick<ApiDeps, 'db'>): RequestHandler<Record<string, string>, CasePage, unknown, QueueQuery> {
  return async (req, res) => {
    if (!req.user) throw new UnauthorizedError();
    res.json(await listQueue(deps.db, req.query, req.user));
  };
}
