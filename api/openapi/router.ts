import { Router } from 'express';
import { openApiDocument } from './document';

/** GET /api/openapi.json: public, like any API description; it names no secret. */
export function openApiRouter(): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  return router;
}
