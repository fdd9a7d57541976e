// Judging a figure against its limit, exactly. Every model states its figures as exact ratios
// (or cents over 1) and its limits as decimal strings, and this decides the status.
import { compareRatio, formatRatio, type Ratio } from './decimal';
import type { BreachSide, Limit, MetricDetails, MetricStatus, PortfolioMetric, PortfolioModel } from './types';

export function judge(value: Ratio, limit: Limit, side: BreachSide): MetricStatus {
  if (side === 'above') {
    if (compareRatio(value, limit.critical) > 0) return 'CRITICAL';
    return compareRatio(value, limit.threshold) > 0 ? 'WARNING' : 'OK';
  }
  if (compareRatio(value, limit.critical) < 0) return 'CRITICAL';
  return compareRatio(value, limit.threshold) < 0 ? 'WARNING' : 'OK';
}

export interface MetricSpec {
  model: PortfolioModel;
  metric: string;
  scope: string;
  value: Ratio;
  /** decimals of the stored value: 2 for KES, 6 for ratios, 4 for scores */
  places: number;
  limit: Limit | null;
  side: BreachSide;
  details: { unit: MetricDetails['unit']; description: string; [key: string]: unknown };
}

export function metric(spec: MetricSpec): PortfolioMetric {
  return {
    model: spec.model,
    metric: spec.metric,
    scope: spec.scope,
    value: formatRatio(spec.value, spec.places),
    threshold: spec.limit?.threshold ?? null,
    status: spec.limit ? judge(spec.value, spec.limit, spec.side) : 'OK',
    details: { ...spec.details, breachWhen: spec.limit ? spec.side : null, critical: spec.limit?.critical ?? null },
  };
}
