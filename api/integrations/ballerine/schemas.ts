import { z } from 'zod';
import { plainText, singleLineText } from '../../../boundary/inputRules';

/** Ballerine's optional strings; like every input, without control characters (boundary/inputRules.ts). */
const text = plainText(1000).nullish();

/** A Ballerine back-office user, as the webhook envelope documents it. */
export const webhookAssignee = z.looseObject({
  id: text,
  firstName: text,
  lastName: text,
  email: text,
});

/**
 * The envelope of Ballerine's workflow webhooks (workflow.completed adds workflowStatus and
 * workflowFinalState, workflow.state.changed adds state). Unknown keys are kept and ignored.
 */
export const webhookEnvelope = z.looseObject({
  id: text,
  eventName: singleLineText(255),
  workflowRuntimeId: singleLineText(255),
  workflowDefinitionId: text,
  state: text,
  workflowStatus: text,
  workflowFinalState: text,
  correlationId: text,
  assignee: webhookAssignee.nullish(),
  timestamp: text,
});
export type WebhookEnvelope = z.output<typeof webhookEnvelope>;
