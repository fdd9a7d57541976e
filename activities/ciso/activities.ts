// CISO Assistant activities: set up Kinga's place in the risk register once (idempotently), and
// raise or update one risk scenario per breach. Each HTTP failure becomes an ApplicationFailure
// that Temporal retries (network, 5xx) or not (4xx, with the body); the token stays in here.
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { CisoConfig } from '../../config/ciso';
import {
  breachSummary,
  CRITICAL_5X5_LIBRARY_URN,
  CRITICAL_5X5_MATRIX_URN,
  MATRIX_LEVEL_NAMES,
  rateBreach,
  recoveryNote,
  scenarioName,
  type PortfolioMetric,
} from '../../risk/portfolio';
import { CisoApiError, CisoClient, type CisoRegister } from './client';

export interface CisoActivityDeps {
  ciso: CisoConfig;
  logger: Logger;
  /** for tests; the global fetch otherwise */
  fetch?: typeof fetch;
}

export type CisoSetup = { enabled: true; register: CisoRegister } | { enabled: false; reason: string };

export interface ScenarioResult {
  scenarioId: string;
  refId: string;
  name: string;
  created: boolean;
  probability: number;
  impact: number;
  level: string;
  /** where a person finds it in CISO Assistant's UI */
  url: string;
}

/** A recovered breach's scenario after the update (null from the activity: no scenario to update). */
export interface ScenarioRecovery {
  scenarioId: string;
  refId: string;
  name: string;
  treatment: string;
  closed: boolean;
  /** why it stays open, null when closed */
  keptOpen: string | null;
  url: string;
}

/** ApplicationFailure types, for the workflow's retry policy. */
export const CISO_FAILURE = { unavailable: 'ciso_unavailable', rejected: 'ciso_rejected' } as const;

function toFailure(err: unknown): unknown {
  if (!(err instanceof CisoApiError)) return err;
  return ApplicationFailure.create({
    type: err.retryable ? CISO_FAILURE.unavailable : CISO_FAILURE.rejected,
    message: err.message,
    nonRetryable: !err.retryable,
    details: [{ method: err.method, path: `/api${err.path}`, status: err.status, body: err.body }],
  });
}

export function createCisoActivities({ ciso, logger, fetch: fetchImpl }: CisoActivityDeps) {
  const client = ciso.url && ciso.token ? new CisoClient({ baseUrl: ciso.url, token: ciso.token, timeoutMs: ciso.requestTimeoutMs, fetch: fetchImpl }) : null;
  const log = logger.child({ integration: 'ciso-assistant' });

  return {
    /** Folder → perimeter → risk matrix (5×5 critical, from its library) → Kinga's risk assessment. */
    async ensureCisoRiskAssessment(): Promise<CisoSetup> {
      if (!ciso.enabled) return { enabled: false, reason: 'CISO_ENABLED=false' };
      if (!client) return { enabled: false, reason: 'CISO_URL or CISO_TOKEN is not set' };
      try {
        const register = await client.ensureRegister(
          { folder: ciso.folder, perimeter: ciso.perimeter, assessment: ciso.assessment },
          { urn: CRITICAL_5X5_MATRIX_URN, libraryUrn: CRITICAL_5X5_LIBRARY_URN, refId: 'critical_5x5' },
        );
        return { enabled: true, register };
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'CISO Assistant set-up failed');
        throw toFailure(err);
      }
    },

    /** One scenario per breach name in the assessment: created with treatment "open", then updated. */
    async upsertCisoRiskScenario(args: { register: CisoRegister; breach: PortfolioMetric; eventKey: string; asOf: string }): Promise<ScenarioResult> {
      if (!client) throw ApplicationFailure.create({ type: CISO_FAILURE.rejected, message: 'CISO Assistant is not configured', nonRetryable: true });
      const m = args.breach;
      const rating = rateBreach(m);
      const name = scenarioName(m);
      const description = [
        `Raised by Kinga's portfolio risk run as of ${args.asOf}.`,
        breachSummary(m),
        m.details.description,
        `Kinga risk event: ${args.eventKey}.`,
      ].join('\n');
      try {
        const s = await client.upsertRiskScenario(args.register.assessmentId, {
          name,
          description,
          justification: `Likelihood and impact set by Kinga: ${rating.rationale}.`,
          probability: rating.probability,
          impact: rating.impact,
        });
        log.info({ scenarioId: s.id, name, created: s.created, probability: rating.probability, impact: rating.impact }, 'CISO Assistant risk scenario raised');
        return {
          scenarioId: s.id,
          refId: s.refId,
          name,
          created: s.created,
          probability: rating.probability,
          impact: rating.impact,
          level: MATRIX_LEVEL_NAMES[rating.level]!,
          url: `${ciso.url}/risk-scenarios/${s.id}`,
        };
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err), name }, 'CISO Assistant risk scenario failed');
        throw toFailure(err);
      }
    },

    /**
     * The breach of `metric` is over (the metric is back within its threshold): its scenario says
     * so, and is closed if CISO_CLOSE_ON_RECOVERY allows. null when no scenario was ever raised.
     */
    async recordCisoScenarioRecovery(args: { register: CisoRegister; metric: PortfolioMetric; asOf: string }): Promise<ScenarioRecovery | null> {
      if (!client) throw ApplicationFailure.create({ type: CISO_FAILURE.rejected, message: 'CISO Assistant is not configured', nonRetryable: true });
      const name = scenarioName(args.metric);
      try {
        const s = await client.recordRecovery(args.register.assessmentId, { name, note: recoveryNote(args.metric, args.asOf), close: ciso.closeOnRecovery });
        if (!s) {
          log.info({ name }, 'recovered breach has no CISO Assistant risk scenario');
          return null;
        }
        log.info({ scenarioId: s.id, name, treatment: s.treatment, closed: s.closed, keptOpen: s.keptOpen }, 'CISO Assistant risk scenario recovered');
        return { scenarioId: s.id, refId: s.refId, name, treatment: s.treatment, closed: s.closed, keptOpen: s.keptOpen, url: `${ciso.url}/risk-scenarios/${s.id}` };
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err), name }, 'CISO Assistant risk scenario recovery failed');
        throw toFailure(err);
      }
    },
  };
}

export type CisoActivities = ReturnType<typeof createCisoActivities>;
