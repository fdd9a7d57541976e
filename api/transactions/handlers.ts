import type { RequestHandler } from 'express';
import { requestIdOf, type ApiDeps } from '../context';
import { NotFoundError, UnauthorizedError } from '../errors';
import { answerInRealTime, type RealtimeResult } from './realtime';
import type { IngestRequest, RefParams, TransactionInput } from './schemas';
import { getTransaction, ingestTransactions, type IngestResult, type TransactionDetail } from './service';

export function transactionHandlers(deps: ApiDeps) {
  /** 202: recorded and handed to the workflows; the answer mirrors the request (one, or a batch). */
  const ingest: RequestHandler<Record<string, string>, IngestResult | { transactions: IngestResult[] }, IngestRequest> = async (req, res) => {
    const { batch, transactions } = req.body;
    const results = await ingestTransactions(
      { db: deps.db, temporal: deps.temporal, taskQueue: deps.config.temporal.interactiveTaskQueue, fx: deps.config.fx },
      transactions,
      { requestId: requestIdOf(req), batch },
    );
    req.log.info({ count: results.length, created: results.filter((r) => r.created).length }, 'transactions ingested');
    res.status(202).json(batch ? { transactions: results } : results[0]!);
  };

  const show: RequestHandler<RefParams, TransactionDetail> = async (req, res) => {
    if (!req.user) throw new UnauthorizedError();
    const detail = await getTransaction(deps.db, req.params.ref, req.user);
    if (!detail) throw new NotFoundError(`transaction ${req.params.ref} not found`);
    res.json(detail);
  };

  /** 200 with routing's answer, or 202 pending when the bound passed first. */
  const realtime: RequestHandler<Record<string, string>, Omit<RealtimeResult, 'answered'>, TransactionInput> = async (req, res) => {
    // a caller that hangs up (or a server closing its connections) ends the wait for routing
    const callerGone = new AbortController();
    res.once('close', () => !res.writableEnded && callerGone.abort());
    const { answered, ...body } = await answerInRealTime(
      { db: deps.db, temporal: deps.temporal, taskQueue: deps.config.temporal.interactiveTaskQueue, boundMs: deps.config.api.realtimeBoundMs, fx: deps.config.fx },
      req.body,
      requestIdOf(req),
      callerGone.signal,
    );
    req.log.info({ transactionRef: body.transactionRef, status: body.status, elapsedMs: body.elapsedMs }, 'real-time answer');
    res.status(answered ? 200 : 202).json(body);
  };

  return { ingest, show, realtime };
}
