// A decision taken in Ballerine's back office reaches the case's workflow as the same `decide`
// Update an analyst's decision in Kinga is: the workflow's validator has the last word (role,
// four-eyes, state). One decision, whichever side it came from: the echo of a decision Kinga sent
// to Ballerine itself, or a webhook delivered twice, finds it applied and changes nothing.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BallerineConfig } from '../../../config/ballerine';
import type { Knex } from 'knex';
import { decisionRefusedSignal, type Actor, type Decision, type Role } from '../../../workflows/lifecycle/definitions';
import { decideCase } from '../../cases/service';
import { ConflictError, HttpError, NotFoundError, UnprocessableError } from '../../errors';
import type { WebhookEnvelope } from './schemas';

export type WebhookOutcome =
  | { status: 'applied'; caseId: number; decision: Decision; actor: string }
  | { status: 'already_applied'; caseId: number; decision: Decision }
  | { status: 'refused'; caseId: number; decision: Decision; reason: string }
  | { status: 'ignored'; reason: string };

interface CaseRow {
  id: number;
  workflow_id: string;
  status: 'assigned' | 'escalated' | 'closed';
  decision: 'approve' | 'block' | null;
  escalation_level: number;
  ballerine_workflow_id: string | null;
  assignee: string | null;
}

interface UserRow {
  username: string;
  role: Role;
  active: boolean;
}

/** The Kinga decision a Ballerine webhook carries, or null when it carries none. */
export function decisionOf(envelope: WebhookEnvelope): Decision | null {
  if (envelope.eventName === 'workflow.completed') {
    const finalState = envelope.workflowFinalState ?? envelope.state;
    if (finalState === 'approved') return 'approve';
    if (finalState === 'blocked') return 'block';
    return null;
  }
  // Final states arrive as workflow.completed too; a state change only matters for escalation.
  if (envelope.eventName === 'workflow.state.changed' && envelope.state === 'escalated') return 'escalate';
  return null;
}

/** The case already shows this decision: an echo of Kinga's own, or a repeated webhook. */
function alreadyApplied(row: CaseRow, decision: Decision): boolean {
  if (decision === 'escalate') return row.escalation_level >= 1;
  return row.status === 'closed' && row.decision === decision;
}

function describeUser(a: NonNullable<WebhookEnvelope['assignee']>): string {
  const name = [a.firstName, a.lastName].filter(Boolean).join(' ');
  return name && a.email ? `${name} <${a.email}>` : (a.email ?? name ?? a.id ?? 'unknown');
}

/**
 * The Kinga user behind a Ballerine back-office user: the one whose e-mail (case-insensitive) or
 * username is the Ballerine user's e-mail. Anyone else is refused, naming who was looked for.
 */
export async function kingaUserFor(db: Knex, assignee: WebhookEnvelope['assignee']): Promise<Actor> {
  const email = assignee?.email?.trim();
  if (!email) {
    throw new UnprocessableError('the webhook names no Ballerine user (assignee.email): the decision cannot be attributed to a Kinga user', 'assignee');
  }
  const rows = await db<UserRow>('users').select('username', 'role', 'active').whereRaw('lower(email) = lower(?)', [email]).orWhere('username', email).limit(3);
  const distinct = [...new Map(rows.map((r) => [r.username, r])).values()];
  if (distinct.length === 0) throw new UnprocessableError(`Ballerine user ${describeUser(assignee!)} is not a Kinga user (no username or e-mail ${email})`, 'assignee');
  if (distinct.length > 1) {
    throw new UnprocessableError(`Ballerine user ${email} matches more than one Kinga user (${distinct.map((r) => r.username).join(', ')})`, 'assignee');
  }
  const user = distinct[0]!;
  if (!user.active) throw new UnprocessableError(`Kinga user ${user.username} (Ballerine user ${email}) is deactivated`, 'assignee');
  return { username: user.username, role: user.role };
}

export interface WebhookDeps {
  db: Knex;
  temporal: Client;
}

