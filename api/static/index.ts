// In production the API serves the built UI (ui/dist) on its own port: hashed assets with a long
// cache, index.html for every other GET that accepts HTML (history-mode routes such as /cases/12),
// and never for /api, so an unknown API path stays a JSON 404.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type RequestHandler } from 'express';
import type { KingaConfig } from '../../config';

export const DEFAULT_UI_DIST = fileURLToPath(new URL('../../ui/dist', import.meta.url));

export interface UiServing {
  enabled: boolean;
  distDir: string;
  /** why it is (not) served, for the start-up log */
  reason: string;
}

/**
 * Served when KINGA_SERVE_UI is not "false" and either NODE_ENV=production or a build exists.
 * KINGA_UI_DIST points at another build.
 */
export function resolveUiServing(config: { env: KingaConfig['env']; api: Pick<KingaConfig['api'], 'serveUi' | 'uiDist'> }): UiServing {
  const distDir = path.resolve(config.api.uiDist || DEFAULT_UI_DIST);
  if (!config.api.serveUi) return { enabled: false, distDir, reason: 'KINGA_SERVE_UI is false' };
  const built = fs.existsSync(path.join(distDir, 'index.html'));
  if (config.env === 'production') {
    return built ? { enabled: true, distDir, reason: 'production' } : { enabled: false, distDir, reason: `production, but ${distDir}/index.html is missing (npm run ui:build)` };
  }
  return built ? { enabled: true, distDir, reason: `${distDir} exists` } : { enabled: false, distDir, reason: `no build in ${distDir} (the Vite dev server serves the UI)` };
}

const NOT_UI = /^\/(?:api|healthz|readyz|metrics)(?:\/|$)/;

/** Browsers navigating ask for text/html by name; API clients (curl's * / *, fetch) get the JSON 404. */
function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /(?:^|,)\s*text\/html\b/i.test(accept);
}

export function uiRouter(serving: Pick<UiServing, 'enabled' | 'distDir'>): Router {
  const router = Router();
  if (!serving.enabled) return router;
  const indexFile = path.join(serving.distDir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(serving.distDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
  );
  router.use(express.static(serving.distDir, { index: false, maxAge: '1h' }));
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_UI.test(req.path) || req.path.startsWith('/assets/') || !wantsHtml(req.get('accept'))) {
      next();
      return;
    }
    // index.html names the current asset hashes: never cache it
    res.set('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  };
  router.use(fallback);
  return router;
}
