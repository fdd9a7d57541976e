// The transactions behind a cell of the level-change matrix, the same for a backtest (re-scored
// rows in backtest_results) and a shadow run (its recorded shadow results): one query, one answer,
// one filter rule — so a cell opens the same way on either page.
import type { Knex } from 'knex';
import { z } from 'zod';
import { RISK_LEVELS, type RiskLevel } from '../../risk/types';

const level = z.enum(RISK_LEVELS);

export const cellQuery = z.object({
  live: level.optional(),
  candidate: level.optional(),
  changedOnly: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(5000, 'must be at most 5000').default(500),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must be at least 0').default(0),
});
export type CellQuery = z.output<typeof cellQuery>;

export const cellTransactionView = z
  .object({
    transactionRef: z.string(),
    occurredAt: z.string(),
    liveLevel: level,
    candidateLevel: level.describe("the candidate's (a shadow run's: the shadow) level"),
    livePoints: z.number(),
    candidatePoints: z.number(),
    label: z.enum(['fraud', 'legitimate']).nullable(),
    liveHits: z.array(z.string()),
    candidateHits: z.array(z.string()),
  })
  .meta({ id: 'CellTransaction' });
export type CellTransaction = z.infer<typeof cellTransactionView>;

export const cellPageView = z.object({ total: z.number(), transactions: z.array(cellTransactionView) });

export const CELL_SUMMARY = 'The transactions behind the matrix: filter by live and candidate level (default: those that change level)';

/**
 * The rule both kinds of list follow: the levels asked for; without both levels named, only the
 * transactions that change level (unless changedOnly=false).
 */
function cellRule(q: CellQuery): { live?: RiskLevel; candidate?: RiskLevel; changedOnly: boolean } {
  return { live: q.live, candidate: q.candidate, changedOnly: q.changedOnly && !(q.live && q.candidate) };
}

/** The rule on a table with live_level / candidate_level columns (backtest_results). */
export function whereInCell<T extends Knex.QueryBuilder>(query: T, q: CellQuery): T {
  const rule = cellRule(q);
  if (rule.live) query.andWhere({ live_level: rule.live });
  if (rule.candidate) query.andWhere({ candidate_level: rule.candidate });
  if (rule.changedOnly) query.andWhereRaw('live_level <> candidate_level');
  return query;
}

/** The rule on rows compared in memory (a shadow run's levels are weighed when read), and the page asked for. */
export function pageOfCell(rows: CellTransaction[], q: CellQuery): { total: number; transactions: CellTransaction[] } {
  const rule = cellRule(q);
  const inCell = rows.filter(
    (r) => (!rule.live || r.liveLevel === rule.live) && (!rule.candidate || r.candidateLevel === rule.candidate) && (!rule.changedOnly || r.liveLevel !== r.candidateLevel),
  );
  return { total: inCell.length, transactions: inCell.slice(q.offset, q.offset + q.limit) };
}
