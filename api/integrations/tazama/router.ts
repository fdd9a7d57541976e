// The Tazama relay's REST destination: POST /relay receives each evaluation the relay-service
// pushes ({message, report, transaction, networkMap}, authenticated with the shared relay token)
// and signals the transaction's lifecycle; /relay/token and /relay/health are the two endpoints
// the relay calls before it pushes (AUTH_TOKEN_URL, AUTH_HEALTH_URL).
import { Router } from 'express';
import { loadTazamaConfig, type TazamaConfig } from '../../../config/tazama';
import type { ApiDeps } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRelayToken, tazamaHandlers } from './handlers';
import { relayLoginBody } from './schemas';

/** deps.config.tazama once the lead has folded Tazama into KingaConfig; the environment until then. */
function tazamaConfigOf(deps: ApiDeps): TazamaConfig {
  return (deps.config as { tazama?: TazamaConfig }).tazama ?? loadTazamaConfig(process.env);
}

export function tazamaRouter(deps: ApiDeps): Router {
  const tazama = tazamaConfigOf(deps);
  const handlers = tazamaHandlers(deps, tazama);
  const router = Router();
  router.get('/relay/health', handlers.health);
  router.post('/relay/token', validate({ body: relayLoginBody }), handlers.token);
  router.post('/relay', requireRelayToken(tazama), handlers.push);
  return router;
}
