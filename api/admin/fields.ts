// Request fields the admin routes share, so a backtest and a shadow run refuse the same input in
// the same words.
import { z } from 'zod';

/** A rule-set version: a positive PostgreSQL integer. */
export const ruleSetVersion = z.number().int('must be a whole number').positive('must be positive').max(2_147_483_647, 'is not a version number');

/** PostgreSQL's timestamps and JavaScript's dates agree only in plain years: a year 0 or 10000 is no date here. */
export const plainInstant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 timestamp' })
  .refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 1900 && year <= 9998;
  }, 'must be a timestamp between the years 1900 and 9998');
