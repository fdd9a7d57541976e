import type { RequestHandler } from 'express';
import type { LifecycleState } from '../../workflows/lifecycle/definitions';
import { requestIdOf, type ApiDeps } from '../context';
import { NotFoundError, UnauthorizedError } from '../errors';
import type { CaseParams, DecisionBody, ListCasesQuery } from './schemas';
import { decideCase, getCase, listCases, type CaseDetail, type CasePage } from './service';

export function caseHandlers(deps: ApiDeps) {
  const list: RequestHandler<Record<string, string>, CasePage, unknown, ListCasesQuery> = async (req, res) => {
    res.json(await listCases(deps.db, req.query));
  };

  const show: RequestHandler<CaseParams, CaseDetail> = async (req, res) => {
    const detail = await getCase(deps.db, deps.config, req.params.id);
    if (!detail) throw new NotFoundError(`case ${req.params.id} not found`);
    res.json(detail);
  };

  const decide: RequestHandler<CaseParams, { state: LifecycleState }, DecisionBody> = async (req, res) => {
    const user = req.user;
    if (!user) throw new UnauthorizedError();
    const state = await decideCase(deps, req.params.id, req.body, { username: user.username, role: user.role }, requestIdOf(req));
    req.log.info({ caseId: req.params.id, decision: req.body.decision }, 'decision accepted');
    res.json({ state });
  };

  return { list, show, decide };
}
