// Every transaction Kinga's generator produces, as pacs.008 and pacs.002, validated against the
// TMS's own schemas: once with the TMS's AJV options (what the TMS accepts) and once strictly
// (no coercion, nothing dropped: the body is right as sent, not only after the TMS repaired it).
import { describe, expect, it } from 'vitest';
import { MAX_ID_LENGTH, tazamaMessageIds, toPacs002, toPacs008 } from '../../../activities/tazama/messages';
import type { Transaction } from '../../../risk/types';
import { compileValidators, createStrictAjv, fastifyMessage } from '../../../simulators/tazama/validation';
import { generateHistory, toTransaction } from '../../../warehouse/generator';
import { everydayPurchase } from '../../helpers/transactions';

const tms = compileValidators();
const strict = compileValidators(createStrictAjv());
const options = { memberId: 'kinga', creditorAgents: { pos: 'card-acquirer', online: 'card-acquirer', mobile: 'mobile-money' } };

function problems(t: Transaction): string[] {
  const out: string[] = [];
  const pacs008 = toPacs008(t, options);
  const pacs002 = toPacs002(t, options);
  for (const [type, body] of [
    ['pacs.008.001.10', pacs008],
    ['pacs.002.001.12', pacs002],
  ] as const) {
    if (!strict[type](body)) out.push(`${t.transactionRef} ${type} strict: ${fastifyMessage(strict[type].errors)}`);
    const copy = structuredClone(body) as Record<string, unknown>;
    if (!tms[type](copy)) out.push(`${t.transactionRef} ${type} TMS: ${fastifyMessage(tms[type].errors)}`);
    // the TMS drops unknown properties silently: nothing of ours may be lost that way
    const { TxTp, ...kept } = copy;
    if (TxTp !== type) out.push(`${t.transactionRef} ${type}: TxTp defaulted to ${String(TxTp)}`);
    if (JSON.stringify(kept) !== JSON.stringify(body)) out.push(`${t.transactionRef} ${type}: the TMS would drop or change fields`);
    if ('TenantId' in body) out.push(`${t.transactionRef} ${type}: has a top-level TenantId`);
  }
  return out;
}

function base(overrides: Partial<Transaction> = {}): Transaction {
  return everydayPurchase({ transactionRef: 'TZ-EDGE-0001', customerId: 'CUST-000042', accountId: '0100004212345', merchantId: 'M-10001', ...overrides });
}

