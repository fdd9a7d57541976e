import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db/connection';
import type { KingaConfig } from '../config';

/** Everything activities need, injected once by the worker (and by tests). */
export interface ActivityDeps {
  db: Db;
  config: KingaConfig;
  logger: Logger;
  /** Needed by extraction, which starts lifecycle workflows. */
  temporal?: Client;
  /** Warehouse connection; defaults to `db` (the local transaction_history table). */
  warehouse?: Db;
}
