// The stand-in's fraud evaluation: a few simple, documented typologies in Tazama's result shape,
// so Kinga meets ALRT and NALT, thresholds, bands and weights exactly as Tazama reports them.
// These are NOT Tazama's rules; ids say "sim" so nobody mistakes them for the real ones.
//
//   typology sim-101@1.0.0 "large or cross-border payment"  alert ≥ 200, interdiction ≥ 400
//     rule sim-high-amount@1.0.0       .01 below highAmount (w 0) · .02 at or above (w 200)
//     rule sim-foreign-creditor@1.0.0  .01 creditor in the home country or unknown (w 0)
//                                      .02 creditor abroad (w 200)
//   typology sim-102@1.0.0 "watch-listed debtor"             alert ≥ 400, interdiction ≥ 400
//     rule sim-watchlist-debtor@1.0.0  .01 not listed (w 0) · .02 listed (w 400)
//   both typologies also carry Tazama's event-flow rule EFRuP@1.0.0 (band "none", weight 0).
//
// Status is ALRT when any typology's score reaches its alert threshold (as event-adjudicator does).
import { randomUUID } from 'node:crypto';

export interface EvaluatorOptions {
  /** KES at or above which the high-amount rule fires (default 1,000,000) */
  highAmount: number;
  /** the home country; a creditor elsewhere (and not "ZZ", unknown) is foreign (default KE) */
  homeCountry: string;
  /** debtor entity ids that always alert */
  alertDebtorIds: string[];
}

interface Pacs008Like {
  FIToFICstmrCdtTrf: {
    GrpHdr: { CreDtTm: string };
    CdtTrfTxInf: {
      InstdAmt: { Amt: { Amt: number; Ccy: string } };
      IntrBkSttlmAmt: { Amt: { Amt: number; Ccy: string } };
      XchgRate?: string;
      Dbtr: { Id: { PrvtId: { Othr: { Id: string }[] } } };
      DbtrAcct: { Id: { Othr: { Id: string }[] } };
      Cdtr: { Id: { PrvtId: { Othr: { Id: string }[]; DtAndPlcOfBirth: { CtryOfBirth: string } } } };
      CdtrAcct: { Id: { Othr: { Id: string }[] } };
    };
  };
}

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
        {
          id: 'typology-processor@1.0.0',
          cfg: 'sim-101@1.0.0',
          rules: [
            { id: 'EFRuP@1.0.0', cfg: 'none' },
            { id: 'sim-high-amount@1.0.0', cfg: '1.0.0' },
            { id: 'sim-foreign-creditor@1.0.0', cfg: '1.0.0' },
          ],
        },
        {
          id: 'typology-processor@1.0.0',
          cfg: 'sim-102@1.0.0',
          rules: [
            { id: 'EFRuP@1.0.0', cfg: 'none' },
            { id: 'sim-watchlist-debtor@1.0.0', cfg: '1.0.0' },
          ],
        },
      ],
    },
  ],
};

function rule(id: string, hit: boolean, weight: number, value: number, reason: string, tenantId: string) {
  return { id, cfg: '1.0.0', subRuleRef: hit ? '.02' : '.01', indpdntVarbl: value, wght: hit ? weight : 0, reason, prcgTm: 1000, tenantId };
}

function flowRule(tenantId: string) {
  return { id: 'EFRuP@1.0.0', cfg: 'none', subRuleRef: 'none', wght: 0, prcgTm: 500, tenantId };
}

function typology(cfg: string, rules: { wght: number }[], alertThreshold: number, interdictionThreshold: number, tenantId: string) {
  const result = rules.reduce((sum, r) => sum + r.wght, 0);
  return {
    id: 'typology-processor@1.0.0',
    cfg,
    result,
    review: result >= alertThreshold,
    prcgTm: 2000,
    tenantId,
    workflow: { alertThreshold, interdictionThreshold, flowProcessor: 'EFRuP@1.0.0' },
    ruleResults: rules,
  };
}

/** The stored evaluation row (transactionID, transaction, networkMap, report, dataCache) for one pair. */
export function evaluate(pacs008: Pacs008Like, pacs002: { FIToFIPmtSts: { GrpHdr: { MsgId: string } } }, tenantId: string, options: EvaluatorOptions) {
  const tx = pacs008.FIToFICstmrCdtTrf.CdtTrfTxInf;
  const amount = tx.InstdAmt.Amt.Amt;
  const debtorId = tx.Dbtr.Id.PrvtId.Othr[0]?.Id ?? '';
  const creditorCountry = tx.Cdtr.Id.PrvtId.DtAndPlcOfBirth.CtryOfBirth.toUpperCase();
  const foreign = creditorCountry !== options.homeCountry.toUpperCase() && creditorCountry !== 'ZZ';
  const listed = options.alertDebtorIds.includes(debtorId);

  const t101 = typology(
    'sim-101@1.0.0',
    [
      flowRule(tenantId),
      rule('sim-high-amount@1.0.0', amount >= options.highAmount, 200, amount, `amount ${amount} ${tx.InstdAmt.Amt.Ccy} against ${options.highAmount}`, tenantId),
      rule('sim-foreign-creditor@1.0.0', foreign, 200, foreign ? 1 : 0, `creditor country ${creditorCountry}`, tenantId),
    ],
    200,
    400,
    tenantId,
  );
  const t102 = typology(
    'sim-102@1.0.0',
    [flowRule(tenantId), rule('sim-watchlist-debtor@1.0.0', listed, 400, listed ? 1 : 0, listed ? 'debtor is on the watch list' : 'debtor is not listed', tenantId)],
    400,
    400,
    tenantId,
  );
  const typologyResult = [t101, t102];
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
    transaction: pacs002,
    networkMap: SIM_NETWORK_MAP,
    report,
    dataCache: {
      dbtrId: debtorId,
      cdtrId: tx.Cdtr.Id.PrvtId.Othr[0]?.Id ?? '',
      dbtrAcctId: tx.DbtrAcct.Id.Othr[0]?.Id ?? '',
      cdtrAcctId: tx.CdtrAcct.Id.Othr[0]?.Id ?? '',
      instdAmt: { amt: amount, ccy: tx.InstdAmt.Amt.Ccy },
      intrBkSttlmAmt: { amt: tx.IntrBkSttlmAmt.Amt.Amt, ccy: tx.IntrBkSttlmAmt.Amt.Ccy },
      xchgRate: Number(tx.XchgRate ?? 1),
      creDtTm: pacs008.FIToFICstmrCdtTrf.GrpHdr.CreDtTm,
    },
  };
}

export type EvaluationRow = ReturnType<typeof evaluate>;