describe('pacs.008 / pacs.002 mapping', () => {
  it('validates for every generated transaction (200 customers, 10 days)', () => {
    const rows = generateHistory({ seed: 20261126, customers: 200, days: 10, endAt: '2026-11-20T00:00:00.000Z' });
    expect(rows.length).toBeGreaterThan(2000);
    const transactions = rows.map(toTransaction);
    // the data covers what the mapping must handle: foreign places, no merchant, every type
    expect(new Set(transactions.map((t) => t.country)).size).toBeGreaterThan(2);
    expect(transactions.some((t) => t.merchantId === null)).toBe(true);
    expect(new Set(transactions.map((t) => t.type)).size).toBe(5);
    const failures = transactions.flatMap(problems);
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it.each([
    ['a foreign city and country', base({ city: 'Guangzhou', country: 'CN' })],
    ['a place without known coordinates', base({ city: 'Ulaanbaatar', country: 'MN' })],
    ['no merchant (transfer)', base({ merchantId: null, merchantName: null, type: 'transfer', channel: 'mobile' })],
    ['no merchant (ATM withdrawal)', base({ merchantId: null, merchantName: null, type: 'withdrawal', channel: 'atm' })],
    ['a merchant id without a name', base({ merchantName: null })],
    ['the largest amount, 9,999,999,999.99 KES', base({ amount: '9999999999.99' })],
    ['a zero amount', base({ amount: '0.00' })],
    ['a 64-character ref', base({ transactionRef: 'R'.repeat(40) + '-2026-11-20-NAIROBI-0001' })],
    ['a timestamp with an offset', base({ occurredAt: '2026-11-20T10:15:00+03:00' })],
  ])('validates with %s', (_label, txn) => {
    expect(problems(txn)).toEqual([]);
  });

  it('keeps the largest amount exact and the currency', () => {
    const msg = toPacs008(base({ amount: '9999999999.99' }), options);
    expect(JSON.stringify(msg.FIToFICstmrCdtTrf.CdtTrfTxInf.InstdAmt)).toBe('{"Amt":{"Amt":9999999999.99,"Ccy":"KES"}}');
    expect(msg.FIToFICstmrCdtTrf.CdtTrfTxInf.IntrBkSttlmAmt.Amt.Amt).toBe(9999999999.99);
  });

  it('refuses an amount that is not a 2-place decimal', () => {
    expect(() => toPacs008(base({ amount: '12.345' }), options)).toThrow(/not a decimal/);
    expect(() => toPacs008(base({ amount: '-5.00' }), options)).toThrow(/not a decimal/);
  });

  it('derives ids from the ref: deterministic, at most 35 characters, distinct, and linking the pair', () => {
    const ref = 'X'.repeat(64);
    const ids = tazamaMessageIds(ref);
    expect(tazamaMessageIds(ref)).toEqual(ids);
    for (const id of Object.values(ids)) expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    expect(new Set(Object.values(ids)).size).toBe(4);
    expect(tazamaMessageIds(`${ref.slice(0, 63)}Y`).pacs002MsgId).not.toBe(ids.pacs002MsgId);

    const txn = base({ transactionRef: ref });
    const pacs008 = toPacs008(txn, options);
    const pacs002 = toPacs002(txn, options);
    expect(pacs008.FIToFICstmrCdtTrf.GrpHdr.MsgId).toBe(ids.pacs008MsgId);
    expect(pacs002.FIToFIPmtSts.GrpHdr.MsgId).toBe(ids.pacs002MsgId);
    expect(pacs002.FIToFIPmtSts.TxInfAndSts.OrgnlEndToEndId).toBe(pacs008.FIToFICstmrCdtTrf.CdtTrfTxInf.PmtId.EndToEndId);
    expect(pacs002.FIToFIPmtSts.TxInfAndSts.OrgnlInstrId).toBe(pacs008.FIToFICstmrCdtTrf.CdtTrfTxInf.PmtId.InstrId);
    expect(pacs002.FIToFIPmtSts.TxInfAndSts.TxSts).toBe('ACCC');
    // a retry sends byte-identical messages
    expect(JSON.stringify(toPacs008(txn, options))).toBe(JSON.stringify(pacs008));
    expect(JSON.stringify(toPacs002(txn, options))).toBe(JSON.stringify(pacs002));
    // the status never predates the payment
    expect(Date.parse(pacs002.FIToFIPmtSts.GrpHdr.CreDtTm)).toBeGreaterThan(Date.parse(pacs008.FIToFICstmrCdtTrf.GrpHdr.CreDtTm));
  });

  it('puts the customer as debtor and the place of the payment in the initiating party’s geolocation, not in a birth place', () => {
    const msg = toPacs008(base({ city: 'London', country: 'GB' }), options).FIToFICstmrCdtTrf;
    expect(msg.CdtTrfTxInf.Dbtr.Id.PrvtId.Othr[0]!.Id).toBe('CUST-000042');
    expect(msg.CdtTrfTxInf.DbtrAcct.Id.Othr[0]!.Id).toBe('0100004212345');
    expect(msg.CdtTrfTxInf.Cdtr.Id.PrvtId.Othr[0]!.Id).toBe('M-10001');
    expect(msg.SplmtryData.Envlp.Doc.InitgPty.Glctn).toEqual({ Lat: '51.5072', Long: '-0.1276' });
    // Kinga holds no KYC data: birth dates, birth places and phone numbers are empty, never invented
    for (const p of [msg.CdtTrfTxInf.Dbtr, msg.CdtTrfTxInf.Cdtr, msg.CdtTrfTxInf.InitgPty]) {
      expect(p.Id.PrvtId.DtAndPlcOfBirth).toEqual({ BirthDt: '', CityOfBirth: '', CtryOfBirth: '' });
      expect(p.CtctDtls.MobNb).toBe('');
    }
    expect(JSON.stringify(msg)).not.toContain('1900-01-01');
    // unrelated transfers to unknown counterparties get creditors of their own
    const a = toPacs008(base({ transactionRef: 'A', merchantId: null, merchantName: null, type: 'transfer' }), options);
    const b = toPacs008(base({ transactionRef: 'B', merchantId: null, merchantName: null, type: 'transfer' }), options);
    expect(a.FIToFICstmrCdtTrf.CdtTrfTxInf.Cdtr.Id.PrvtId.Othr[0]!.Id).not.toBe(b.FIToFICstmrCdtTrf.CdtTrfTxInf.Cdtr.Id.PrvtId.Othr[0]!.Id);
  });

  it('takes the agents’ member ids from configuration: the bank as debtor agent, the channel’s agent as creditor agent', () => {
    const agents = (t: Transaction) => {
      const m = toPacs008(t, options).FIToFICstmrCdtTrf.CdtTrfTxInf;
      const s = toPacs002(t, options).FIToFIPmtSts.TxInfAndSts;
      return {
        debtor: m.DbtrAgt.FinInstnId.ClrSysMmbId.MmbId,
        creditor: m.CdtrAgt.FinInstnId.ClrSysMmbId.MmbId,
        instructing: s.InstgAgt.FinInstnId.ClrSysMmbId.MmbId,
        instructed: s.InstdAgt.FinInstnId.ClrSysMmbId.MmbId,
        charges: s.ChrgsInf.map((c) => c.Agt.FinInstnId.ClrSysMmbId.MmbId),
      };
    };
    expect(agents(base())).toEqual({ debtor: 'kinga', creditor: 'card-acquirer', instructing: 'card-acquirer', instructed: 'kinga', charges: ['kinga', 'kinga', 'card-acquirer'] });
    expect(agents(base({ channel: 'mobile', type: 'transfer', merchantId: null, merchantName: null }))).toMatchObject({ debtor: 'kinga', creditor: 'mobile-money' });
    // cash stays with the bank, and so does a channel without an agent of its own
    expect(agents(base({ channel: 'atm', type: 'withdrawal', merchantId: null, merchantName: null }))).toMatchObject({ debtor: 'kinga', creditor: 'kinga' });
    expect(agents(base({ channel: 'branch', type: 'payment' }))).toMatchObject({ creditor: 'kinga' });
  });

  it('is refused by the TMS schema with a top-level TenantId, as the real TMS refuses it', () => {
    const body = { ...toPacs008(base(), options), TenantId: 'DEFAULT' };
    expect(tms['pacs.008.001.10'](body)).toBe(false);
  });
});
