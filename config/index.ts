// Configuration is read from the environment once, validated with zod, and handed to whoever
// needs it. A bad value stops start-up with a message naming the variable.
import { z } from 'zod';
import { CHANNELS, TRANSACTION_TYPES, type ScoringPolicy, type Channel } from '../risk/types';
import { ballerineSection, type BallerineConfig } from './ballerine';
import { tazamaSection, type TazamaConfig } from './tazama';
import { cisoSection, type CisoConfig } from './ciso';
import { portfolioSection, type PortfolioConfig } from './portfolio';
import { notificationSection, type NotificationConfig } from './notifications';
import { observabilitySection, type ObservabilityConfig } from './observability';
import { inputSection, type InputConfig } from './input';
import { bool, duration, int } from './parse';
import { configSection, readSections, type Environment } from './section';
import { temporalConnectionSection, type TemporalConnectionConfig } from './temporalConnection';

export { ConfigError, parseDuration } from './parse';
export type { Environment } from './section';

const num = (fallback: number, min = 0, max = Number.MAX_VALUE) =>
  z.coerce.number().min(min).max(max).optional().transform((v) => v ?? fallback);

/** A score weight given as a fraction (0.25) and kept as integer basis points (2500). */
const weight = (fallback: number) =>
  z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .transform((v) => Math.round((v ?? fallback) * 10_000));

const list = (fallback: string[]) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined ? fallback : v.split(',').map((s) => s.trim()).filter(Boolean)));

