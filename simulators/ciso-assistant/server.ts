// Starts the CISO Assistant stand-in on a loopback port. Tests and the demo start it through
// startCisoSimulator; `node --import tsx simulators/ciso-assistant/server.ts` runs it alone
// (CISO_SIM_PORT, CISO_SIM_HOST, CISO_SIM_TOKEN, CISO_SIM_LATENCY_MS, CISO_SIM_ERROR_RATE, CISO_SIM_DOWN).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  createCisoApp,
  createState,
  faultsFromEnv,
  setFaults,
  type CisoFaults,
  type FolderRecord,
  type PerimeterRecord,
  type RequestRecord,
  type RiskAssessmentRecord,
  type RiskMatrixRecord,
  type RiskScenarioRecord,
} from './app';

export type { CisoFaults, FolderRecord, PerimeterRecord, RequestRecord, RiskAssessmentRecord, RiskMatrixRecord, RiskScenarioRecord } from './app';

export interface CisoSimulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  /** the personal access token clients must send as "Token …" (default: a random one) */
  token?: string;
  /** tokens that may read but not write (→ 403 on writes) */
  readOnlyTokens?: string[];
  /** Django DEBUG: a POST/PATCH without its trailing slash gets a 500 instead of a 301 */
  debug?: boolean;
  /** the 5×5 matrix already loaded (by default it must be imported from its stored library) */
  preloadMatrix?: boolean;
  /** false: a release before v3.16, whose risk scenarios have no "cancelled" treatment (default true) */
  cancelledTreatment?: boolean;
  /** default: from CISO_SIM_LATENCY_MS, CISO_SIM_ERROR_RATE, CISO_SIM_DOWN */
  faults?: Partial<CisoFaults>;
}

export interface CisoSimulatorSnapshot {
  folders: FolderRecord[];
  perimeters: PerimeterRecord[];
  riskMatrices: Omit<RiskMatrixRecord, 'definition'>[];
  riskAssessments: RiskAssessmentRecord[];
  riskScenarios: RiskScenarioRecord[];
  requests: RequestRecord[];
  faults: CisoFaults;
}

export interface CisoSimulator {
  /** base URL of the installation (the API is under /api/) */
  url: string;
  token: string;
  setFaults(faults: Partial<CisoFaults>): CisoFaults;
  /** a deep copy of everything stored and every request seen */
  state(): CisoSimulatorSnapshot;
  stop(): Promise<void>;
}

export async function startCisoSimulator(options: CisoSimulatorOptions = {}): Promise<CisoSimulator> {
  const token = options.token ?? randomBytes(20).toString('hex');
  const state = createState({
    token,
    readOnlyTokens: options.readOnlyTokens,
    debug: options.debug,
    preloadMatrix: options.preloadMatrix,
    cancelledTreatment: options.cancelledTreatment,
    faults: options.faults ?? faultsFromEnv(process.env),
  });
  const server: Server = createServer(createCisoApp(state));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    url: `http://${host}:${address.port}`,
    token,
    setFaults: (faults) => setFaults(state, faults),
    state: () => ({
      folders: copy([...state.folders.values()]),
      perimeters: copy([...state.perimeters.values()]),
      riskMatrices: [...state.riskMatrices.values()].map(({ definition: _d, ...m }) => copy(m)),
      riskAssessments: copy([...state.riskAssessments.values()]),
      riskScenarios: copy([...state.riskScenarios.values()]),
      requests: copy(state.requests),
      faults: { ...state.faults },
    }),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = process.env;
  startCisoSimulator({
    port: env.CISO_SIM_PORT ? Number(env.CISO_SIM_PORT) : 8000,
    host: env.CISO_SIM_HOST ?? '127.0.0.1',
    token: env.CISO_SIM_TOKEN,
    faults: faultsFromEnv(env),
  })
    .then((sim) => {
      // the token is the stand-in's own, made up here: printing it is how a developer learns it
      process.stdout.write(`CISO Assistant stand-in on ${sim.url} (API under /api/)\nCISO_URL=${sim.url}\nCISO_TOKEN=${sim.token}\nfaults: GET/PUT ${sim.url}/__faults\n`);
      const stop = () => void sim.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    });
}
