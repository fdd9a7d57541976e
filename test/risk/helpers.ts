// Shared fixtures for the risk tests.
import { loadConfig } from '../../config';
import type { CustomerProfile, ScoringContext, ScoringPolicy, Transaction } from '../../risk/types';
import { everydayPurchase } from '../helpers/transactions';

/** The scoring policy with every default, as configured by an empty environment. */
export function defaultPolicy(env: Record<string, string> = {}): ScoringPolicy {
  return loadConfig(env).scoring;
}

/** The everyday purchase on 2 March at 12:00 in Nairobi. */
export function txn(overrides: Partial<Transaction> = {}): Transaction {
  return everydayPurchase({ merchantId: 'M-10001', occurredAt: '2026-03-02T09:00:00Z', ...overrides });
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