const channelWeights = z
  .string()
  .optional()
  .transform((v, ctx) => {
    // online above 2,000,000 KES is the bank's current rule; the others are Kinga's defaults.
    const fallback = 'online:2000000:0.15,atm:200000:0.10,agent:500000:0.10,mobile:1000000:0.05';
    const out: Partial<Record<Channel, { amount: number; points: number }>> = {};
    for (const part of (v ?? fallback).split(',').map((s) => s.trim()).filter(Boolean)) {
      const [channel, amount, w] = part.split(':');
      if (!CHANNELS.includes(channel as Channel) || !Number.isFinite(Number(amount)) || !(Number(w) >= 0 && Number(w) <= 1)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not channel:amount:weight with channel one of ${CHANNELS.join('/')}` });
        return z.NEVER;
      }
      out[channel as Channel] = { amount: Number(amount), points: Math.round(Number(w) * 10_000) };
    }
    return out;
  });

const optionalUrl = z.string().url().optional();

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().transform((v) => v ?? 'development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().transform((v) => v ?? 'info'),
  KINGA_DATA_DIR: z.string().optional().transform((v) => v ?? '.kinga'),

  DATABASE_URL: optionalUrl,
  DATABASE_POOL_MAX: int(10, 1, 200),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().optional().transform((v) => v ?? 'default'),
  TEMPORAL_TASK_QUEUE: z.string().optional().transform((v) => v ?? 'kinga-risk'),
  // API-submitted transactions; `<TEMPORAL_TASK_QUEUE>-interactive` unless set
  TEMPORAL_INTERACTIVE_TASK_QUEUE: z.string().min(1).optional(),
  TEMPORAL_UI_URL: z.string().optional(),
  TEMPORAL_SCHEDULES_ENABLED: bool(true),
  KINGA_WORKFLOW_BUNDLE: z.string().optional(),
  // worker task slots: the SDK's defaults unless set (see the README's sizing table)
  WORKER_WORKFLOW_TASK_SLOTS: int(40, 1, 10_000),
  WORKER_ACTIVITY_SLOTS: int(100, 1, 10_000),
  WORKER_LOCAL_ACTIVITY_SLOTS: int(100, 1, 10_000),

  API_HOST: z.string().optional().transform((v) => v ?? '127.0.0.1'),
  API_PORT: int(3000, 0, 65535),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL: duration('8h'),
  LOGIN_RATE_LIMIT: int(20, 1, 100_000),
  LOGIN_RATE_WINDOW: duration('1m', 1000),
  LOGIN_LOCKOUT_THRESHOLD: int(5, 1, 1000),
  LOGIN_LOCKOUT_BASE: duration('30s', 1000),
  LOGIN_LOCKOUT_MAX: duration('15m', 1000),
  CORS_ALLOWED_ORIGINS: list([]).pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be a comma-separated list of origins, e.g. https://kinga.bank.example' }))),
  API_TRUST_PROXY: int(0, 0, 10),
  DECISION_WAIT: duration('10s', 100),
  REALTIME_ANSWER_BOUND: duration('2s', 10),
  KINGA_SERVE_UI: bool(true),
  // unset → the ui/dist beside the code (api/static)
  KINGA_UI_DIST: z.string().optional(),

  WAREHOUSE_DATABASE_URL: optionalUrl,
  WAREHOUSE_SOURCE_QUERY: z.string().optional(),
  WAREHOUSE_SOURCE_NAME: z.string().optional().transform((v) => v ?? 'transaction_history'),
  EXTRACTION_INTERVAL: duration('30s'),
  EXTRACTION_BATCH_SIZE: int(200, 1, 10_000),
  EXTRACTION_ENABLED: bool(true),

  RISK_LEVEL_MEDIUM: weight(0.5),
  RISK_LEVEL_HIGH: weight(0.8),
  RULE_AMOUNT_ENABLED: bool(true),
  RULE_AMOUNT_HIGH_KES: num(10_000_000),
  RULE_AMOUNT_HIGH_WEIGHT: weight(0.8),
  RULE_AMOUNT_ELEVATED_KES: num(1_000_000),
  RULE_AMOUNT_ELEVATED_WEIGHT: weight(0.2),
  RULE_CUSTOMER_AMOUNT_ENABLED: bool(true),
  RULE_CUSTOMER_AMOUNT_TYPES: list(['transfer', 'payment']),
  RULE_CUSTOMER_AMOUNT_MULTIPLE: num(10, 1),
  RULE_CUSTOMER_AMOUNT_MIN_HISTORY: int(5, 1),
  RULE_CUSTOMER_AMOUNT_WEIGHT: weight(0.5),
  RULE_BLACKLIST_ENABLED: bool(true),
  RULE_BLACKLIST_WEIGHT: weight(0.5),
  RULE_MERCHANT_KEYWORD_ENABLED: bool(true),
  RULE_MERCHANT_KEYWORDS: list(['unknown', 'suspicious']),
  RULE_MERCHANT_KEYWORD_WEIGHT: weight(0.1),
  RULE_TYPE_AMOUNT_ENABLED: bool(true),
  RULE_TYPE_AMOUNT_TYPES: list(['transfer', 'payment']),
  RULE_TYPE_AMOUNT_KES: num(5_000_000),
  RULE_TYPE_AMOUNT_WEIGHT: weight(0.2),
  RULE_LOCATION_ENABLED: bool(true),
  RULE_LOCATION_HOME_COUNTRY: z.string().length(2).optional().transform((v) => v ?? 'KE'),
  RULE_LOCATION_FOREIGN_WEIGHT: weight(0.25),
  RULE_LOCATION_FIRST_COUNTRY_WEIGHT: weight(0.45),
  RULE_LOCATION_UNUSUAL_CITY_WEIGHT: weight(0.1),
  RULE_LOCATION_MIN_HISTORY: int(5, 0),
  RULE_OFF_HOURS_ENABLED: bool(true),
  RULE_OFF_HOURS_TIMEZONE: z.string().optional().transform((v) => v ?? 'Africa/Nairobi'),
  RULE_OFF_HOURS_START: int(23, 0, 23),
  RULE_OFF_HOURS_END: int(6, 0, 23),
  RULE_OFF_HOURS_WEIGHT: weight(0.1),
  RULE_CHANNEL_ENABLED: bool(true),
  RULE_CHANNEL_WEIGHTS: channelWeights,
  RULE_VELOCITY_ENABLED: bool(true),
  RULE_VELOCITY_WINDOW_MINUTES: int(60, 1),
  RULE_VELOCITY_MAX_COUNT: int(5, 1),
  RULE_VELOCITY_WEIGHT: weight(0.15),
  // short windows are read from the customer's last 24 hours (risk/profile.ts RECENT_LOOKBACK_MINUTES)
  RULE_BURST_ENABLED: bool(true),
  RULE_BURST_WINDOW_MINUTES: int(5, 1, 1440),
  RULE_BURST_MIN_COUNT: int(2, 1),
  RULE_BURST_WEIGHT: weight(0.5),
  RULE_NIGHT_REPEAT_ENABLED: bool(true),
  RULE_NIGHT_REPEAT_WINDOW_MINUTES: int(60, 1, 1440),
  RULE_NIGHT_REPEAT_MIN_COUNT: int(1, 1),
  RULE_NIGHT_REPEAT_WEIGHT: weight(0.4),

  FX_RATE_MAX_AGE_DAYS: int(4, 0, 31),
  ANOMALY_ENABLED: bool(true),
  ANOMALY_WEIGHT: weight(0.5),
  ANOMALY_THRESHOLD: num(0.58, 0, 1),
  ANOMALY_SATURATION: num(0.65, 0, 1),
  ANOMALY_TREES: int(100, 1, 1000),
  ANOMALY_SAMPLE_SIZE: int(256, 2, 100_000),
  ANOMALY_SEED: int(42),
  ANOMALY_TRAINING_DAYS: int(30, 1),
  ANOMALY_TRAINING_MAX_ROWS: int(20_000, 100),
  ANOMALY_TRAINING_CRON: z.string().optional().transform((v) => v ?? '0 2 * * *'),

  SLA_MEDIUM: duration('4h'),
  SLA_HIGH: duration('1h'),
  SLA_ESCALATED: duration('2h'),

  DEMO_TRICKLE_INTERVAL: duration('5s'),
  DEMO_CUSTOMERS: int(200, 1, 100_000),
  DEMO_HISTORY_DAYS: int(30, 1, 365),
  DEMO_LIVE_HOURS: int(24, 0, 24 * 30),
});

export type Env = z.infer<typeof schema>;

export interface KingaConfig {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  database: { url: string | undefined; poolMax: number };
  temporal: {
    address: string | undefined;
    namespace: string;
    /** the backfill queue: warehouse extraction, its lifecycles, schedules and every other workflow */
    taskQueue: string;
    /**
     * Lifecycles of transactions submitted through the API. A queue of its own, polled by its own
     * Worker with its own slots, so a warehouse backfill can never stand in front of them.
     */
    interactiveTaskQueue: string;
    uiUrl: string | undefined;
    /** whether this worker creates and updates Kinga's schedules */
    schedulesEnabled: boolean;
    /** a pre-built workflow bundle (production); bundled from source when unset */
    workflowBundle: string | undefined;
    /** how many workflow tasks, activities and local activities one worker runs at once */
    slots: { workflowTasks: number; activities: number; localActivities: number };
    /** TLS / mTLS / API key towards the frontend */
    connection: TemporalConnectionConfig;
  };
  api: {
    host: string;
    port: number;
    jwtSecret: string | undefined;
    jwtTtlMs: number;
    serveUi: boolean;
    /** another UI build than the one beside the code */
    uiDist: string | undefined;
    /** sign-in attempts per client address per window (express-rate-limit, per process) */
    loginRateLimit: { max: number; windowMs: number };
    /** per username, in PostgreSQL: after `threshold` failures in a row, locked for baseMs, doubling per further failure up to maxMs */
    loginLockout: { threshold: number; baseMs: number; maxMs: number };
    /** origins other than the API's own that browsers may call it from; empty = same origin only */
    corsAllowedOrigins: string[];
    /** proxy hops in front of the API whose X-Forwarded-For is trusted (for the client address) */
    trustProxy: number;
    /** how long POST /api/cases/:id/decision waits for the workflow before answering 202 */
    decisionWaitMs: number;
    /** how long POST /api/transactions/realtime waits for routing's answer before answering 202 pending */
    realtimeBoundMs: number;
  };
  warehouse: { url: string | undefined; sourceQuery: string | undefined; sourceName: string; intervalMs: number; batchSize: number; enabled: boolean };
  scoring: ScoringPolicy;
  /** valuing other currencies in KES: the bank's zone gives a transaction's date; a rate may be this many days older */
  fx: { timeZone: string; maxAgeDays: number };
  anomalyTraining: { trees: number; sampleSize: number; seed: number; days: number; maxRows: number; cron: string };
  sla: { mediumMs: number; highMs: number; escalatedMs: number };
  demo: { trickleIntervalMs: number; customers: number; historyDays: number; liveHours: number };
  tazama: TazamaConfig;
  ballerine: BallerineConfig;
  ciso: CisoConfig;
  portfolio: PortfolioConfig;
  notifications: NotificationConfig;
  observability: ObservabilityConfig;
  /** what the boundary takes in: the occurredAt window and the amount ceiling */
  input: InputConfig;
}


type Core = Omit<KingaConfig, keyof typeof SECTIONS | 'temporal'> & { temporal: Omit<KingaConfig['temporal'], 'connection'> };

const coreSection = configSection({
  schema,
  // a blank core variable is read as given (as it always was), e.g. a blank DATABASE_URL is refused
  blankIsUnset: false,
  check: (e) => [
    ...(e.RISK_LEVEL_MEDIUM >= e.RISK_LEVEL_HIGH ? ['RISK_LEVEL_MEDIUM: must be below RISK_LEVEL_HIGH'] : []),
    ...(
      [
        ['RULE_TYPE_AMOUNT_TYPES', e.RULE_TYPE_AMOUNT_TYPES],
        ['RULE_CUSTOMER_AMOUNT_TYPES', e.RULE_CUSTOMER_AMOUNT_TYPES],
      ] as const
    ).flatMap(([name, types]) => {
      const badType = types.find((t) => !(TRANSACTION_TYPES as readonly string[]).includes(t));
      return badType ? [`${name}: "${badType}" is not one of ${TRANSACTION_TYPES.join(', ')}`] : [];
    }),
    ...(e.ANOMALY_SATURATION <= e.ANOMALY_THRESHOLD ? ['ANOMALY_SATURATION: must be above ANOMALY_THRESHOLD'] : []),
  ],
  build: buildCore,
});

// the sections of KingaConfig that have a module of their own in config/
const SECTIONS = {
  tazama: tazamaSection,
  ballerine: ballerineSection,
  ciso: cisoSection,
  portfolio: portfolioSection,
  notifications: notificationSection,
  observability: observabilitySection,
  input: inputSection,
};

/** Every environment variable the configuration reads (the README's table lists them all). */
export const CONFIG_VARIABLES: readonly string[] = [coreSection, temporalConnectionSection, ...Object.values(SECTIONS)].flatMap((s) => s.variables);

/**
 * The whole configuration, read once by an entry point (`loadConfig(process.env)`). Every problem
 * of every section is reported together, one line per variable.
 */
export function loadConfig(env: Environment): KingaConfig {
  const { core, connection, ...sections } = readSections({ core: coreSection, connection: temporalConnectionSection, ...SECTIONS }, env);
  return { ...core, temporal: { ...core.temporal, connection }, ...sections };
}

function buildCore(e: Env): Core {
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir: e.KINGA_DATA_DIR,
    database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      interactiveTaskQueue: e.TEMPORAL_INTERACTIVE_TASK_QUEUE ?? `${e.TEMPORAL_TASK_QUEUE}-interactive`,
      uiUrl: e.TEMPORAL_UI_URL,
      schedulesEnabled: e.TEMPORAL_SCHEDULES_ENABLED,
      workflowBundle: e.KINGA_WORKFLOW_BUNDLE,
      slots: { workflowTasks: e.WORKER_WORKFLOW_TASK_SLOTS, activities: e.WORKER_ACTIVITY_SLOTS, localActivities: e.WORKER_LOCAL_ACTIVITY_SLOTS },
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      jwtSecret: e.JWT_SECRET,
      jwtTtlMs: e.JWT_TTL,
      serveUi: e.KINGA_SERVE_UI,
      uiDist: e.KINGA_UI_DIST,
      loginRateLimit: { max: e.LOGIN_RATE_LIMIT, windowMs: e.LOGIN_RATE_WINDOW },
      loginLockout: { threshold: e.LOGIN_LOCKOUT_THRESHOLD, baseMs: e.LOGIN_LOCKOUT_BASE, maxMs: e.LOGIN_LOCKOUT_MAX },
      // an origin is scheme://host[:port]; URL() normalises it the way browsers send it
      corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS.map((o) => new URL(o).origin),
      trustProxy: e.API_TRUST_PROXY,
      decisionWaitMs: e.DECISION_WAIT,
      realtimeBoundMs: e.REALTIME_ANSWER_BOUND,
    },
    warehouse: {
      url: e.WAREHOUSE_DATABASE_URL,
      sourceQuery: e.WAREHOUSE_SOURCE_QUERY,
      sourceName: e.WAREHOUSE_SOURCE_NAME,
      intervalMs: e.EXTRACTION_INTERVAL,
      batchSize: e.EXTRACTION_BATCH_SIZE,
      enabled: e.EXTRACTION_ENABLED,
    },
    scoring: {
      levels: { medium: e.RISK_LEVEL_MEDIUM, high: e.RISK_LEVEL_HIGH },
      rules: {
        amount: {
          enabled: e.RULE_AMOUNT_ENABLED,
          highAmount: e.RULE_AMOUNT_HIGH_KES,
          highPoints: e.RULE_AMOUNT_HIGH_WEIGHT,
          elevatedAmount: e.RULE_AMOUNT_ELEVATED_KES,
          elevatedPoints: e.RULE_AMOUNT_ELEVATED_WEIGHT,
        },
        customerAmount: {
          enabled: e.RULE_CUSTOMER_AMOUNT_ENABLED,
          types: e.RULE_CUSTOMER_AMOUNT_TYPES as ScoringPolicy['rules']['customerAmount']['types'],
          multiple: e.RULE_CUSTOMER_AMOUNT_MULTIPLE,
          minHistory: e.RULE_CUSTOMER_AMOUNT_MIN_HISTORY,
          points: e.RULE_CUSTOMER_AMOUNT_WEIGHT,
        },
        blacklist: { enabled: e.RULE_BLACKLIST_ENABLED, points: e.RULE_BLACKLIST_WEIGHT },
        merchantKeyword: { enabled: e.RULE_MERCHANT_KEYWORD_ENABLED, keywords: e.RULE_MERCHANT_KEYWORDS, points: e.RULE_MERCHANT_KEYWORD_WEIGHT },
        typeAmount: {
          enabled: e.RULE_TYPE_AMOUNT_ENABLED,
          types: e.RULE_TYPE_AMOUNT_TYPES as ScoringPolicy['rules']['typeAmount']['types'],
          amount: e.RULE_TYPE_AMOUNT_KES,
          points: e.RULE_TYPE_AMOUNT_WEIGHT,
        },
        location: {
          enabled: e.RULE_LOCATION_ENABLED,
          homeCountry: e.RULE_LOCATION_HOME_COUNTRY,
          foreignPoints: e.RULE_LOCATION_FOREIGN_WEIGHT,
          firstSeenCountryPoints: e.RULE_LOCATION_FIRST_COUNTRY_WEIGHT,
          unusualCityPoints: e.RULE_LOCATION_UNUSUAL_CITY_WEIGHT,
          minHistory: e.RULE_LOCATION_MIN_HISTORY,
        },
        offHours: {
          enabled: e.RULE_OFF_HOURS_ENABLED,
          timeZone: e.RULE_OFF_HOURS_TIMEZONE,
          startHour: e.RULE_OFF_HOURS_START,
          endHour: e.RULE_OFF_HOURS_END,
          points: e.RULE_OFF_HOURS_WEIGHT,
        },
        channel: { enabled: e.RULE_CHANNEL_ENABLED, weights: e.RULE_CHANNEL_WEIGHTS },
        velocity: {
          enabled: e.RULE_VELOCITY_ENABLED,
          windowMinutes: e.RULE_VELOCITY_WINDOW_MINUTES,
          maxCount: e.RULE_VELOCITY_MAX_COUNT,
          points: e.RULE_VELOCITY_WEIGHT,
        },
        burst: { enabled: e.RULE_BURST_ENABLED, windowMinutes: e.RULE_BURST_WINDOW_MINUTES, minCount: e.RULE_BURST_MIN_COUNT, points: e.RULE_BURST_WEIGHT },
        nightRepeat: {
          enabled: e.RULE_NIGHT_REPEAT_ENABLED,
          windowMinutes: e.RULE_NIGHT_REPEAT_WINDOW_MINUTES,
          minCount: e.RULE_NIGHT_REPEAT_MIN_COUNT,
          points: e.RULE_NIGHT_REPEAT_WEIGHT,
        },
      },
      anomaly: { enabled: e.ANOMALY_ENABLED, points: e.ANOMALY_WEIGHT, threshold: e.ANOMALY_THRESHOLD, saturation: e.ANOMALY_SATURATION },
    },
    fx: { timeZone: e.RULE_OFF_HOURS_TIMEZONE, maxAgeDays: e.FX_RATE_MAX_AGE_DAYS },
    anomalyTraining: {
      trees: e.ANOMALY_TREES,
      sampleSize: e.ANOMALY_SAMPLE_SIZE,
      seed: e.ANOMALY_SEED,
      days: e.ANOMALY_TRAINING_DAYS,
      maxRows: e.ANOMALY_TRAINING_MAX_ROWS,
      cron: e.ANOMALY_TRAINING_CRON,
    },
    sla: { mediumMs: e.SLA_MEDIUM, highMs: e.SLA_HIGH, escalatedMs: e.SLA_ESCALATED },
    demo: { trickleIntervalMs: e.DEMO_TRICKLE_INTERVAL, customers: e.DEMO_CUSTOMERS, historyDays: e.DEMO_HISTORY_DAYS, liveHours: e.DEMO_LIVE_HOURS },
  };
}
