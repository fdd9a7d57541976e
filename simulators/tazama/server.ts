// A local stand-in for the part of Tazama that Kinga uses, on one port:
//   TMS            POST /v1/evaluate/iso20022/pacs.008.001.10 · POST /v1/evaluate/iso20022/pacs.002.001.12
//                  GET / and /health → {"status":"UP"}
//   auth-service   POST /v1/auth/login {username,password} → 200 with the JWT as the body (only with auth on)
//   admin-service  GET /v1/admin/reports/getreportbymsgid?msgid=<pacs.002 MsgId> → 200 report / 204 not yet
//   relay          after the evaluation, POSTs what Tazama's relay-services forward to a relay URL:
//                  the event-flow and typology interdictions, then {message, report, transaction,
//                  networkMap}; as protobuf (FRMSMessage, the relay's default) or JSON
//                  (OUTPUT_TO_JSON=true); once each, without retrying, as the relay does
//   fault knob     GET/POST /__faults {latencyMs, errorRate, down}; GET /__stats
// Validation uses the TMS's own schemas and AJV options; answers copy the real services' shapes
// (Fastify's 400 body, 401 {"error":"Unauthorized"}, 500 plain text "Failed to process execution
// request. \n<error>"). The evaluation itself is the documented typologies of evaluator.ts. An
// orphan pacs.002 (no pacs.008 for its EndToEndId) is accepted with 200, as the TMS does, and
// evaluated without a data cache.
//
// Alone: `node --import tsx simulators/tazama/server.ts` with PORT, HOST and the TAZAMA_SIM_*
// variables of simulatorOptionsFromEnv below. In tests: startTazamaSimulator(options).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { jwtVerify, SignJWT } from 'jose';
import { parseDuration } from '../../config/index';
import { encodeFrmsMessage } from '../../api/integrations/tazama/protobuf';
import { createEvaluator, eventFlowBlockOf, interdictingTypologies, type EvaluationRow, type EvaluatorOptions } from './evaluator';
import { compileValidators, fastifyMessage, type TmsMessageType } from './validation';

export interface TazamaFaults {
  /** added to every answer (ms) */
  latencyMs: number;
  /** share of requests answered 503, 0..1 */
  errorRate: number;
  /** every connection is dropped without an answer (the fault endpoints excepted) */
  down: boolean;
}

export interface TazamaSimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port */
  port?: number;
  /** auth on: TMS and admin calls need a JWT from POST /v1/auth/login with these credentials */
  auth?: { username: string; password: string; tenantId?: string; tokenTtlSeconds?: number } | null;
  /** time between the pacs.002 and the evaluation being available (default 500 ms) */
  evaluationDelayMs?: number;
  /**
   * where to push evaluations, in the relay's REST shape, with `Authorization: Bearer <token>`;
   * outputToJson false (default, as the relay-service) sends protobuf; interdictions on (default)
   * also relays the interdiction messages, as Full-Stack-Docker-Tazama's relay overlay does
   */
  relay?: { url: string; token: string; alertsOnly?: boolean; outputToJson?: boolean; interdictions?: boolean } | null;
  evaluator?: Partial<EvaluatorOptions>;
  faults?: Partial<TazamaFaults>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface TazamaSimulatorStats {
  pacs008: number;
  pacs002: number;
  rejected: number;
  evaluations: number;
  relayDelivered: number;
  relayFailed: number;
  /** interdiction messages among the deliveries */
  relayInterdictions: number;
  /** pacs.002 messages without their pacs.008 (accepted, evaluated without a data cache) */
  orphanPacs002: number;
  logins: number;
}

export interface TazamaSimulator {
  /** TMS base URL */
  url: string;
  /** admin-service base URL (the same server) */
  adminUrl: string;
  /** auth-service base URL, when auth is on */
  authUrl: string | undefined;
  faults(): TazamaFaults;
  setFaults(faults: Partial<TazamaFaults>): TazamaFaults;
  stats(): TazamaSimulatorStats;
  /** the stored evaluation row for a pacs.002 MsgId, if evaluated */
  report(msgId: string, tenantId?: string): EvaluationRow | undefined;
  stop(): Promise<void>;
}

const PRIVILEGES = {
  pacs008: 'POST_V1_EVALUATE_ISO20022_PACS_008_001_10',
  pacs002: 'POST_V1_EVALUATE_ISO20022_PACS_002_001_12',
  report: 'GET_V1_GETREPORTBYMSGID',
} as const;

