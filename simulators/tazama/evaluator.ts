// The stand-in's fraud evaluation, in Tazama's result shape and built the way Tazama builds it:
// rules that measure one thing about the debtor's own behaviour and land in a band, typologies
// that weigh the bands against an alert and an interdiction threshold, and the event-flow rule
// (EFRuP) that blocks whatever the score when a block condition is set on a party. The rules are
// modelled on Tazama's published ones; the ids say "sim" so nobody mistakes them for the real ones.
//
//   typology sim-201@1.0.0 "debtor velocity"                      alert ≥ 200, interdiction ≥ 400
//     rule sim-901@1.0.0  the debtor's transactions in the hour up to this one (like Tazama's 901,
//                         "number of outgoing transactions – debtor", on an hour instead of a day)
//                         .01 < 5 (w 0) · .02 5–9 (w 200) · .03 ≥ 10 (w 400)
//   typology sim-202@1.0.0 "large transfer to a new creditor"     alert ≥ 300, interdiction ≥ 500
//     rule sim-018@1.0.0  the amount against the debtor's largest of the last 30 days (like
//                         Tazama's 018, "exceptionally large outgoing transfer – debtor")
//                         .x01 fewer than 3 earlier payments (w 0) · .01 < 2× (w 0) · .02 2–5× (w 100) · .03 ≥ 5× (w 200)
//     rule sim-new-creditor@1.0.0  .01 paid before (w 0) · .02 the debtor's first payment to this creditor (w 100)
//   typology sim-203@1.0.0 "listed debtor"                        alert ≥ 200, interdiction ≥ 400
//     rule sim-watchlist@1.0.0  .01 not listed (w 0) · .02 on the watch list (w 200) · .03 sanctioned (w 400)
//   every typology carries the event-flow rule EFRuP@4.0.0: "none", or "block" for a blocked debtor.
//
// A large amount alone alerts nothing (Tazama has no such rule): the bank's own rules decide it.
// Status is ALRT when any typology is marked for review (event-adjudicator); a typology at its
// interdiction threshold, unless the event-flow rule blocks or overrides, is also sent on as an
// interdiction (typology-processor), and a block as the event-flow rule's own interdiction.
import { randomUUID } from 'node:crypto';

export interface EvaluatorOptions {
  /** debtor entity ids on the watch list: an ALRT, no interdiction */
  alertDebtorIds: string[];
  /** sanctioned debtor ids: the typology reaches its interdiction threshold */
  interdictDebtorIds: string[];
  /** debtor ids with a block condition: the event-flow rule blocks them */
  blockDebtorIds: string[];
}

interface Pacs008Like {
  FIToFICstmrCdtTrf: {
    GrpHdr: { CreDtTm: string };
    CdtTrfTxInf: {
      InstdAmt: { Amt: { Amt: number; Ccy: string } };
      IntrBkSttlmAmt: { Amt: { Amt: number; Ccy: string } };
      XchgRate?: string;
      Dbtr: { Id: { PrvtId: { Othr: { Id: string; SchmeNm: { Prtry: string } }[] } } };
      DbtrAcct: { Id: { Othr: { Id: string; SchmeNm: { Prtry: string } }[] } };
      DbtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: string } } };
      Cdtr: { Id: { PrvtId: { Othr: { Id: string; SchmeNm: { Prtry: string } }[] } } };
      CdtrAcct: { Id: { Othr: { Id: string; SchmeNm: { Prtry: string } }[] } };
      CdtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: string } } };
    };
  };
}

interface Pacs002Like {
  FIToFIPmtSts: { GrpHdr: { MsgId: string } };
}

const EFRUP = 'EFRuP@4.0.0';
const PROCESSOR = 'typology-processor@1.0.0';
const HOUR = 3_600_000;
const MONTH = 30 * 24 * HOUR;

/** Tazama's default network map shape, reduced to the stand-in's typologies. */
export const SIM_NETWORK_MAP = {
  active: true,
  cfg: '1.0.0',
  messages: [
    {
      id: '004@1.0.0',
      cfg: '1.0.0',
      txTp: 'pacs.002.001.12',
      typologies: [
        { id: PROCESSOR, cfg: 'sim-201@1.0.0', rules: [{ id: EFRUP, cfg: 'none' }, { id: 'sim-901@1.0.0', cfg: '1.0.0' }] },
        { id: PROCESSOR, cfg: 'sim-202@1.0.0', rules: [{ id: EFRUP, cfg: 'none' }, { id: 'sim-018@1.0.0', cfg: '1.0.0' }, { id: 'sim-new-creditor@1.0.0', cfg: '1.0.0' }] },
        { id: PROCESSOR, cfg: 'sim-203@1.0.0', rules: [{ id: EFRUP, cfg: 'none' }, { id: 'sim-watchlist@1.0.0', cfg: '1.0.0' }] },
      ],
    },
  ],
};

interface RuleResult {
  id: string;
  cfg: string;
  subRuleRef: string;
  indpdntVarbl?: number;
  wght: number;
  reason?: string;
  prcgTm: number;
  tenantId: string;
}

