// What every feature of the API is built from, and what a request carries once it passed auth.
import type { IncomingMessage } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { KingaConfig } from '../config';
import type { Role } from '../workflows/lifecycle/definitions';

export interface ApiDeps {
  db: Knex;
  temporal: Client;
  config: KingaConfig;
  logger: Logger;
  jwtSecret: string;
}

/** The signed-in user, as loaded from the users table for this request. */
export interface AuthUser {
  username: string;
  displayName: string;
  role: Role;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** set by requireAuth */
      user?: AuthUser;
    }
  }
}

/** What an incoming X-Request-Id must look like to be honoured (it cannot smuggle anything into logs or URLs). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id pino-http assigned (an incoming X-Request-Id, or a fresh UUID). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return typeof req.id === 'string' ? req.id : undefined;
}