const DEFAULT_TENANT = 'DEFAULT';

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json; charset=utf-8',
  ) {}
}

const badRequest = (message: string, code = 'FST_ERR_VALIDATION') => new HttpAnswer(400, { statusCode: 400, code, error: 'Bad Request', message });
const unauthorized = () => new HttpAnswer(401, { error: 'Unauthorized' });
const processingError = (error: string) => new HttpAnswer(500, `Failed to process execution request. \n${error}`, 'text/plain; charset=utf-8');
const notFound = (method: string, url: string) => new HttpAnswer(404, { message: `Route ${method}:${url} not found`, error: 'Not Found', statusCode: 404 });

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_048_576) throw new HttpAnswer(413, { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', error: 'Payload Too Large', message: 'Request body is too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  if (answer.status === 204) {
    res.writeHead(204).end();
    return;
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(text) }).end(text);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startTazamaSimulator(options: TazamaSimulatorOptions = {}): Promise<TazamaSimulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const validators = compileValidators();
  const evaluator = createEvaluator({
    alertDebtorIds: options.evaluator?.alertDebtorIds ?? [],
    interdictDebtorIds: options.evaluator?.interdictDebtorIds ?? [],
    blockDebtorIds: options.evaluator?.blockDebtorIds ?? [],
  });
  const delayMs = options.evaluationDelayMs ?? 500;
  let faults: TazamaFaults = { latencyMs: 0, errorRate: 0, down: false, ...options.faults };
  const stats: TazamaSimulatorStats = { pacs008: 0, pacs002: 0, rejected: 0, evaluations: 0, relayDelivered: 0, relayFailed: 0, relayInterdictions: 0, orphanPacs002: 0, logins: 0 };
  const secret = new Uint8Array(randomBytes(32));

  // tenant-scoped stores, keyed like Tazama's raw_history and evaluation tables
  const pacs008ByEndToEnd = new Map<string, Record<string, unknown>>();
  const msgIds = new Set<string>();
  const reports = new Map<string, EvaluationRow>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let stopping = false;

  const key = (tenant: string, id: string) => `${tenant}\u0000${id}`;

  async function tenantOf(req: IncomingMessage, privilege: string): Promise<string> {
    if (!options.auth) return DEFAULT_TENANT;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthorized();
    try {
      const { payload } = await jwtVerify(m[1]!, secret, { algorithms: ['HS256'] });
      const claims = Array.isArray(payload.claims) ? (payload.claims as unknown[]) : [];
      if (!claims.includes(privilege) || typeof payload.tenantId !== 'string') throw new Error('missing claim');
      return payload.tenantId;
    } catch {
      throw unauthorized();
    }
  }

  function parseJson(text: string): unknown {
    if (text.trim() === '') throw badRequest("Body cannot be empty when content-type is set to 'application/json'", 'FST_ERR_CTP_EMPTY_JSON_BODY');
    try {
      return JSON.parse(text);
    } catch {
      throw badRequest("Body is not valid JSON but content-type is set to 'application/json'", 'FST_ERR_CTP_INVALID_JSON_BODY');
    }
  }

  function validate(type: TmsMessageType | 'login', body: unknown): void {
    const check = validators[type];
    if (!check(body)) {
      stats.rejected++;
      throw badRequest(fastifyMessage(check.errors));
    }
  }

  /** One POST, no retry: the relay-service logs a failed relay and moves on (services/execute.ts). */
  async function relayOnce(what: string, message: Record<string, unknown>, msgId: string): Promise<boolean> {
    const relay = options.relay!;
    const json = relay.outputToJson === true;
    try {
      const res = await fetch(relay.url, {
        method: 'POST',
        // the REST plugin sets a JSON content type for text only; protobuf bytes go without one
        headers: { authorization: `Bearer ${relay.token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
        body: json ? JSON.stringify(message) : new Uint8Array(encodeFrmsMessage(message)),
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      if (res.ok) {
        stats.relayDelivered++;
        return true;
      }
      log('relay refused the message', { what, status: res.status, msgId });
    } catch (err) {
      log('relay unreachable', { what, error: (err as Error).message, msgId });
    }
    stats.relayFailed++;
    return false;
  }

  async function pushToRelay(row: EvaluationRow): Promise<void> {
    const relay = options.relay;
    if (!relay || stopping) return;
    const msgId = row.transactionID;
    const metaData = row.report.metaData;
    if (relay.interdictions !== false) {
      // the event-flow rule and the typology processor interdict before the adjudicator reports
      const block = eventFlowBlockOf(row);
      if (block && (await relayOnce('event-flow interdiction', { transaction: row.transaction, networkMap: row.networkMap, DataCache: row.dataCache, metaData, ruleResult: block }, msgId))) {
        stats.relayInterdictions++;
      }
      for (const typologyResult of interdictingTypologies(row)) {
        if (await relayOnce('typology interdiction', { typologyResult, transaction: row.transaction, networkMap: row.networkMap, DataCache: row.dataCache, metaData }, msgId)) {
          stats.relayInterdictions++;
        }
      }
    }
    if (relay.alertsOnly && row.report.status !== 'ALRT') return;
    const n = row.report.tadpResult.typologyResult.length;
    await relayOnce('evaluation', { message: `Successfully completed ${n} typologies`, report: row.report, transaction: row.transaction, networkMap: row.networkMap }, msgId);
  }

  function scheduleEvaluation(tenant: string, pacs008: Record<string, unknown> | undefined, pacs002: Record<string, unknown>): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const row = evaluator.evaluate(pacs008 as never, pacs002 as never, tenant);
      reports.set(key(tenant, row.transactionID), row);
      stats.evaluations++;
      log('evaluated', { msgId: row.transactionID, status: row.report.status });
      pushToRelay(row).catch(() => undefined);
    }, delayMs);
    timers.add(timer);
  }

  async function route(req: IncomingMessage): Promise<HttpAnswer> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (method === 'GET' && (path === '/' || path === '/health')) return new HttpAnswer(200, { status: 'UP' });

    if (method === 'POST' && path === '/v1/auth/login' && options.auth) {
      const body = parseJson(await readBody(req));
      validate('login', body);
      const { username, password } = body as { username: string; password: string };
      if (!sameSecret(username, options.auth.username) || !sameSecret(password, options.auth.password)) return unauthorized();
      stats.logins++;
      const token = await new SignJWT({ tenantId: options.auth.tenantId ?? DEFAULT_TENANT, clientId: username, claims: Object.values(PRIVILEGES) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .setExpirationTime(`${options.auth.tokenTtlSeconds ?? 300}s`)
        .sign(secret);
      // auth-service answers with the token string itself
      return new HttpAnswer(200, token, 'text/plain; charset=utf-8');
    }

    if (method === 'POST' && path === '/v1/evaluate/iso20022/pacs.008.001.10') {
      const tenant = await tenantOf(req, PRIVILEGES.pacs008);
      const body = parseJson(await readBody(req)) as Record<string, unknown>;
      validate('pacs.008.001.10', body);
      const msg = body as { FIToFICstmrCdtTrf: { GrpHdr: { MsgId: string }; CdtTrfTxInf: { PmtId: { EndToEndId: string } } } };
      const msgId = msg.FIToFICstmrCdtTrf.GrpHdr.MsgId;
      // raw_history.pacs008 has UNIQUE (messageId, tenantId): a repeat fails inside the TMS
      if (msgIds.has(key(tenant, `pacs008:${msgId}`))) {
        return processingError(`error: duplicate key value violates unique constraint "unique_msgid_pacs008"`);
      }
      msgIds.add(key(tenant, `pacs008:${msgId}`));
      pacs008ByEndToEnd.set(key(tenant, msg.FIToFICstmrCdtTrf.CdtTrfTxInf.PmtId.EndToEndId), body);
      stats.pacs008++;
      return new HttpAnswer(200, { message: 'Transaction is valid', data: body });
    }

    if (method === 'POST' && path === '/v1/evaluate/iso20022/pacs.002.001.12') {
      const tenant = await tenantOf(req, PRIVILEGES.pacs002);
      const body = parseJson(await readBody(req)) as Record<string, unknown>;
      validate('pacs.002.001.12', body);
      const msg = body as { FIToFIPmtSts: { GrpHdr: { MsgId: string }; TxInfAndSts: { OrgnlEndToEndId: string } } };
      const msgId = msg.FIToFIPmtSts.GrpHdr.MsgId;
      const endToEndId = msg.FIToFIPmtSts.TxInfAndSts.OrgnlEndToEndId;
      if (msgIds.has(key(tenant, `pacs002:${msgId}`))) {
        return processingError(`error: duplicate key value violates unique constraint "unique_msgid_pacs002"`);
      }
      // Without a stored pacs.008 the TMS only logs "Could not find pacs008 transaction to rebuild
      // dataCache with", stores the pacs.002 and sends it on: 200, evaluated without a data cache.
      const pacs008 = pacs008ByEndToEnd.get(key(tenant, endToEndId));
      if (!pacs008) {
        stats.orphanPacs002++;
        log('orphan pacs.002: no pacs.008 for its EndToEndId', { msgId, endToEndId });
      }
      msgIds.add(key(tenant, `pacs002:${msgId}`));
      stats.pacs002++;
      scheduleEvaluation(tenant, pacs008, body);
      return new HttpAnswer(200, { message: 'Transaction is valid', data: body });
    }

    if (method === 'GET' && path === '/v1/admin/reports/getreportbymsgid') {
      const tenant = await tenantOf(req, PRIVILEGES.report);
      const query = Object.fromEntries(url.searchParams);
      if (!validators.reportQuery(query)) return badRequest(fastifyMessage(validators.reportQuery.errors, 'querystring'));
      const row = reports.get(key(tenant, query.msgid!));
      return row ? new HttpAnswer(200, { message: 'Report was found', data: row }) : new HttpAnswer(204, null);
    }

    return notFound(method, url.pathname);
  }

  async function faultEndpoint(req: IncomingMessage, path: string): Promise<HttpAnswer> {
    if (path === '/__stats') return new HttpAnswer(200, stats);
    if (req.method === 'POST' || req.method === 'PUT') {
      const body = parseJson(await readBody(req));
      try {
        faults = mergeFaults(faults, body);
      } catch (err) {
        return badRequest((err as Error).message);
      }
      log('faults changed', { ...faults });
    }
    return new HttpAnswer(200, faults);
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    void (async () => {
      try {
        if (path === '/__faults' || path === '/__stats') {
          send(res, await faultEndpoint(req, path));
          return;
        }
        if (faults.down) {
          req.socket.destroy(); // as if nothing were listening any more
          return;
        }
        if (faults.latencyMs > 0) await sleep(faults.latencyMs);
        if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
          send(res, new HttpAnswer(503, 'Service Unavailable (simulated fault)', 'text/plain; charset=utf-8'));
          return;
        }
        send(res, await route(req));
      } catch (err) {
        if (err instanceof HttpAnswer) send(res, err);
        else if (!res.headersSent) send(res, processingError(String((err as Error)?.message ?? err)));
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host}:${port}`;
  log('tazama stand-in listening', { url: base, auth: Boolean(options.auth), relay: options.relay?.url ?? null });

  return {
    url: base,
    adminUrl: base,
    authUrl: options.auth ? base : undefined,
    faults: () => ({ ...faults }),
    setFaults(next) {
      faults = mergeFaults(faults, next);
      return { ...faults };
    },
    stats: () => ({ ...stats }),
    report: (msgId, tenantId = options.auth?.tenantId ?? DEFAULT_TENANT) => reports.get(key(tenantId, msgId)),
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

function mergeFaults(current: TazamaFaults, input: unknown): TazamaFaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('faults must be an object {latencyMs, errorRate, down}');
  const f = input as Record<string, unknown>;
  const next = { ...current };
  if (f.latencyMs !== undefined) {
    if (typeof f.latencyMs !== 'number' || !(f.latencyMs >= 0) || f.latencyMs > 600_000) throw new Error('latencyMs must be a number of ms between 0 and 600000');
    next.latencyMs = f.latencyMs;
  }
  if (f.errorRate !== undefined) {
    if (typeof f.errorRate !== 'number' || !(f.errorRate >= 0 && f.errorRate <= 1)) throw new Error('errorRate must be a number between 0 and 1');
    next.errorRate = f.errorRate;
  }
  if (f.down !== undefined) {
    if (typeof f.down !== 'boolean') throw new Error('down must be true or false');
    next.down = f.down;
  }
  return next;
}

const truthy = (v: string | undefined) => v !== undefined && ['true', '1', 'yes', 'on'].includes(v.toLowerCase());

/**
 * Options from the environment, for running the stand-in alone:
 *   PORT (5000), HOST (127.0.0.1)
 *   TAZAMA_SIM_USERNAME + TAZAMA_SIM_PASSWORD   auth on with these credentials; TAZAMA_SIM_TENANT_ID (DEFAULT)
 *   TAZAMA_SIM_TOKEN_TTL                         JWT lifetime (5m)
 *   TAZAMA_SIM_EVALUATION_DELAY                  pacs.002 → evaluation (500ms)
 *   TAZAMA_SIM_RELAY_URL + TAZAMA_SIM_RELAY_TOKEN push evaluations there; TAZAMA_SIM_ALERTS_ONLY;
 *   TAZAMA_SIM_OUTPUT_TO_JSON (false: protobuf, as the relay-service); TAZAMA_SIM_INTERDICTIONS (true)
 *   TAZAMA_SIM_ALERT_DEBTORS (watch list), TAZAMA_SIM_INTERDICT_DEBTORS (sanctions list),
 *   TAZAMA_SIM_BLOCK_DEBTORS (event-flow block conditions): debtor ids, comma-separated
 *   TAZAMA_SIM_LATENCY (0), TAZAMA_SIM_ERROR_RATE (0), TAZAMA_SIM_DOWN (false)   the fault knob at start
 */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): TazamaSimulatorOptions {
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name}: must be a number between ${min} and ${max}, got "${raw}"`);
    return n;
  };
  const duration = (name: string, fallback: string) => {
    try {
      return parseDuration(env[name] || fallback);
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
  };
  const ids = (name: string) => (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const username = env.TAZAMA_SIM_USERNAME;
  const password = env.TAZAMA_SIM_PASSWORD;
  if (Boolean(username) !== Boolean(password)) throw new Error('TAZAMA_SIM_USERNAME and TAZAMA_SIM_PASSWORD go together');
  const relayUrl = env.TAZAMA_SIM_RELAY_URL;
  const relayToken = env.TAZAMA_SIM_RELAY_TOKEN;
  if (relayUrl && !relayToken) throw new Error('TAZAMA_SIM_RELAY_URL needs TAZAMA_SIM_RELAY_TOKEN');
  return {
    host: env.HOST || '127.0.0.1',
    port: number('PORT', 5000, 0, 65535),
    auth: username && password ? { username, password, tenantId: env.TAZAMA_SIM_TENANT_ID || undefined, tokenTtlSeconds: Math.round(duration('TAZAMA_SIM_TOKEN_TTL', '5m') / 1000) } : null,
    evaluationDelayMs: duration('TAZAMA_SIM_EVALUATION_DELAY', '500ms'),
    relay:
      relayUrl && relayToken
        ? {
            url: relayUrl,
            token: relayToken,
            alertsOnly: truthy(env.TAZAMA_SIM_ALERTS_ONLY),
            outputToJson: truthy(env.TAZAMA_SIM_OUTPUT_TO_JSON),
            interdictions: env.TAZAMA_SIM_INTERDICTIONS === undefined || env.TAZAMA_SIM_INTERDICTIONS === '' || truthy(env.TAZAMA_SIM_INTERDICTIONS),
          }
        : null,
    evaluator: { alertDebtorIds: ids('TAZAMA_SIM_ALERT_DEBTORS'), interdictDebtorIds: ids('TAZAMA_SIM_INTERDICT_DEBTORS'), blockDebtorIds: ids('TAZAMA_SIM_BLOCK_DEBTORS') },
    faults: {
      latencyMs: duration('TAZAMA_SIM_LATENCY', '0'),
      errorRate: number('TAZAMA_SIM_ERROR_RATE', 0, 0, 1),
      down: truthy(env.TAZAMA_SIM_DOWN),
    },
  };
}

// Run alone: one JSON log line per event, stopped by SIGINT/SIGTERM.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = (message: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), service: 'tazama-stand-in', message, ...fields }));
  let options: TazamaSimulatorOptions;
  try {
    options = simulatorOptionsFromEnv(process.env);
  } catch (err) {
    console.error(`tazama stand-in: ${(err as Error).message}`);
    process.exit(2);
  }
  startTazamaSimulator({ ...options, log })
    .then((sim) => {
      const stop = () => {
        sim.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: Error) => {
      console.error(`tazama stand-in could not start: ${err.message}`);
      process.exit(1);
    });
}