/** One earlier payment of a debtor, as the stand-in remembers it (Tazama keeps raw history). */
interface Payment {
  at: number;
  amount: number;
  creditorAcctId: string;
}

function band(id: string, subRuleRef: string, wght: number, value: number, reason: string, tenantId: string): RuleResult {
  return { id, cfg: '1.0.0', subRuleRef, indpdntVarbl: value, wght, reason, prcgTm: 1000, tenantId };
}

function typology(cfg: string, rules: RuleResult[], alertThreshold: number, interdictionThreshold: number, tenantId: string) {
  const result = rules.reduce((sum, r) => sum + r.wght, 0);
  const blocked = rules.some((r) => r.id === EFRUP && r.subRuleRef === 'block');
  return {
    id: PROCESSOR,
    cfg,
    result,
    // the typology processor marks a blocked typology for review whatever its score
    review: result >= alertThreshold || blocked,
    prcgTm: 2000,
    tenantId,
    workflow: { alertThreshold, interdictionThreshold, flowProcessor: EFRUP },
    ruleResults: rules,
  };
}

export type TypologyResult = ReturnType<typeof typology>;

/** The ids Tazama keys parties by (tms-service parseDataCache): entity id + scheme, account id + scheme + agent. */
function dataCacheOf(pacs008: Pacs008Like) {
  const tx = pacs008.FIToFICstmrCdtTrf.CdtTrfTxInf;
  const [dbtr] = tx.Dbtr.Id.PrvtId.Othr;
  const [cdtr] = tx.Cdtr.Id.PrvtId.Othr;
  const [dbtrAcct] = tx.DbtrAcct.Id.Othr;
  const [cdtrAcct] = tx.CdtrAcct.Id.Othr;
  return {
    dbtrId: `${dbtr?.Id ?? ''}${dbtr?.SchmeNm.Prtry ?? ''}`,
    cdtrId: `${cdtr?.Id ?? ''}${cdtr?.SchmeNm.Prtry ?? ''}`,
    dbtrAcctId: `${dbtrAcct?.Id ?? ''}${dbtrAcct?.SchmeNm.Prtry ?? ''}${tx.DbtrAgt.FinInstnId.ClrSysMmbId.MmbId}`,
    cdtrAcctId: `${cdtrAcct?.Id ?? ''}${cdtrAcct?.SchmeNm.Prtry ?? ''}${tx.CdtrAgt.FinInstnId.ClrSysMmbId.MmbId}`,
    instdAmt: { amt: tx.InstdAmt.Amt.Amt, ccy: tx.InstdAmt.Amt.Ccy },
    intrBkSttlmAmt: { amt: tx.IntrBkSttlmAmt.Amt.Amt, ccy: tx.IntrBkSttlmAmt.Amt.Ccy },
    xchgRate: Number(tx.XchgRate ?? 1),
    creDtTm: pacs008.FIToFICstmrCdtTrf.GrpHdr.CreDtTm,
  };
}

