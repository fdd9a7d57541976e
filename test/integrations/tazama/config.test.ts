// TAZAMA_* settings: defaults, conversions and the errors that stop start-up.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config';
import { describeTazamaConfig, loadTazamaConfig } from '../../../config/tazama';
import { simulatorOptionsFromEnv } from '../../../simulators/tazama/server';

describe('loadTazamaConfig', () => {
  it('has working defaults with nothing set', () => {
    expect(loadTazamaConfig({})).toEqual({
      enabled: true,
      tmsUrl: undefined,
      adminUrl: undefined,
      authUrl: undefined,
      username: undefined,
      password: undefined,
      tenantId: undefined,
      timeoutMs: 30_000,
      pollIntervalMs: 5_000,
      requestTimeoutMs: 10_000,
      alertPoints: 3_000,
      alertMinLevel: 'medium',
      memberId: 'kinga',
      creditorAgents: { pos: 'card-acquirer', online: 'card-acquirer', mobile: 'mobile-money' },
      relayToken: undefined,
    });
  });

  it('reads every setting', () => {
    const c = loadTazamaConfig({
      TAZAMA_ENABLED: 'off',
      TAZAMA_TMS_URL: 'http://tms.bank.internal:5000/',
      TAZAMA_ADMIN_URL: 'https://admin.bank.internal',
      TAZAMA_AUTH_URL: 'http://auth.bank.internal:3020',
      TAZAMA_USERNAME: 'kinga',
      TAZAMA_PASSWORD: 's3cret-password',
      TAZAMA_TENANT_ID: 'bank',
      TAZAMA_TIMEOUT: '2m',
      TAZAMA_POLL_INTERVAL: '500ms',
      TAZAMA_REQUEST_TIMEOUT: '3s',
      TAZAMA_ALERT_WEIGHT: '0.45',
      TAZAMA_MEMBER_ID: 'KCBLKENX',
      TAZAMA_ALERT_LEVEL: 'high',
      TAZAMA_CREDITOR_AGENTS: 'pos:EQBLKENA, mobile:SAFKENX',
      TAZAMA_RELAY_TOKEN: 'a-relay-token-of-some-length',
    });
    expect(c).toMatchObject({ enabled: false, tmsUrl: 'http://tms.bank.internal:5000', timeoutMs: 120_000, pollIntervalMs: 500, requestTimeoutMs: 3_000, alertPoints: 4_500, memberId: 'KCBLKENX', alertMinLevel: 'high' });
    expect(c.creditorAgents).toEqual({ pos: 'EQBLKENA', mobile: 'SAFKENX' });
    // the description for logs carries no secret
    expect(JSON.stringify(describeTazamaConfig(c))).not.toMatch(/s3cret|a-relay-token/);
  });

  it.each([
    [{ TAZAMA_TMS_URL: 'tms:5000' }, 'TAZAMA_TMS_URL'],
    [{ TAZAMA_TIMEOUT: 'soon' }, 'TAZAMA_TIMEOUT'],
    [{ TAZAMA_ALERT_WEIGHT: '1.5' }, 'TAZAMA_ALERT_WEIGHT'],
    [{ TAZAMA_ENABLED: 'maybe' }, 'TAZAMA_ENABLED'],
    [{ TAZAMA_RELAY_TOKEN: 'short' }, 'TAZAMA_RELAY_TOKEN'],
    [{ TAZAMA_AUTH_URL: 'http://auth:3020' }, 'TAZAMA_AUTH_URL'],
    [{ TAZAMA_ALERT_LEVEL: 'critical' }, 'TAZAMA_ALERT_LEVEL'],
    [{ TAZAMA_CREDITOR_AGENTS: 'card:ACQ' }, 'TAZAMA_CREDITOR_AGENTS'],
  ])('stops start-up naming the variable for %j', (env, name) => {
    expect(() => loadTazamaConfig(env)).toThrow(ConfigError);
    expect(() => loadTazamaConfig(env)).toThrow(new RegExp(`${name}: `));
  });

  it('treats an empty variable as unset', () => {
    expect(loadTazamaConfig({ TAZAMA_TMS_URL: '', TAZAMA_TIMEOUT: '' })).toMatchObject({ tmsUrl: undefined, timeoutMs: 30_000 });
  });
});

describe('the stand-in’s environment', () => {
  it('turns TAZAMA_SIM_* into options and refuses half-given pairs', () => {
    const o = simulatorOptionsFromEnv({ PORT: '0', TAZAMA_SIM_USERNAME: 'u', TAZAMA_SIM_PASSWORD: 'p', TAZAMA_SIM_ALERT_DEBTORS: 'CUST-1, CUST-2', TAZAMA_SIM_ERROR_RATE: '0.2', TAZAMA_SIM_EVALUATION_DELAY: '2s' });
    expect(o).toMatchObject({ port: 0, auth: { username: 'u', password: 'p' }, evaluationDelayMs: 2_000, evaluator: { alertDebtorIds: ['CUST-1', 'CUST-2'] }, faults: { errorRate: 0.2, down: false } });
    expect(() => simulatorOptionsFromEnv({ TAZAMA_SIM_USERNAME: 'u' })).toThrow(/go together/);
    expect(() => simulatorOptionsFromEnv({ TAZAMA_SIM_RELAY_URL: 'http://127.0.0.1:1/relay' })).toThrow(/TAZAMA_SIM_RELAY_TOKEN/);
    expect(() => simulatorOptionsFromEnv({ TAZAMA_SIM_ERROR_RATE: '3' })).toThrow(/TAZAMA_SIM_ERROR_RATE/);
  });
});
