// Transactions for tests through the API, with their expected risk under the default rules
// (anomaly model off).

/** A builder of distinct everyday purchases (LOW): 2,500 KES at a supermarket in Nairobi, 10:15 local. */
export function transactionFactory(prefix: string) {
  let seq = 0;
  return (overrides: Record<string, unknown> = {}) => {
    seq += 1;
    return {
      transactionRef: `${prefix}-${seq}`,
      customerId: `C${prefix}-${seq}`,
      accountId: `A${prefix}-${seq}`,
      amount: '2500.00',
      currency: 'KES',
      type: 'purchase',
      channel: 'pos',
      merchantId: 'M-NAIVAS-001',
      merchantName: 'Naivas Supermarket',
      city: 'Nairobi',
      country: 'KE',
      occurredAt: '2026-11-20T07:15:00.000Z', // 10:15 in Nairobi
      ...overrides,
    };
  };
}

/** amount 1.5M (0.20) + the customer's first transaction in GB (0.45) + 23:40 in Nairobi (0.10) = 0.75: MEDIUM */
export const MEDIUM_RISK = { amount: '1500000.00', city: 'London', country: 'GB', occurredAt: '2026-11-20T20:40:00.000Z' };

/** a 12M online transfer: above 10,000,000 KES is HIGH on its own */
export const HIGH_RISK = { amount: '12000000.00', type: 'transfer', channel: 'online', merchantId: null, merchantName: null };
