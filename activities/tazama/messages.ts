// A Kinga transaction as the two ISO 20022 messages Tazama's TMS evaluates: the pacs.008.001.10
// (the credit transfer) and its pacs.002.001.12 (status ACCC), shaped exactly as the TMS's own
// JSON schemas require (shared/reference/tazama/tms-schema.*). Deterministic: the same
// transaction always gives byte-identical messages, so a retried submission repeats itself.
//
// Traps the TMS sets (reference README): no top-level TenantId (the tenant comes from the JWT);
// the pacs.002's OrgnlEndToEndId must equal the pacs.008's EndToEndId (and OrgnlInstrId its
// InstrId), and the pacs.008 must arrive first; unknown properties are silently dropped, so
// anything Kinga knows that has no place in the schema (postal addresses, the channel) cannot travel.
import { createHash } from 'node:crypto';
import type { Channel, Transaction, TransactionType } from '../../risk/types';

export const PACS008_TYPE = 'pacs.008.001.10';
export const PACS002_TYPE = 'pacs.002.001.12';

/** ISO 20022 Max35Text: MsgId, InstrId and EndToEndId may not exceed 35 characters. */
export const MAX_ID_LENGTH = 35;

export interface TazamaMessageIds {
  pacs008MsgId: string;
  pacs002MsgId: string;
  endToEndId: string;
  instrId: string;
}

export interface MessageOptions {
  /** the bank's clearing-system member id (debtor agent; creditor agent for its own customers) */
  memberId: string;
  /**
   * The creditor's agent by channel: the card acquirer for POS and online payments, the mobile-money
   * operator for mobile transfers (TAZAMA_CREDITOR_AGENTS). A channel not listed, and cash
   * (withdrawals, deposits), stays with the bank.
   */
  creditorAgents?: Partial<Record<Channel, string>>;
}

/**
 * Ids derived from the transaction ref alone (refs may be 64 characters, ids only 35): 32 hex
 * characters of a SHA-256 over a per-id label and the ref, like the UUIDs without dashes that
 * Tazama's own samples use. Different labels keep the four ids distinct.
 */
export function tazamaMessageIds(transactionRef: string): TazamaMessageIds {
  const id = (label: string) => createHash('sha256').update(`kinga:${label}:${transactionRef}`).digest('hex').slice(0, 32);
  return { pacs008MsgId: id('pacs008'), pacs002MsgId: id('pacs002'), endToEndId: id('e2e'), instrId: id('instr') };
}

// ISO 20022 external purpose codes: what the payment is for.
const PURPOSE: Record<TransactionType, string> = {
  purchase: 'GDDS', // purchase or sale of goods
  payment: 'SUPP', // supplier (merchant, biller) payment
  transfer: 'MP2P', // person-to-person
  withdrawal: 'CASH', // cash management
  deposit: 'CASH',
};

/** Approximate centres of the places Kinga's data uses (Lat, Long as the schema's strings). */
const PLACES: Record<string, [string, string]> = {
  'KE:Nairobi': ['-1.2864', '36.8172'],
  'KE:Mombasa': ['-4.0435', '39.6682'],
  'KE:Kisumu': ['-0.0917', '34.7680'],
  'KE:Nakuru': ['-0.3031', '36.0800'],
  'KE:Eldoret': ['0.5143', '35.2698'],
  'KE:Thika': ['-1.0333', '37.0693'],
  'KE:Machakos': ['-1.5177', '37.2634'],
  'KE:Meru': ['0.0470', '37.6498'],
  'KE:Nyeri': ['-0.4201', '36.9476'],
  'KE:Malindi': ['-3.2192', '40.1169'],
  'KE:Kitale': ['1.0157', '35.0062'],
  'KE:Garissa': ['-0.4532', '39.6461'],
  'GB:London': ['51.5072', '-0.1276'],
  'GB:Manchester': ['53.4808', '-2.2426'],
  'AE:Dubai': ['25.2048', '55.2708'],
  'AE:Abu Dhabi': ['24.4539', '54.3773'],
  'US:New York': ['40.7128', '-74.0060'],
  'US:Houston': ['29.7604', '-95.3698'],
  'CN:Guangzhou': ['23.1291', '113.2644'],
  'CN:Shenzhen': ['22.5431', '114.0579'],
  'NG:Lagos': ['6.5244', '3.3792'],
  'NG:Abuja': ['9.0765', '7.3986'],
  'ZA:Johannesburg': ['-26.2041', '28.0473'],
  'ZA:Cape Town': ['-33.9249', '18.4241'],
  'TZ:Dar es Salaam': ['-6.7924', '39.2083'],
  'TZ:Arusha': ['-3.3869', '36.6830'],
  'UG:Kampala': ['0.3476', '32.5825'],
};

