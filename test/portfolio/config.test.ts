// The portfolio, CISO Assistant and notification settings: defaults, and a bad value stops
// start-up with a message that names the variable (and never echoes a secret).
import { describe, expect, it } from 'vitest';
import { loadCisoConfig, CISO_VARIABLES } from '../../config/ciso';
import { NOTIFICATION_VARIABLES } from '../../config/notifications';
import { loadPortfolioConfig, PORTFOLIO_VARIABLES } from '../../config/portfolio';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('loadPortfolioConfig', () => {
  it('defaults: hourly, Basel III floor 100%, warning band 80%, VaR limit 50,000,000 KES', () => {
    const c = loadPortfolioConfig({});
    expect(c).toMatchObject({ enabled: true, intervalMs: 3_600_000, timeZone: 'Africa/Nairobi', inputMaxAgeMs: 3 * 86_400_000 });
    expect(c.liquidity).toMatchObject({ enabled: true, floor: '1.0', warningBand: '0.8', inflowCap: '0.75', haircuts: { '1': '0', '2A': '0.15', '2B': '0.50' } });
    expect(c.market).toMatchObject({ varWindow: 250, varLimit: '50000000', criticalMultiple: '1.5', nopLimit: null, stressLimit: null });
    // the old engine's cut-offs, and critical at twice the threshold
    expect(c.credit).toMatchObject({ largeAmount: '1000000', largeShare: { threshold: '0.10', critical: '0.2' }, peakRatio: { threshold: '5', critical: '10' } });
  });

  it('takes each model’s switch and thresholds from the environment, exactly', () => {
    const c = loadPortfolioConfig({ PORTFOLIO_MARKET_ENABLED: 'false', PORTFOLIO_LCR_FLOOR: '1.10', PORTFOLIO_VAR_LIMIT_KES: '12500000.50', PORTFOLIO_INTERVAL: '15m', PORTFOLIO_CREDIT_LARGE_SHARE: '' });
    expect(c).toMatchObject({ intervalMs: 900_000, market: { enabled: false, varLimit: '12500000.50' }, liquidity: { floor: '1.10' }, credit: { largeShare: { threshold: '0.10' } } });
  });

  it('names the bad variable', () => {
    expect(message(() => loadPortfolioConfig({ PORTFOLIO_LCR_FLOOR: '1,0' }))).toMatch(/PORTFOLIO_LCR_FLOOR: "1,0" is not a non-negative decimal/);
    expect(message(() => loadPortfolioConfig({ PORTFOLIO_CREDIT_LARGE_SHARE: '1.5' }))).toMatch(/PORTFOLIO_CREDIT_LARGE_SHARE: must be at most 1/);
    expect(message(() => loadPortfolioConfig({ PORTFOLIO_HQLA_HAIRCUT_2A: '0.123456' }))).toMatch(/PORTFOLIO_HQLA_HAIRCUT_2A: must have at most 4 decimal places/);
    expect(message(() => loadPortfolioConfig({ PORTFOLIO_LCR_WARNING_BAND: '1.2' }))).toMatch(/PORTFOLIO_LCR_WARNING_BAND: must not be above PORTFOLIO_LCR_FLOOR/);
    expect(message(() => loadPortfolioConfig({ PORTFOLIO_INTERVAL: 'hourly' }))).toMatch(/PORTFOLIO_INTERVAL: not a duration/);
    expect(message(() => loadPortfolioConfig({ PORTFOLIO_TIMEZONE: 'Mars/Olympus' }))).toMatch(/PORTFOLIO_TIMEZONE: is not a time zone/);
  });
});

describe('loadCisoConfig', () => {
  it('defaults: on, the Kinga folder, a 10 s timeout; the base URL without a trailing / or /api', () => {
    expect(loadCisoConfig({})).toEqual({
      enabled: true,
      url: undefined,
      token: undefined,
      folder: 'Kinga',
      perimeter: 'Kinga portfolio risk',
      assessment: 'Kinga portfolio risk register',
      requestTimeoutMs: 10_000,
      closeOnRecovery: true,
    });
    expect(loadCisoConfig({ CISO_URL: 'https://ciso.bank.example/api/', CISO_TOKEN: 'pat-0123456789' }).url).toBe('https://ciso.bank.example');
  });

  it('needs a token with a URL, refuses "/" in names, and never echoes the token', () => {
    expect(message(() => loadCisoConfig({ CISO_URL: 'https://ciso.bank.example' }))).toMatch(/CISO_TOKEN: required when CISO_URL is set/);
    expect(message(() => loadCisoConfig({ CISO_FOLDER: 'Risk/Kinga' }))).toMatch(/CISO_FOLDER: must not contain "\/"/);
    const short = message(() => loadCisoConfig({ CISO_TOKEN: 'abc' }));
    expect(short).toMatch(/CISO_TOKEN: must be at least 8 characters/);
    expect(short).not.toContain('abc"');
    expect(loadCisoConfig({ CISO_ENABLED: 'false', CISO_URL: 'https://x.example' }).enabled).toBe(false);
  });

  it('CISO_CLOSE_ON_RECOVERY: true or false, anything else names the variable', () => {
    expect(loadCisoConfig({ CISO_CLOSE_ON_RECOVERY: 'false' }).closeOnRecovery).toBe(false);
    expect(loadCisoConfig({ CISO_CLOSE_ON_RECOVERY: 'true' }).closeOnRecovery).toBe(true);
    expect(message(() => loadCisoConfig({ CISO_CLOSE_ON_RECOVERY: 'sometimes' }))).toMatch(/CISO_CLOSE_ON_RECOVERY: /);
  });
});

describe('variable lists, for the README table', () => {
  it('name every variable read', () => {
    expect(CISO_VARIABLES).toEqual(['CISO_ENABLED', 'CISO_URL', 'CISO_TOKEN', 'CISO_FOLDER', 'CISO_PERIMETER', 'CISO_ASSESSMENT', 'CISO_REQUEST_TIMEOUT', 'CISO_CLOSE_ON_RECOVERY']);
    expect(NOTIFICATION_VARIABLES).toContain('SMTP_URL');
    expect(PORTFOLIO_VARIABLES).toEqual(expect.arrayContaining(['PORTFOLIO_ENABLED', 'PORTFOLIO_INTERVAL', 'PORTFOLIO_LCR_FLOOR', 'PORTFOLIO_VAR_LIMIT_KES']));
  });
});
