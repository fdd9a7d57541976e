// Starts the Ballerine stand-in on a loopback port. Tests and the demo start it through
// startBallerineSimulator; `node --import tsx simulators/ballerine/server.ts` runs it alone.
import type { AddressInfo } from 'node:net';
import {
  applyEvent,
  createSimulatorApp,
  decideAsUser,
  setFaults,
  type BackOfficeUser,
  type BallerineSimulatorState,
  type Faults,
  type StoredDefinition,
  type StoredRun,
  type Subscription,
  type WebhookDelivery,
} from './app';

export { signPayload } from './app';
export type { BackOfficeUser, Faults, StoredDefinition, StoredRun, Subscription, WebhookDelivery } from './app';

export interface BallerineSimulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  /** the customer API key clients must send as Bearer (default "secret", as Ballerine's seed) */
  apiKey?: string;
  adminApiKey?: string;
  /** the customer's webhookSharedSecret: key of the X-HMAC-Signature */
  webhookSecret?: string;
  environment?: string;
  /** customer-level webhook subscriptions (the definition's own subscriptions apply too) */
  subscriptions?: Subscription[];
  faults?: Partial<Faults>;
  /** one line per notable thing; silent by default */
  log?: (message: string) => void;
}

export interface BallerineSimulator {
  url: string;
  apiKey: string;
  setFaults(faults: Partial<Faults>): Faults;
  /** An analyst deciding in Ballerine's back office: assigns the run to `user` and sends `event`. */
  decide(runId: string, event: string, user: BackOfficeUser | string): Promise<StoredRun>;
  /** Sends an event as the API would (no assignee change). */
  sendEvent(runId: string, event: string): Promise<StoredRun>;
  addSubscription(subscription: Subscription): void;
  definitions(): StoredDefinition[];
  runs(): StoredRun[];
  run(id: string): StoredRun | undefined;
  deliveries(): WebhookDelivery[];
  /** Waits until every webhook sent so far has been answered (or failed). */
  flushWebhooks(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBallerineSimulator(options: BallerineSimulatorOptions = {}): Promise<BallerineSimulator> {
  const state: BallerineSimulatorState = {
    apiKey: options.apiKey ?? 'secret',
    adminApiKey: options.adminApiKey ?? 'admin_secret',
    webhookSecret: options.webhookSecret,
    environment: options.environment ?? 'sandbox',
    customerSubscriptions: [...(options.subscriptions ?? [])],
    faults: { latencyMs: 0, errorRate: 0, down: false },
    definitions: new Map(),
    runs: new Map(),
    entities: new Map(),
    users: new Map(),
    deliveries: [],
    pending: new Set(),
    log: options.log ?? (() => {}),
  };
  setFaults(state, options.faults ?? {});
  const app = createSimulatorApp(state);
  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const flushWebhooks = async () => {
    while (state.pending.size > 0) await Promise.allSettled([...state.pending]);
  };

  return {
    url: `http://${host}:${address.port}`,
    apiKey: state.apiKey,
    setFaults: (faults) => setFaults(state, faults),
    decide: async (runId, event, user) => decideAsUser(state, runId, event, typeof user === 'string' ? { email: user } : user),
    sendEvent: async (runId, event) => applyEvent(state, runId, event),
    addSubscription: (subscription) => {
      state.customerSubscriptions.push(subscription);
    },
    definitions: () => [...state.definitions.values()],
    runs: () => [...state.runs.values()],
    run: (id) => state.runs.get(id),
    deliveries: () => [...state.deliveries],
    flushWebhooks,
    async stop() {
      await flushWebhooks();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
