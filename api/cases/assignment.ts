// Who works a case. Taking a case is one conditional UPDATE, so of two analysts clicking at the same
// moment exactly one wins and the other is told who holds it (409). A senior analyst hands out or
// moves several cases at once. Every change is written to the audit trail with its actor.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { singleLineText } from '../../boundary/inputRules';
import { roleMayDecide, type Role } from '../../workflows/lifecycle/definitions';
import type { ApiDeps, AuthUser } from '../context';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, UnprocessableError } from '../errors';
import type { CaseParams } from './schemas';
import { casePermissions, DECIDING_ROLES, takeRefusal } from './permissions';
import { caseView, caseJson, type CaseJson, type CaseRecord } from './views';

export const MAX_BULK_ASSIGN = 100;

export const bulkAssignmentBody = z.strictObject({
  caseIds: z
    .array(z.number().int().positive('must be positive case ids'), { error: 'must be an array of case ids' })
    .min(1, 'must hold at least one case id')
    .max(MAX_BULK_ASSIGN, `must hold at most ${MAX_BULK_ASSIGN} case ids`),
  /** the analyst to give the cases to; null hands them back to the queue */
  assignee: singleLineText(64).nullable(),
});
export type BulkAssignmentBody = z.output<typeof bulkAssignmentBody>;

export interface AssignmentResult {
  case: CaseJson;
}
export const assignmentResultJson = z.object({ case: caseJson });

export interface BulkAssignmentResult {
  assignee: string | null;
  assigned: number[];
  /** cases left as they were, with the reason */
  skipped: { caseId: number; reason: string }[];
}

export interface Assignee {
  username: string;
  displayName: string;
  role: Role;
}


async function audit(trx: Knex, row: CaseRecord, type: 'case_assigned' | 'case_released', actor: AuthUser, details: Record<string, unknown>): Promise<void> {
  await trx('case_events').insert({
    event_key: `assignment:${row.id}:${randomUUID()}`,
    transaction_ref: row.transaction_ref,
    case_id: row.id,
    event_type: type,
    actor: actor.username,
    actor_role: actor.role,
    note: null,
    payload: JSON.stringify(details),
  });
}

function describeHolder(row: CaseRecord): string {
  return `case ${row.id} is already taken by ${row.assignee}`;
}

/** Takes case `id` for `user`: only an open case nobody else holds, and one the user's role may decide. */
export async function takeCase(db: Knex, id: number, user: AuthUser): Promise<CaseRecord> {
  return db.transaction(async (trx) => {
    const current = await trx<CaseRecord>('analyst_cases').where({ id }).first();
    if (!current) throw new NotFoundError(`case ${id} not found`);
    const refused = takeRefusal(current, user);
    if (refused) throw refused.code === 'conflict' ? new ConflictError(refused.reason) : new ForbiddenError(refused.reason);
    if (current.assignee === user.username) return current;
    const [taken] = await trx<CaseRecord>('analyst_cases')
      .where({ id })
      .whereNot('status', 'closed')
      .whereNull('assignee')
      .update({ assignee: user.username, updated_at: trx.fn.now() })
      .returning('*');
    if (!taken) {
      const now = await trx<CaseRecord>('analyst_cases').where({ id }).first();
      throw new ConflictError(now?.status === 'closed' ? `case ${id} is closed` : describeHolder(now ?? current), 'assignee');
    }
    await audit(trx, taken, 'case_assigned', user, { assignee: user.username, via: 'take' });
    return taken;
  });
}

/** Gives case `id` back to the queue: its holder may, and so may a senior analyst. */
export async function releaseCase(db: Knex, id: number, user: AuthUser): Promise<CaseRecord> {
  return db.transaction(async (trx) => {
    const current = await trx<CaseRecord>('analyst_cases').where({ id }).forUpdate().first();
    if (!current) throw new NotFoundError(`case ${id} not found`);
    if (current.assignee === null) return current;
    if (current.assignee !== user.username && user.role !== 'senior_analyst') {
      throw new ConflictError(`${describeHolder(current)}; only they or a senior analyst may release it`, 'assignee');
    }
    const [released] = await trx<CaseRecord>('analyst_cases').where({ id }).update({ assignee: null, updated_at: trx.fn.now() }).returning('*');
    await audit(trx, released!, 'case_released', user, { previousAssignee: current.assignee });
    return released!;
  });
}

