// Tazama (real-time fraud evaluation over ISO 20022) settings, validated once at start-up like the
// rest of the configuration (KingaConfig.tazama).
import { z } from 'zod';
import { bool, duration } from './parse';
import { configSection, type Environment } from './section';

export interface TazamaConfig {
  /** TAZAMA_ENABLED: when false, transactions are decided on Kinga's own score alone */
  enabled: boolean;
  /** TMS base URL, e.g. http://localhost:5000 (paths /v1/evaluate/iso20022/… are appended) */
  tmsUrl: string | undefined;
  /** admin-service base URL for the report endpoint (polling fallback); unset → push only */
  adminUrl: string | undefined;
  /** auth-service base URL; set → log in with username/password and send a Bearer token */
  authUrl: string | undefined;
  username: string | undefined;
  password: string | undefined;
  /** only informative: with auth on, the tenant travels in the JWT, never in the body */
  tenantId: string | undefined;
  /** how long a lifecycle waits for the evaluation before deciding without it */
  timeoutMs: number;
  /** how often the admin report endpoint is polled while waiting */
  pollIntervalMs: number;
  /** timeout of each single HTTP call */
  requestTimeoutMs: number;
  /** basis points an ALRT adds to the score (TAZAMA_ALERT_WEIGHT 0.3 → 3000) */
  alertPoints: number;
  /** the least risk level an ALRT leaves a transaction at (low: the alert only adds its weight) */
  alertMinLevel: 'low' | 'medium' | 'high';
  /** clearing-system member id of the bank in the messages (debtor/creditor agent) */
  memberId: string;
  /** the creditor's agent (clearing member id) per channel: acquirer, mobile-money operator */
  creditorAgents: Partial<Record<string, string>>;
  /** shared secret the relay must present to Kinga's push endpoint; unset → every push refused */
  relayToken: string | undefined;
}



// Demo clearing members: a card acquirer and a mobile-money operator. A bank sets its own.
const DEFAULT_CREDITOR_AGENTS = 'pos:card-acquirer,online:card-acquirer,mobile:mobile-money';

// Base URLs without a trailing slash, so paths join cleanly.
const baseUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''))
  .optional();

const text = z.string().min(1).optional();

const schema = z.object({
  TAZAMA_ENABLED: bool(true),
  TAZAMA_TMS_URL: baseUrl,
  TAZAMA_ADMIN_URL: baseUrl,
  TAZAMA_AUTH_URL: baseUrl,
  TAZAMA_USERNAME: text,
  TAZAMA_PASSWORD: text,
  TAZAMA_TENANT_ID: text,
  TAZAMA_TIMEOUT: duration('30s', 1),
  TAZAMA_POLL_INTERVAL: duration('5s', 10),
  TAZAMA_REQUEST_TIMEOUT: duration('10s', 10),
  TAZAMA_ALERT_WEIGHT: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .transform((v) => Math.round((v ?? 0.3) * 10_000)),
  TAZAMA_ALERT_LEVEL: z.enum(['low', 'medium', 'high']).optional().transform((v) => v ?? 'medium'),
  TAZAMA_MEMBER_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,35}$/, 'must be 1–35 letters, digits, dot, dash or underscore')
    .optional()
    .transform((v) => v ?? 'kinga'),
  TAZAMA_CREDITOR_AGENTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const agents: Record<string, string> = {};
      for (const item of (v ?? DEFAULT_CREDITOR_AGENTS).split(',').map((s) => s.trim()).filter(Boolean)) {
        const m = /^(mobile|online|atm|pos|branch|agent):([A-Za-z0-9._-]{1,35})$/.exec(item);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not channel:memberId (channels mobile, online, atm, pos, branch, agent; ids 1–35 letters, digits, dot, dash, underscore)` });
          return z.NEVER;
        }
        agents[m[1]!] = m[2]!;
      }
      return agents;
    }),
  TAZAMA_RELAY_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export const tazamaSection = configSection({
  schema,
  check: (e) => (e.TAZAMA_AUTH_URL && (!e.TAZAMA_USERNAME || !e.TAZAMA_PASSWORD) ? ['TAZAMA_AUTH_URL: needs TAZAMA_USERNAME and TAZAMA_PASSWORD'] : []),
  build: (e): TazamaConfig => ({
    enabled: e.TAZAMA_ENABLED,
    tmsUrl: e.TAZAMA_TMS_URL,
    adminUrl: e.TAZAMA_ADMIN_URL,
    authUrl: e.TAZAMA_AUTH_URL,
    username: e.TAZAMA_USERNAME,
    password: e.TAZAMA_PASSWORD,
    tenantId: e.TAZAMA_TENANT_ID,
    timeoutMs: e.TAZAMA_TIMEOUT,
    pollIntervalMs: e.TAZAMA_POLL_INTERVAL,
    requestTimeoutMs: e.TAZAMA_REQUEST_TIMEOUT,
    alertPoints: e.TAZAMA_ALERT_WEIGHT,
    alertMinLevel: e.TAZAMA_ALERT_LEVEL,
    memberId: e.TAZAMA_MEMBER_ID,
    creditorAgents: e.TAZAMA_CREDITOR_AGENTS,
    relayToken: e.TAZAMA_RELAY_TOKEN,
  }),
});

/** Every variable the Tazama configuration reads. */
export const TAZAMA_VARIABLES = tazamaSection.variables;

export const loadTazamaConfig = (env: Environment): TazamaConfig => tazamaSection.load(env);

/** The configuration without secrets, for start-up logs. */
export function describeTazamaConfig(c: TazamaConfig): Record<string, unknown> {
  return {
    enabled: c.enabled,
    tmsUrl: c.tmsUrl ?? '(stand-in)',
    adminUrl: c.adminUrl ?? null,
    auth: c.authUrl ? `${c.authUrl} as ${c.username}` : 'off',
    timeoutMs: c.timeoutMs,
    pollIntervalMs: c.pollIntervalMs,
    requestTimeoutMs: c.requestTimeoutMs,
    alertPoints: c.alertPoints,
    alertMinLevel: c.alertMinLevel,
    relayPush: c.relayToken ? 'on' : 'off (no TAZAMA_RELAY_TOKEN)',
  };
}
