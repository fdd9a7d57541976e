// The Ballerine settings: defaults, and start-up errors that name the variable.
import { describe, expect, it } from 'vitest';
import { describeBallerineConfig, loadBallerineConfig } from '../../../config/ballerine';

describe('loadBallerineConfig', () => {
  it('defaults to enabled, the stand-in, Kinga’s definition name and a 10 s timeout', () => {
    expect(loadBallerineConfig({})).toEqual({
      enabled: true,
      url: undefined,
      apiKey: undefined,
      webhookSecret: undefined,
      workflowDefinition: 'kinga-transaction-review',
      requestTimeoutMs: 10_000,
      webhookUrl: undefined,
      unassignedDecisions: { rule: 'case_assignee' },
    });
  });

  it('reads the rule for back-office decisions without an assignee', () => {
    expect(loadBallerineConfig({ BALLERINE_UNASSIGNED_DECISIONS: 'refuse' }).unassignedDecisions).toEqual({ rule: 'refuse' });
    expect(loadBallerineConfig({ BALLERINE_UNASSIGNED_DECISIONS: 'user:ballerine-desk' }).unassignedDecisions).toEqual({ rule: 'user', username: 'ballerine-desk' });
    expect(() => loadBallerineConfig({ BALLERINE_UNASSIGNED_DECISIONS: 'anyone' })).toThrow(/BALLERINE_UNASSIGNED_DECISIONS: must be case_assignee, refuse or user:<Kinga username>/);
  });

  it('reads a real installation, trimming the trailing slash and treating blank variables as unset', () => {
    const config = loadBallerineConfig({
      BALLERINE_URL: 'https://ballerine.bank.example/',
      BALLERINE_API_KEY: 'customer-key',
      BALLERINE_WEBHOOK_SECRET: 'shared-secret-1',
      BALLERINE_REQUEST_TIMEOUT: '2500ms',
      BALLERINE_WORKFLOW_DEFINITION: 'kinga-review-v2',
      BALLERINE_WEBHOOK_URL: '',
    });
    expect(config).toMatchObject({ url: 'https://ballerine.bank.example', requestTimeoutMs: 2500, workflowDefinition: 'kinga-review-v2', webhookUrl: undefined });
    // start-up logs never carry the credentials
    expect(JSON.stringify(describeBallerineConfig(config))).not.toMatch(/customer-key|shared-secret-1/);
  });

  it('names the bad variable', () => {
    expect(() => loadBallerineConfig({ BALLERINE_ENABLED: 'maybe' })).toThrow(/BALLERINE_ENABLED/);
    expect(() => loadBallerineConfig({ BALLERINE_URL: 'ftp://x' })).toThrow(/BALLERINE_URL: must be an http/);
    expect(() => loadBallerineConfig({ BALLERINE_REQUEST_TIMEOUT: 'soon' })).toThrow(/BALLERINE_REQUEST_TIMEOUT: not a duration/);
    expect(() => loadBallerineConfig({ BALLERINE_WORKFLOW_DEFINITION: 'has spaces' })).toThrow(/BALLERINE_WORKFLOW_DEFINITION/);
    expect(() => loadBallerineConfig({ BALLERINE_URL: 'http://ballerine:3000' })).toThrow(/BALLERINE_API_KEY: is required when BALLERINE_URL is set[\s\S]*BALLERINE_WEBHOOK_SECRET/);
  });

  it('needs no credentials when the integration is off', () => {
    expect(loadBallerineConfig({ BALLERINE_ENABLED: 'false', BALLERINE_URL: 'http://ballerine:3000' }).enabled).toBe(false);
  });
});
