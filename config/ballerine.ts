// Ballerine (case management) settings, validated once at start-up like the rest of the
// configuration (KingaConfig.ballerine).
import { z } from 'zod';
import { bool, duration } from './parse';
import { configSection, type Environment } from './section';

export interface BallerineConfig {
  /** BALLERINE_ENABLED: when false, cases live in Kinga only and webhooks are refused */
  enabled: boolean;
  /** workflows-service base URL, e.g. http://localhost:3000 (paths /api/v1/… are appended); unset → the stand-in */
  url: string | undefined;
  /** customer API key, sent as `Authorization: Bearer <key>`; never logged */
  apiKey: string | undefined;
  /** the customer's webhookSharedSecret in Ballerine: the key of the X-HMAC-Signature on webhooks */
  webhookSecret: string | undefined;
  /** name (and id) of Kinga's own workflow definition in Ballerine */
  workflowDefinition: string;
  /** timeout of each single HTTP call to Ballerine */
  requestTimeoutMs: number;
  /**
   * Kinga's webhook receiver as Ballerine reaches it (…/api/integrations/ballerine/webhook). Put
   * into the definition's subscriptions, because Ballerine does not keep a per-run config.
   * Unset → no subscription in the definition (configure one on the customer in Ballerine).
   */
  webhookUrl: string | undefined;
  /**
   * Who a back-office decision without an assignee is attributed to (Ballerine's webhook may not
   * carry one): the Kinga user holding the case, a named Kinga user, or nobody — then the
   * decision is refused and the refusal, with its reason, is on the case's timeline.
   */
  unassignedDecisions: { rule: 'case_assignee' } | { rule: 'user'; username: string } | { rule: 'refuse' };
}



// Base URLs without a trailing slash, so paths join cleanly.
const httpUrl = z
  .string()
  .url('must be a URL')
  .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''))
  .optional();

const schema = z.object({
  BALLERINE_ENABLED: bool(true),
  BALLERINE_URL: httpUrl,
  BALLERINE_API_KEY: z.string().min(1).optional(),
  BALLERINE_WEBHOOK_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  // Also the definition's id, so it travels in URL paths: keep it to safe characters.
  BALLERINE_WORKFLOW_DEFINITION: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be 1–100 letters, digits, dot, dash or underscore')
    .optional()
    .transform((v) => v ?? 'kinga-transaction-review'),
  BALLERINE_REQUEST_TIMEOUT: duration('10s', 10),
  BALLERINE_WEBHOOK_URL: httpUrl,
  BALLERINE_UNASSIGNED_DECISIONS: z
    .string()
    .optional()
    .transform((v, ctx): BallerineConfig['unassignedDecisions'] => {
      const value = (v ?? 'case_assignee').trim();
      if (value === 'case_assignee' || value === 'refuse') return { rule: value };
      const m = /^user:(\S{1,100})$/.exec(value);
      if (m) return { rule: 'user', username: m[1]! };
      ctx.addIssue({ code: 'custom', message: 'must be case_assignee, refuse or user:<Kinga username>' });
      return z.NEVER;
    }),
});

export const ballerineSection = configSection({
  schema,
  check: (e) =>
    // A real installation needs both credentials; without BALLERINE_URL the stand-in supplies them.
    e.BALLERINE_ENABLED && e.BALLERINE_URL
      ? (['BALLERINE_API_KEY', 'BALLERINE_WEBHOOK_SECRET'] as const).filter((k) => !e[k]).map((k) => `${k}: is required when BALLERINE_URL is set`)
      : [],
  build: (e): BallerineConfig => ({
    enabled: e.BALLERINE_ENABLED,
    url: e.BALLERINE_URL,
    apiKey: e.BALLERINE_API_KEY,
    webhookSecret: e.BALLERINE_WEBHOOK_SECRET,
    workflowDefinition: e.BALLERINE_WORKFLOW_DEFINITION,
    requestTimeoutMs: e.BALLERINE_REQUEST_TIMEOUT,
    webhookUrl: e.BALLERINE_WEBHOOK_URL,
    unassignedDecisions: e.BALLERINE_UNASSIGNED_DECISIONS,
  }),
});

/** Every variable the Ballerine configuration reads. */
export const BALLERINE_VARIABLES = ballerineSection.variables;

export const loadBallerineConfig = (env: Environment): BallerineConfig => ballerineSection.load(env);

/** The configuration without secrets, for start-up logs. */
export function describeBallerineConfig(c: BallerineConfig): Record<string, unknown> {
  return {
    enabled: c.enabled,
    url: c.url ?? '(stand-in)',
    apiKey: c.apiKey ? 'set' : 'unset',
    webhookSecret: c.webhookSecret ? 'set' : 'unset (webhooks refused)',
    workflowDefinition: c.workflowDefinition,
    requestTimeoutMs: c.requestTimeoutMs,
    webhookUrl: c.webhookUrl ?? '(none in the definition)',
    unassignedDecisions: c.unassignedDecisions.rule === 'user' ? `user:${c.unassignedDecisions.username}` : c.unassignedDecisions.rule,
  };
}