/** Active users who may work cases: the senior analyst's choice when assigning. */
export async function listAssignees(db: Knex): Promise<Assignee[]> {
  const rows = await db('users').where({ active: true }).whereIn('role', [...DECIDING_ROLES]).orderBy('display_name').select('username', 'display_name', 'role');
  return rows.map((r: { username: string; display_name: string; role: Role }) => ({ username: r.username, displayName: r.display_name, role: r.role }));
}

/** A senior analyst assigns (or, with null, releases) several cases; closed or unsuitable ones are skipped with a reason. */
export async function assignCases(db: Knex, body: BulkAssignmentBody, actor: AuthUser): Promise<BulkAssignmentResult> {
  let target: Assignee | null = null;
  if (body.assignee !== null) {
    const user = await db('users').where({ username: body.assignee }).first<{ username: string; display_name: string; role: Role; active: boolean } | undefined>();
    if (!user || !user.active) throw new UnprocessableError(`assignee: ${body.assignee} is not an active user`, 'assignee');
    if (!(DECIDING_ROLES as readonly Role[]).includes(user.role)) throw new UnprocessableError(`assignee: ${body.assignee} is ${user.role} and does not work cases`, 'assignee');
    target = { username: user.username, displayName: user.display_name, role: user.role };
  }
  const ids = [...new Set(body.caseIds)];
  return db.transaction(async (trx) => {
    const rows = await trx<CaseRecord>('analyst_cases').whereIn('id', ids).orderBy('id').forUpdate();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const assigned: number[] = [];
    const skipped: BulkAssignmentResult['skipped'] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) skipped.push({ caseId: id, reason: `case ${id} not found` });
      else if (row.status === 'closed') skipped.push({ caseId: id, reason: `case ${id} is closed` });
      else if (target && !roleMayDecide(target.role, row.required_role as Role)) {
        skipped.push({ caseId: id, reason: `${target.username} (${target.role}) may not decide case ${id}: it needs ${row.required_role}` });
      } else if (row.assignee === (target?.username ?? null)) {
        assigned.push(id); // already so: nothing to change
      } else {
        const [updated] = await trx<CaseRecord>('analyst_cases').where({ id }).update({ assignee: target?.username ?? null, updated_at: trx.fn.now() }).returning('*');
        await audit(trx, updated!, target ? 'case_assigned' : 'case_released', actor, { assignee: target?.username ?? null, previousAssignee: row.assignee, via: 'bulk' });
        assigned.push(id);
      }
    }
    return { assignee: target?.username ?? null, assigned, skipped };
  });
}

export function assignmentHandlers(deps: Pick<ApiDeps, 'db'>) {
  const user = (u: AuthUser | undefined): AuthUser => {
    if (!u) throw new UnauthorizedError();
    return u;
  };
  const take: RequestHandler<CaseParams, AssignmentResult> = async (req, res) => {
    const caller = user(req.user);
    const row = await takeCase(deps.db, req.params.id, caller);
    req.log.info({ caseId: row.id, assignee: row.assignee }, 'case taken');
    res.json({ case: caseView(row, casePermissions(row, caller)) });
  };
  const release: RequestHandler<CaseParams, AssignmentResult> = async (req, res) => {
    const caller = user(req.user);
    const row = await releaseCase(deps.db, req.params.id, caller);
    req.log.info({ caseId: row.id }, 'case released');
    res.json({ case: caseView(row, casePermissions(row, caller)) });
  };
  const bulk: RequestHandler<Record<string, string>, BulkAssignmentResult, BulkAssignmentBody> = async (req, res) => {
    const result = await assignCases(deps.db, req.body, user(req.user));
    req.log.info({ assignee: result.assignee, assigned: result.assigned.length, skipped: result.skipped.length }, 'cases assigned');
    res.json(result);
  };
  const assignees: RequestHandler<Record<string, string>, { items: Assignee[] }> = async (_req, res) => {
    res.json({ items: await listAssignees(deps.db) });
  };
  return { take, release, bulk, assignees };
}