/** The stand-in's rules with their memory of each debtor's payments, per tenant. */
export function createEvaluator(options: EvaluatorOptions) {
  const history = new Map<string, Payment[]>();

  /** The stored evaluation row (transactionID, transaction, networkMap, report, dataCache) for one pair. */
  function evaluate(pacs008: Pacs008Like | undefined, pacs002: Pacs002Like & Record<string, unknown>, tenantId: string) {
    const flow = (blocked: boolean): RuleResult =>
      blocked
        ? { id: EFRUP, cfg: 'none', subRuleRef: 'block', wght: 0, reason: 'An entity or account block condition is in effect', prcgTm: 500, tenantId }
        : { id: EFRUP, cfg: 'none', subRuleRef: 'none', wght: 0, reason: 'No entity or account condition in effect', prcgTm: 500, tenantId };
    let typologyResult: TypologyResult[];
    let dataCache: ReturnType<typeof dataCacheOf> | Record<string, never>;

    if (!pacs008) {
      // An orphan pacs.002: the TMS answered 200 and sent it on without a data cache; every rule
      // exits with its error band and nothing alerts.
      const err = (id: string) => ({ id, cfg: '1.0.0', subRuleRef: '.err', wght: 0, reason: 'No data cache: no pacs.008 was received for this EndToEndId', prcgTm: 100, tenantId });
      typologyResult = [
        typology('sim-201@1.0.0', [flow(false), err('sim-901@1.0.0')], 200, 400, tenantId),
        typology('sim-202@1.0.0', [flow(false), err('sim-018@1.0.0'), err('sim-new-creditor@1.0.0')], 300, 500, tenantId),
        typology('sim-203@1.0.0', [flow(false), err('sim-watchlist@1.0.0')], 200, 400, tenantId),
      ];
      dataCache = {};
    } else {
      const cache = dataCacheOf(pacs008);
      dataCache = cache;
      const debtorEntity = pacs008.FIToFICstmrCdtTrf.CdtTrfTxInf.Dbtr.Id.PrvtId.Othr[0]?.Id ?? '';
      const at = Date.parse(cache.creDtTm);
      const amount = cache.instdAmt.amt;
      const key = `${tenantId}\u0000${cache.dbtrId}`;
      const earlier = (history.get(key) ?? []).filter((p) => p.at <= at && at - p.at <= MONTH);

      const inHour = earlier.filter((p) => at - p.at < HOUR).length + 1;
      const velocity =
        inHour >= 10
          ? band('sim-901@1.0.0', '.03', 400, inHour, `The debtor has performed ${inHour} transactions in the last hour (10 or more)`, tenantId)
          : inHour >= 5
            ? band('sim-901@1.0.0', '.02', 200, inHour, `The debtor has performed ${inHour} transactions in the last hour (5 to 9)`, tenantId)
            : band('sim-901@1.0.0', '.01', 0, inHour, `The debtor has performed ${inHour} transaction(s) in the last hour`, tenantId);

      let large: RuleResult;
      if (earlier.length < 3) {
        large = band('sim-018@1.0.0', '.x01', 0, earlier.length, 'Insufficient history: fewer than 3 earlier payments by the debtor', tenantId);
      } else {
        const largest = Math.max(...earlier.map((p) => p.amount));
        const ratio = largest > 0 ? Math.round((amount / largest) * 100) / 100 : amount > 0 ? 999 : 0;
        large =
          ratio >= 5
            ? band('sim-018@1.0.0', '.03', 200, ratio, `The amount is ${ratio} times the debtor's largest payment of the last 30 days (5 or more)`, tenantId)
            : ratio >= 2
              ? band('sim-018@1.0.0', '.02', 100, ratio, `The amount is ${ratio} times the debtor's largest payment of the last 30 days (2 to 5)`, tenantId)
              : band('sim-018@1.0.0', '.01', 0, ratio, `The amount is ${ratio} times the debtor's largest payment of the last 30 days`, tenantId);
      }
      const paidBefore = earlier.some((p) => p.creditorAcctId === cache.cdtrAcctId);
      const newCreditor = paidBefore
        ? band('sim-new-creditor@1.0.0', '.01', 0, 0, 'The debtor has paid this creditor account before', tenantId)
        : band('sim-new-creditor@1.0.0', '.02', 100, 1, "The debtor's first payment to this creditor account", tenantId);

      const watch = options.interdictDebtorIds.includes(debtorEntity)
        ? band('sim-watchlist@1.0.0', '.03', 400, 2, 'The debtor is on the sanctions list', tenantId)
        : options.alertDebtorIds.includes(debtorEntity)
          ? band('sim-watchlist@1.0.0', '.02', 200, 1, 'The debtor is on the watch list', tenantId)
          : band('sim-watchlist@1.0.0', '.01', 0, 0, 'The debtor is not listed', tenantId);
      const blocked = options.blockDebtorIds.includes(debtorEntity);

      typologyResult = [
        typology('sim-201@1.0.0', [flow(blocked), velocity], 200, 400, tenantId),
        typology('sim-202@1.0.0', [flow(blocked), large, newCreditor], 300, 500, tenantId),
        typology('sim-203@1.0.0', [flow(blocked), watch], 200, 400, tenantId),
      ];
      const kept = [...(history.get(key) ?? []), { at, amount, creditorAcctId: cache.cdtrAcctId }].filter((p) => at - p.at <= MONTH).slice(-500);
      history.set(key, kept);
    }

    const status = typologyResult.some((t) => t.review) ? 'ALRT' : 'NALT';
    const report = {
      evaluationID: randomUUID(),
      metaData: { prcgTmDP: 150_000, prcgTmED: 70_000 },
      status,
      timestamp: new Date().toISOString(),
      tadpResult: { id: '004@1.0.0', cfg: '1.0.0', prcgTm: 1_500_000, typologyResult },
    };
    return {
      transactionID: pacs002.FIToFIPmtSts.GrpHdr.MsgId,
      transaction: { ...pacs002, TenantId: tenantId },
      networkMap: SIM_NETWORK_MAP,
      report,
      dataCache,
    };
  }

  return { evaluate };
}

export type EvaluationRow = ReturnType<ReturnType<typeof createEvaluator>['evaluate']>;

/** The event-flow rule's result when it blocks this evaluation's debtor, else null. */
export function eventFlowBlockOf(row: EvaluationRow): RuleResult | null {
  for (const t of row.report.tadpResult.typologyResult) {
    const r = t.ruleResults.find((x) => x.id === EFRUP && x.subRuleRef === 'block');
    if (r) return r;
  }
  return null;
}

/** The typologies the typology processor sends on as interdictions: at the threshold, not blocked or overridden. */
export function interdictingTypologies(row: EvaluationRow): TypologyResult[] {
  return row.report.tadpResult.typologyResult.filter((t) => {
    const flow = t.ruleResults.find((x) => x.id === EFRUP)?.subRuleRef;
    return t.result >= t.workflow.interdictionThreshold && flow !== 'block' && flow !== 'override';
  });
}