async function activeUser(db: Knex, username: string): Promise<Actor | string> {
  const user = await db<UserRow>('users').select('username', 'role', 'active').where({ username }).first();
  if (!user) return `Kinga user ${username} does not exist`;
  if (!user.active) return `Kinga user ${username} is deactivated`;
  return { username: user.username, role: user.role };
}

/**
 * Who a back-office decision without an assignee counts as (BALLERINE_UNASSIGNED_DECISIONS), or
 * why nobody: the reason the analysts then read on the case's timeline.
 */
async function attributeUnassigned(db: Knex, row: CaseRow, rule: BallerineConfig['unassignedDecisions']): Promise<Actor | string> {
  const missing = "Ballerine's webhook names no assignee";
  if (rule.rule === 'refuse') return `${missing}, and decisions without one are refused (BALLERINE_UNASSIGNED_DECISIONS=refuse)`;
  if (rule.rule === 'user') {
    const user = await activeUser(db, rule.username);
    return typeof user === 'string' ? `${missing}, and ${user} (BALLERINE_UNASSIGNED_DECISIONS=user:${rule.username})` : user;
  }
  if (!row.assignee) return `${missing}, and nobody in Kinga has taken the case (BALLERINE_UNASSIGNED_DECISIONS=case_assignee)`;
  const user = await activeUser(db, row.assignee);
  return typeof user === 'string' ? `${missing}, and the case's assignee: ${user}` : user;
}

export async function applyBallerineWebhook(
  deps: WebhookDeps,
  definitionName: string,
  envelope: WebhookEnvelope,
  unassigned: BallerineConfig['unassignedDecisions'] = { rule: 'refuse' },
): Promise<WebhookOutcome> {
  const decision = decisionOf(envelope);
  if (!decision) return { status: 'ignored', reason: `${envelope.eventName} carries no decision` };

  const runtimeId = envelope.workflowRuntimeId;
  const findCase = () => deps.db<CaseRow>('analyst_cases').where({ ballerine_workflow_id: runtimeId }).first();
  const row = await findCase();
  if (!row) {
    // A customer-level subscription also reports the bank's other Ballerine workflows.
    if (envelope.workflowDefinitionId && envelope.workflowDefinitionId !== definitionName) {
      return { status: 'ignored', reason: `workflow definition ${envelope.workflowDefinitionId} is not Kinga's` };
    }
    throw new NotFoundError(`no Kinga case has Ballerine workflow ${runtimeId}`);
  }
  if (alreadyApplied(row, decision)) return { status: 'already_applied', caseId: row.id, decision };

  let actor: Actor;
  let note: string;
  if (envelope.assignee?.email?.trim() || envelope.assignee?.id) {
    actor = await kingaUserFor(deps.db, envelope.assignee);
    note = `Decided in Ballerine by ${describeUser(envelope.assignee!)} (workflow ${runtimeId})`;
  } else {
    const attributed = await attributeUnassigned(deps.db, row, unassigned);
    if (typeof attributed === 'string') {
      // Refused, and the analysts see it: the case's workflow records it on the timeline.
      try {
        await deps.temporal.workflow.getHandle(row.workflow_id).signal(decisionRefusedSignal, { decision, via: 'ballerine', actor: 'ballerine:unassigned', reason: `${attributed} (workflow ${runtimeId})` });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        return { status: 'ignored', reason: `the case's lifecycle has ended: ${attributed}` };
      }
      return { status: 'refused', caseId: row.id, decision, reason: attributed };
    }
    actor = attributed;
    note = `Decided in Ballerine without an assignee, attributed to ${actor.username} by BALLERINE_UNASSIGNED_DECISIONS (workflow ${runtimeId})`;
  }
  try {
    // The update id follows the run and decision, so a webhook delivered twice at once is one Update.
    await decideCase(deps, row.id, { decision, note }, actor, `ballerine-${runtimeId}-${decision}`);
    return { status: 'applied', caseId: row.id, decision, actor: actor.username };
  } catch (err) {
    if (err instanceof ConflictError || (err instanceof HttpError && err.status === 409)) {
      const now = await findCase();
      if (now && alreadyApplied(now, decision)) return { status: 'already_applied', caseId: now.id, decision };
    }
    throw err;
  }
}
