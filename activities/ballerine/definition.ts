// Kinga's own workflow definition in Ballerine. The seeded definitions do not fit (the manual-review
// ones share a name; the task-level ones move by document decisions), so Kinga installs this one.
import type { Decision } from '../../workflows/lifecycle/definitions';
import type { WorkflowDefinitionInput } from './client';

/** The event Kinga sends to a run for each decision. */
export const DECISION_EVENTS: Record<Decision, string> = { approve: 'APPROVE', block: 'BLOCK', escalate: 'ESCALATE' };

/** The state a run is in once it has taken that decision's event. */
export const DECISION_STATES: Record<Decision, string> = { approve: 'approved', block: 'blocked', escalate: 'escalated' };

export const FINAL_STATES = ['approved', 'blocked'] as const;

/** The Ballerine webhook events Kinga subscribes to: completion carries approve/block, a state change to escalated carries escalate. */
export const SUBSCRIBED_EVENTS = ['workflow.completed', 'workflow.state.changed'];

/**
 * manual_review → approved | blocked | escalated; escalated → approved | blocked.
 *
 * The id is the name, so that "find by name" is a GET by id (the external API has no lookup by
 * name). One run per entity at a time is enough: each transaction is its own entity (see
 * ballerineCorrelationId), and that is what makes a retried /run update the same run instead of
 * opening a second one. The lower-case `approve` / `reject` are the events Ballerine's own back
 * office sends for a case-level review, so its buttons work on Kinga's cases too.
 */
export function kingaReviewDefinition(name: string, webhookUrl: string | undefined): WorkflowDefinitionInput {
  return {
    id: name,
    name,
    version: 1,
    definitionType: 'statechart-json',
    definition: {
      id: name,
      predictableActionArguments: true,
      initial: 'manual_review',
      states: {
        manual_review: { tags: ['manual_review'], on: { APPROVE: 'approved', BLOCK: 'blocked', ESCALATE: 'escalated', approve: 'approved', reject: 'blocked' } },
        escalated: { tags: ['manual_review'], on: { APPROVE: 'approved', BLOCK: 'blocked', approve: 'approved', reject: 'blocked' } },
        approved: { type: 'final', tags: ['approved'] },
        blocked: { type: 'final', tags: ['rejected'] },
      },
    },
    config: {
      allowMultipleActiveWorkflows: false,
      ...(webhookUrl ? { subscriptions: [{ type: 'webhook', url: webhookUrl, events: SUBSCRIBED_EVENTS }] } : {}),
    },
  };
}
