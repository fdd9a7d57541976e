// Shared fixtures for the risk tests.
import { loadConfig } from '../../config';
import type { CustomerProfile, ScoringContext, ScoringPolicy, Transaction } from '../../risk/types';

/** The scoring policy with every default, as configured by an empty environment. */
export function defaultPolicy(env: Record<string, string> = {}): ScoringPolicy {
  return loadConfig(env).scoring;
}

export function txn(overrides: Partial<Transaction> = {}): Transaction {
  return {
    transactionRef: 'T-1',
    customerId: 'CUST-1',
    accountId: 'ACC-1',
    amount: '2500.00',
    currency: 'KES',
    type: 'purchase',
    channel: 'pos',
    merchantId: 'M-10001',
    merchantName: 'Naivas Supermarket',
    city: 'Nairobi',
    country: 'KE',
    // 12:00 in Nairobi
    occurredAt: '2026-03-02T09:00:00Z',
    ...overrides,
  };
}

export function profile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    historyCount: 20,
    medianAmount: 3000,
    knownCities: ['Nairobi', 'Thika'],
    homeCity: 'Nairobi',
    recentCount: 0,
    knownCountries: ['KE'],
    recentAt: [],
    ...overrides,
  };
}

export function context(overrides: Partial<ScoringContext> = {}, customer: Partial<CustomerProfile> = {}): ScoringContext {
  return { blacklistedMerchant: null, customer: profile(customer), ...overrides };
}
