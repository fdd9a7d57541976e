// The one configuration: every section read from one environment, every problem reported together,
// each naming its variable.
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../config';
import { loadCisoConfig } from '../../config/ciso';
import { loadTazamaConfig } from '../../config/tazama';
import { loadObservabilityConfig } from '../../config/observability';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig', () => {
  it('reports the problems of every section together, one per variable', () => {
    const problems = problemsOf({
      API_PORT: '70000',
      RISK_LEVEL_MEDIUM: '0.9',
      TAZAMA_TIMEOUT: 'soon',
      CISO_URL: 'https://ciso.bank.example',
      PORTFOLIO_LCR_FLOOR: '1,0',
      NOTIFY_MAX_ATTEMPTS: '0',
      METRICS_HOST: 'bad host',
      INPUT_AMOUNT_MAX: 'lots',
      TEMPORAL_TLS_CERT: '/nowhere/client.pem',
      BALLERINE_URL: 'ftp://ballerine',
    });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named.sort()).toEqual(
      ['API_PORT', 'BALLERINE_URL', 'CISO_TOKEN', 'INPUT_AMOUNT_MAX', 'METRICS_HOST', 'NOTIFY_MAX_ATTEMPTS', 'PORTFOLIO_LCR_FLOOR', 'TAZAMA_TIMEOUT', 'TEMPORAL_TLS_KEY'].sort(),
    );
    // the message carries each problem on its own line
    const message = (() => {
      try {
        loadConfig({ API_PORT: '70000', TAZAMA_TIMEOUT: 'soon' });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/^invalid configuration:\n {2}API_PORT: .+\n {2}TAZAMA_TIMEOUT: not a duration/);
  });

  it('checks across variables once each is valid (a core cross-check beside a section one)', () => {
    expect(problemsOf({ RISK_LEVEL_MEDIUM: '0.9', RISK_LEVEL_HIGH: '0.8', TAZAMA_AUTH_URL: 'http://auth:3020' })).toEqual([
      'RISK_LEVEL_MEDIUM: must be below RISK_LEVEL_HIGH',
      'TAZAMA_AUTH_URL: needs TAZAMA_USERNAME and TAZAMA_PASSWORD',
    ]);
  });

  it('holds every section, the same as each section read alone', () => {
    const env = { TAZAMA_TMS_URL: 'http://tms:5000/', CISO_URL: 'https://ciso.bank.example/api', CISO_TOKEN: 'pat-0123456789', TEMPORAL_API_KEY: 'cloud-key-0123', METRICS_ENABLED: 'false' };
    const config = loadConfig(env);
    expect(config.tazama).toEqual(loadTazamaConfig(env));
    expect(config.ciso).toEqual(loadCisoConfig(env));
    expect(config.observability).toEqual(loadObservabilityConfig(env));
    expect(config.temporal.connection).toEqual({ tls: {}, apiKey: 'cloud-key-0123' });
    expect(Object.keys(config).sort()).toEqual(
      ['anomalyTraining', 'api', 'ballerine', 'ciso', 'database', 'dataDir', 'demo', 'env', 'fx', 'input', 'logLevel', 'notifications', 'observability', 'portfolio', 'scoring', 'sla', 'tazama', 'temporal', 'warehouse'].sort(),
    );
  });

  it('reads a blank section variable as unset, a blank core variable as given (as before)', () => {
    expect(loadConfig({ TAZAMA_TIMEOUT: '', CISO_FOLDER: '' }).tazama.timeoutMs).toBe(30_000);
    expect(problemsOf({ DATABASE_URL: '' }).map((p) => p.split(':')[0])).toEqual(['DATABASE_URL']);
  });

  it('names each variable once', () => {
    expect(new Set(CONFIG_VARIABLES).size).toBe(CONFIG_VARIABLES.length);
  });
});