/** Where the transaction happened; "0"/"0" (no fix) for a place Kinga has no coordinates for. */
export function geolocation(country: string, city: string): { Lat: string; Long: string } {
  const place = PLACES[`${country.toUpperCase()}:${city}`];
  return place ? { Lat: place[0], Long: place[1] } : { Lat: '0', Long: '0' };
}

// Kinga holds no KYC data: no party's birth date, birth place or phone number. The TMS schema
// requires the fields, so they travel empty — "not known" — rather than as invented values that
// Tazama's rules would read as facts (a 1900 birth date makes a 126-year-old debtor). The place of
// the transaction is not a birth place: it travels as the initiating party's geolocation.
const NOT_KNOWN = '';

interface Party {
  name: string;
  /** entity id (Tazama's TAZAMA_EID scheme) */
  id: string;
  /** account id */
  account: string;
  accountName: string;
}

function party(p: Party) {
  return {
    Nm: p.name,
    Id: {
      PrvtId: {
        DtAndPlcOfBirth: { BirthDt: NOT_KNOWN, CityOfBirth: NOT_KNOWN, CtryOfBirth: NOT_KNOWN },
        Othr: [{ Id: p.id, SchmeNm: { Prtry: 'TAZAMA_EID' } }],
      },
    },
    CtctDtls: { MobNb: NOT_KNOWN },
  };
}

function account(p: Party) {
  return { Id: { Othr: [{ Id: p.account, SchmeNm: { Prtry: 'ACCT' } }] }, Nm: p.accountName };
}

const agent = (memberId: string) => ({ FinInstnId: { ClrSysMmbId: { MmbId: memberId } } });

/**
 * Who pays whom. The customer is always the debtor (Tazama's debtor rules count their outgoing
 * payments). The creditor is the merchant when there is one, the customer's own cash for
 * withdrawals and deposits, and otherwise a counterparty Kinga does not know, given an id of its
 * own so that unrelated transfers do not look like payments to one account.
 */
function parties(t: Transaction, ids: TazamaMessageIds): { debtor: Party; creditor: Party } {
  const debtor: Party = { name: `Kinga customer ${t.customerId}`, id: t.customerId, account: t.accountId, accountName: `Account ${t.accountId}` };
  if (t.merchantId) {
    return { debtor, creditor: { name: t.merchantName ?? t.merchantId, id: t.merchantId, account: `MERCHANT-${t.merchantId}`, accountName: t.merchantName ?? t.merchantId } };
  }
  if (t.type === 'withdrawal' || t.type === 'deposit') {
    return { debtor, creditor: { name: debtor.name, id: t.customerId, account: `CASH-${t.channel.toUpperCase()}-${t.accountId}`, accountName: `Cash ${t.type} by ${t.channel}` } };
  }
  const counterparty = `CPTY-${ids.endToEndId.slice(0, 16)}`;
  return { debtor, creditor: { name: 'Counterparty unknown to Kinga', id: counterparty, account: counterparty, accountName: 'Counterparty unknown to Kinga' } };
}

/** The debtor's agent is the bank; the creditor's is the bank for cash, else the channel's agent. */
export function agentsFor(t: Transaction, options: MessageOptions): { debtorAgent: string; creditorAgent: string } {
  const cash = t.type === 'withdrawal' || t.type === 'deposit';
  return { debtorAgent: options.memberId, creditorAgent: (!cash && options.creditorAgents?.[t.channel]) || options.memberId };
}

