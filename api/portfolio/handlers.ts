import type { RequestHandler } from 'express';
import { requestIdOf, type ApiDeps } from '../context';
import { UnauthorizedError } from '../errors';
import { parseOrThrow } from '../middleware/validate';
import { portfolioRunBody, type PortfolioRunParams } from './schemas';
import { getPortfolioRun, startPortfolioRun, type PortfolioRunStarted, type PortfolioRunView } from './service';

export function portfolioRunHandlers(deps: ApiDeps) {
  const start: RequestHandler<Record<string, string>, PortfolioRunStarted> = async (req, res) => {
    const user = req.user;
    if (!user) throw new UnauthorizedError();
    // no body (or no JSON content type) means "run for now"; validate() would call it missing
    const body = parseOrThrow(portfolioRunBody, req.body ?? {}, 'body');
    const started = await startPortfolioRun(deps, body.asOf ? { asOf: body.asOf } : {}, { username: user.username, requestId: requestIdOf(req) });
    req.log.info({ workflowId: started.workflowId, asOf: body.asOf ?? null }, 'portfolio run started');
    res.status(202).location(`${req.baseUrl}/${encodeURIComponent(started.workflowId)}`).json(started);
  };

  const show: RequestHandler<PortfolioRunParams, PortfolioRunView> = async (req, res) => {
    res.json(await getPortfolioRun(deps, req.params.workflowId));
  };

  return { start, show };
}
