// Amounts in another currency are valued in KES before any rule sees them, at the bank's stored
// rate for the transaction's date. The conversion is exact decimal arithmetic; where no rate is
// known the transaction is refused upstream, never valued with a guess.
import type { FxConversion, Transaction } from './types';
import { formatKes, multiplyDecimals } from './amount';

export const BASE_CURRENCY = 'KES';

/** A stored rate: KES for one unit of `currency`, published for `rateDate` (YYYY-MM-DD). */
export interface FxRate {
  currency: string;
  rateDate: string;
  kesPerUnit: string;
  source: string | null;
}

export function needsConversion(txn: Pick<Transaction, 'currency'>): boolean {
  return txn.currency.trim().toUpperCase() !== BASE_CURRENCY;
}

/** The transaction valued in KES (amount and currency replaced), and what was done, for the breakdown. */
export function convertToKes(txn: Transaction, rate: FxRate): { transaction: Transaction; fx: FxConversion } {
  const currency = txn.currency.trim().toUpperCase();
  if (rate.currency.trim().toUpperCase() !== currency) throw new Error(`a ${rate.currency} rate cannot value a ${currency} amount`);
  const amountKes = multiplyDecimals(txn.amount, rate.kesPerUnit, 2);
  const rateText = formatKes(rate.kesPerUnit);
  const detail =
    `${formatKes(txn.amount)} ${currency} at ${rateText} KES per ${currency} ` +
    `(rate of ${rate.rateDate}${rate.source ? `, ${rate.source}` : ''}) = ${formatKes(amountKes)} KES`;
  return {
    transaction: { ...txn, amount: amountKes, currency: BASE_CURRENCY },
    fx: { currency, amount: txn.amount, kesPerUnit: rate.kesPerUnit, rateDate: rate.rateDate, source: rate.source, amountKes, detail },
  };
}