/** Amounts are JSON numbers in the schema; a 2-decimal KES string up to 9,999,999,999.99 is exact as a double. */
function amount(t: Transaction): number {
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(t.amount)) throw new Error(`transaction ${t.transactionRef}: amount "${t.amount}" is not a decimal with up to 2 places`);
  return Number(t.amount);
}

function isoTime(text: string, ref: string, offsetMs = 0): string {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new Error(`transaction ${ref}: occurredAt "${text}" is not a timestamp`);
  return new Date(ms + offsetMs).toISOString();
}

export function toPacs008(t: Transaction, options: MessageOptions) {
  const ids = tazamaMessageIds(t.transactionRef);
  const { debtor, creditor } = parties(t, ids);
  const { debtorAgent, creditorAgent } = agentsFor(t, options);
  const amt = { Amt: { Amt: amount(t), Ccy: t.currency } };
  const createdAt = isoTime(t.occurredAt, t.transactionRef);
  return {
    FIToFICstmrCdtTrf: {
      GrpHdr: {
        MsgId: ids.pacs008MsgId,
        CreDtTm: createdAt,
        NbOfTxs: 1,
        SttlmInf: { SttlmMtd: 'CLRG' },
      },
      CdtTrfTxInf: {
        PmtId: { InstrId: ids.instrId, EndToEndId: ids.endToEndId },
        IntrBkSttlmAmt: amt,
        InstdAmt: amt,
        // a string in the TMS schema (it coerces numbers); Kinga's amounts are already in KES
        XchgRate: '1',
        ChrgBr: 'DEBT',
        ChrgsInf: { Amt: { Amt: 0, Ccy: t.currency }, Agt: agent(debtorAgent) },
        InitgPty: party(debtor),
        Dbtr: party(debtor),
        DbtrAcct: account(debtor),
        DbtrAgt: agent(debtorAgent),
        CdtrAgt: agent(creditorAgent),
        Cdtr: party(creditor),
        CdtrAcct: account(creditor),
        Purp: { Cd: PURPOSE[t.type] },
      },
      RgltryRptg: { Dtls: { Tp: 'BALANCE OF PAYMENTS', Cd: '100' } },
      RmtInf: { Ustrd: `Kinga ${t.type} ${t.transactionRef} via ${t.channel}`.slice(0, 140) },
      SplmtryData: {
        Envlp: {
          Doc: {
            // where the payment was initiated: the transaction's own place
            InitgPty: { Glctn: geolocation(t.country, t.city) },
            Xprtn: isoTime(t.occurredAt, t.transactionRef, 86_400_000),
          },
        },
      },
    },
  };
}

export function toPacs002(t: Transaction, options: MessageOptions) {
  const ids = tazamaMessageIds(t.transactionRef);
  const { debtorAgent, creditorAgent } = agentsFor(t, options);
  const zero = (memberId: string) => ({ Amt: { Amt: 0, Ccy: t.currency }, Agt: agent(memberId) });
  return {
    FIToFIPmtSts: {
      GrpHdr: {
        MsgId: ids.pacs002MsgId,
        // a second after the pacs.008, so the status never predates the payment it reports
        CreDtTm: isoTime(t.occurredAt, t.transactionRef, 1000),
      },
      TxInfAndSts: {
        OrgnlInstrId: ids.instrId,
        OrgnlEndToEndId: ids.endToEndId,
        TxSts: 'ACCC',
        // debtor agent, debtor agent, creditor agent: the three charge records of Tazama's samples
        ChrgsInf: [zero(debtorAgent), zero(debtorAgent), zero(creditorAgent)],
        AccptncDtTm: isoTime(t.occurredAt, t.transactionRef),
        // the creditor's agent reports the status to the debtor's
        InstgAgt: agent(creditorAgent),
        InstdAgt: agent(debtorAgent),
      },
    },
  };
}

export type Pacs008 = ReturnType<typeof toPacs008>;
export type Pacs002 = ReturnType<typeof toPacs002>;
