// CISO Assistant (the enterprise risk register) settings (KingaConfig.ciso). The token is a personal access token (Authorization: Token …).
import { z } from 'zod';
import { bool, duration } from './parse';
import { configSection, type Environment } from './section';

export interface CisoConfig {
  /** CISO_ENABLED: false → breaches stay in Kinga's risk_events only */
  enabled: boolean;
  /** CISO_URL: base URL of the installation (e.g. https://ciso.bank.example); /api/… is appended. Unset → the demo starts the stand-in */
  url: string | undefined;
  /** CISO_TOKEN: personal access token; never logged, never in a workflow history */
  token: string | undefined;
  /** CISO_FOLDER: the domain (folder) that holds Kinga's perimeter */
  folder: string;
  /** CISO_PERIMETER: the perimeter of Kinga's risk assessment */
  perimeter: string;
  /** CISO_ASSESSMENT: the risk assessment that holds one risk scenario per breach */
  assessment: string;
  /** CISO_REQUEST_TIMEOUT: timeout of each HTTP call */
  requestTimeoutMs: number;
  /**
   * CISO_CLOSE_ON_RECOVERY: when a breach's metric is back within its threshold, its scenario (if
   * still "open") gets the treatment "cancelled"; false → it stays open with the recovery noted
   */
  closeOnRecovery: boolean;
}



// CISO Assistant refuses "/" in folder, perimeter and assessment names; they are at most 200 long.
const name = (fallback: string) =>
  z
    .string()
    .max(200, 'must be at most 200 characters')
    .refine((v) => !v.includes('/'), 'must not contain "/" (CISO Assistant refuses it in names)')
    .refine((v) => v.trim().length > 0, 'must not be blank')
    .optional()
    .transform((v) => (v ?? fallback).trim());

const schema = z.object({
  CISO_ENABLED: bool(true),
  CISO_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
    // the base of the installation: a trailing "/" or "/api" is dropped, the client adds /api/…/
    .transform((v) => v.replace(/\/+$/, '').replace(/\/api$/, ''))
    .optional(),
  CISO_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  CISO_FOLDER: name('Kinga'),
  CISO_PERIMETER: name('Kinga portfolio risk'),
  CISO_ASSESSMENT: name('Kinga portfolio risk register'),
  CISO_REQUEST_TIMEOUT: duration('10s', 100),
  CISO_CLOSE_ON_RECOVERY: bool(true),
});

export const cisoSection = configSection({
  schema,
  check: (e) =>
    e.CISO_ENABLED && e.CISO_URL && !e.CISO_TOKEN ? ['CISO_TOKEN: required when CISO_URL is set (a personal access token, sent as "Authorization: Token …")'] : [],
  build: (e): CisoConfig => ({
    enabled: e.CISO_ENABLED,
    url: e.CISO_URL,
    token: e.CISO_TOKEN,
    folder: e.CISO_FOLDER,
    perimeter: e.CISO_PERIMETER,
    assessment: e.CISO_ASSESSMENT,
    requestTimeoutMs: e.CISO_REQUEST_TIMEOUT,
    closeOnRecovery: e.CISO_CLOSE_ON_RECOVERY,
  }),
});

/** Every variable this file reads, for the README's configuration table. */
export const CISO_VARIABLES = cisoSection.variables;

export const loadCisoConfig = (env: Environment): CisoConfig => cisoSection.load(env);

/** The configuration without secrets, for start-up logs. */
export function describeCisoConfig(c: CisoConfig): Record<string, unknown> {
  return {
    enabled: c.enabled,
    url: c.url ?? '(stand-in)',
    token: c.token ? 'set' : 'unset',
    folder: c.folder,
    perimeter: c.perimeter,
    assessment: c.assessment,
    requestTimeoutMs: c.requestTimeoutMs,
    closeOnRecovery: c.closeOnRecovery,
  };
}
