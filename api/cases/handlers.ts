import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { LifecycleState } from '../../workflows/lifecycle/definitions';
import { requestIdOf, type ApiDeps } from '../context';
import { NotFoundError, UnauthorizedError } from '../errors';
import type { CaseParams, DecisionBody, DecisionStatusParams } from './schemas';
import { decisionStatus, getCase, submitDecision, type CaseDetail, type DecisionStatus } from './service';

export type DecisionAnswer =
  | { status: 'applied'; requestId: string; state: LifecycleState }
  | { status: 'pending'; requestId: string; caseId: number; followUrl: string };

export function caseHandlers(deps: ApiDeps) {
  const show: RequestHandler<CaseParams, CaseDetail> = async (req, res) => {
    if (!req.user) throw new UnauthorizedError();
    const detail = await getCase(deps.db, deps.config, req.params.id, req.user);
    if (!detail) throw new NotFoundError(`case ${req.params.id} not found`);
    res.json(detail);
  };

  /** 200 applied; 202 not confirmed within DECISION_WAIT (follow the Location); 4xx refused; 503 Temporal unreachable. */
  const decide: RequestHandler<CaseParams, DecisionAnswer, DecisionBody> = async (req, res) => {
    const user = req.user;
    if (!user) throw new UnauthorizedError();
    const requestId = requestIdOf(req) ?? randomUUID();
    const caseId = req.params.id;
    const outcome = await submitDecision(deps, caseId, req.body, { username: user.username, role: user.role }, requestId, deps.config.api.decisionWaitMs);
    if (outcome.status === 'applied') {
      req.log.info({ caseId, decision: req.body.decision }, 'decision applied');
      res.json({ status: 'applied', requestId, state: outcome.state });
      return;
    }
    const followUrl = `${req.baseUrl}/${caseId}/decisions/${encodeURIComponent(requestId)}`;
    req.log.warn({ caseId, decision: req.body.decision, waitMs: deps.config.api.decisionWaitMs }, 'decision not confirmed in time: pending');
    res.status(202).location(followUrl).json({ status: 'pending', requestId, caseId, followUrl });
  };

  const decisionState: RequestHandler<DecisionStatusParams, DecisionStatus> = async (req, res) => {
    res.json(await decisionStatus(deps, req.params.id, req.params.requestId));
  };

  return { show, decide, decisionState };
}
