import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { TazamaConfig } from '../../../config/tazama';
import { parseTazamaEvaluation, TazamaShapeError } from '../../../risk/tazama';
import type { ApiDeps } from '../../context';
import { BadRequestError, UnauthorizedError } from '../../errors';
import { parseOrThrow } from '../../middleware/validate';
import { decodeFrmsMessage } from './protobuf';
import { relayPushBody, type RelayLoginBody } from './schemas';
import { deliverEvaluation, type RelayDelivery } from './service';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer <TAZAMA_RELAY_TOKEN>`; with no token configured every push is refused. */
export function requireRelayToken(tazama: TazamaConfig): RequestHandler {
  return (req, _res, next) => {
    if (!tazama.relayToken) throw new UnauthorizedError('the Tazama relay push is not configured (TAZAMA_RELAY_TOKEN is not set)');
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match || !sameSecret(match[1]!, tazama.relayToken)) throw new UnauthorizedError('a valid relay token is required (Authorization: Bearer <token>)');
    next();
  };
}

export function tazamaHandlers(deps: ApiDeps, tazama: TazamaConfig) {
  /**
   * The relay-service's REST plugin first POSTs {username, password} to its AUTH_TOKEN_URL and
   * uses the response body as its bearer token: with the relay token as password, it gets it back.
   */
  const token: RequestHandler<Record<string, string>, string, RelayLoginBody> = (req, res) => {
    if (!tazama.relayToken || !sameSecret(req.body.password, tazama.relayToken)) throw new UnauthorizedError('wrong relay credentials');
    res.type('text/plain').send(tazama.relayToken);
  };

  /** The relay's AUTH_HEALTH_URL: it must answer 200 before the relay starts. */
  const health: RequestHandler = (_req, res) => {
    res.json({ status: 'UP' });
  };

  const push: RequestHandler<Record<string, string>, RelayDelivery, unknown> = async (req, res) => {
    let body = req.body;
    // Anything but JSON is read as the relay's protobuf (its default, OUTPUT_TO_JSON unset): the
    // REST plugin posts those bytes without a content type of their own.
    if (Buffer.isBuffer(body)) {
      if (body.length === 0) throw new BadRequestError('body: is empty (expected a Tazama message, as JSON or as protobuf)', 'body');
      try {
        body = decodeFrmsMessage(body);
      } catch (err) {
        throw new BadRequestError(`body: neither JSON nor Tazama's protobuf FRMSMessage (${(err as Error).message})`, 'body');
      }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestError('body: must be a Tazama message: the relay\'s {report, transaction, networkMap} or an interdiction {typologyResult | ruleResult, transaction}', 'body');
    }
    const { transaction } = parseOrThrow(relayPushBody, body, 'body');
    let evaluation;
    try {
      evaluation = parseTazamaEvaluation(body);
    } catch (err) {
      if (err instanceof TazamaShapeError) throw new BadRequestError(err.message, err.path);
      throw err;
    }
    const msgId = transaction.FIToFIPmtSts.GrpHdr.MsgId;
    const delivery = await deliverEvaluation(deps, msgId, evaluation);
    req.log?.info({ transactionRef: delivery.transactionRef, msgId, status: evaluation.status, source: evaluation.source ?? 'report', signalled: delivery.signalled }, 'Tazama evaluation pushed');
    res.status(202).json(delivery);
  };

  return { token, health, push };
}
