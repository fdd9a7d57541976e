// A stand-in for Ballerine's workflows-service, for the subset of its API Kinga uses: workflow
// definitions, runs, events that move a run through its statechart, and the HMAC-signed webhooks it
// sends when a run changes state. Same paths, same Bearer auth, same validation answers. Plus what a
// test needs and the real service has elsewhere: a back-office action that decides a run as a named
// user (/__backoffice), and a fault knob (/__faults). Everything lives in memory.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';

export interface Faults {
  /** added before every /api answer */
  latencyMs: number;
  /** share of /api calls answered 503 (0..1) */
  errorRate: number;
  /** /api connections are dropped without an answer */
  down: boolean;
}

export interface BackOfficeUser {
  id?: string;
  email: string;
  firstName?: string;
  lastName?: string;
}

export interface Subscription {
  type: 'webhook';
  url: string;
  events: string[];
}

interface StateNode {
  type?: 'final';
  tags?: string[];
  on?: Record<string, string>;
}

export interface StoredDefinition {
  id: string;
  name: string;
  version: number;
  definitionType: string;
  definition: { id?: string; initial: string; states: Record<string, StateNode>; [k: string]: unknown };
  config: Record<string, unknown> | null;
  contextSchema: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredRun {
  id: string;
  workflowDefinitionId: string;
  workflowDefinitionVersion: number;
  context: Record<string, unknown>;
  config: Record<string, unknown> | null;
  state: string;
  status: 'active' | 'completed' | 'failed';
  tags: string[];
  endUserId: string | null;
  businessId: string | null;
  assigneeId: string | null;
  assignedAt: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  createdBy: string;
  parentRuntimeDataId: string | null;
  projectId: string;
}

interface StoredEntity {
  id: string;
  correlationId: string;
  type: 'individual' | 'business';
  data: Record<string, unknown>;
}

export interface WebhookDelivery {
  url: string;
  eventName: string;
  workflowRuntimeId: string;
  headers: Record<string, string>;
  /** the exact bytes sent (and signed) */
  body: string;
  /** the receiver's HTTP status, or null when it could not be reached */
  status: number | null;
  response: string | null;
  error: string | null;
  at: string;
}

export interface BallerineSimulatorState {
  apiKey: string;
  adminApiKey: string;
  /** the customer's webhookSharedSecret; unset → webhooks say "UNSIGNED", as Ballerine does */
  webhookSecret: string | undefined;
  environment: string;
  /** customer-level subscriptions, on top of each definition's config.subscriptions */
  customerSubscriptions: Subscription[];
  faults: Faults;
  definitions: Map<string, StoredDefinition>;
  runs: Map<string, StoredRun>;
  entities: Map<string, StoredEntity>;
  users: Map<string, BackOfficeUser & { id: string }>;
  deliveries: WebhookDelivery[];
  pending: Set<Promise<void>>;
  log: (message: string) => void;
}

export const PROJECT_ID = 'project-kinga-sim';

/** Ballerine's signature: HMAC-SHA256 over JSON.stringify(payload), hex (packages/common sign()). */
export function signPayload(payload: unknown, key: string | undefined): string {
  if (!key) return 'UNSIGNED';
  return createHmac('sha256', key).update(JSON.stringify(payload)).digest('hex');
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ERROR_NAMES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 503: 'Service Unavailable' };

function sameSecret(given: string, expected: string): boolean {
  // Compare digests: equal length whatever was sent, and constant time.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keys the run config accepts (Ballerine validates it strictly: anything else is a 400).
const CONFIG_KEYS = new Set([
  'subscriptions',
  'allowMultipleActiveWorkflows',
  'completedWhenTasksResolved',
  'workflowLevelResolution',
  'isLegacyReject',
  'initialEvent',
  'language',
  'createCollectionFlowToken',
]);

export function createSimulatorApp(state: BallerineSimulatorState): express.Application {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '5mb' }));

  // ---- test-only endpoints (the real service has no such thing) ----

  app.get('/__faults', (_req, res) => {
    res.json(state.faults);
  });
  app.put('/__faults', (req, res) => {
    setFaults(state, req.body as Partial<Faults>);
    res.json(state.faults);
  });

  app.post('/__backoffice/workflows/:id/decide', (req, res) => {
    const body = req.body as { event?: unknown; user?: unknown };
    if (typeof body.event !== 'string' || !isObject(body.user) || typeof body.user.email !== 'string') {
      throw new HttpFailure(400, 'body must be {"event": string, "user": {"email": string, "firstName"?, "lastName"?}}');
    }
    res.json(decideAsUser(state, String(req.params.id), body.event, body.user as unknown as BackOfficeUser));
  });

  app.get('/__deliveries', (_req, res) => {
    res.json(state.deliveries);
  });

  // ---- the real API's subset, under /api/v1 ----

  const api = express.Router();

  // Faults first: a down service does not even check credentials.
  api.use((req, res, next) => {
    const { down, latencyMs, errorRate } = state.faults;
    if (down) {
      req.socket.destroy();
      return;
    }
    const go = () => {
      if (errorRate > 0 && Math.random() < errorRate) {
        res.status(503).json({ statusCode: 503, message: 'Service Unavailable (simulated fault)', error: 'Service Unavailable' });
        return;
      }
      next();
    };
    if (latencyMs > 0) setTimeout(go, latencyMs);
    else go();
  });

  // Authorization: Bearer <customer API key> (the admin key is accepted too).
  api.use((req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const [scheme, key] = header.split(' ');
    if (scheme !== 'Bearer' || !key || !(sameSecret(key, state.apiKey) || sameSecret(key, state.adminApiKey))) {
      throw new HttpFailure(401, 'Unauthorized');
    }
    next();
  });

  api.get('/external/workflows/workflow-definition/:id', (req, res) => {
    const definition = state.definitions.get(String(req.params.id));
    if (!definition) throw new HttpFailure(404, `No WorkflowDefinition with ID ${req.params.id} was found`);
    res.json(definition);
  });

  api.post('/internal/workflows', (req, res) => {
    res.status(201).json(createDefinition(state, req.body));
  });

  api.post('/external/workflows/run', (req, res) => {
    res.status(200).json(runWorkflow(state, req.body));
  });

  api.get('/external/workflows/:id', (req, res) => {
    const run = state.runs.get(String(req.params.id));
    if (!run) throw new HttpFailure(404, `No resource with id [${req.params.id}] was found`);
    res.json(run);
  });

  const event = (req: Request, res: Response) => {
    const body = req.body as { name?: unknown; payload?: unknown };
    if (typeof body?.name !== 'string' || !body.name) throw new HttpFailure(400, 'name must be a string');
    if (body.payload !== undefined && !isObject(body.payload)) throw new HttpFailure(400, 'payload must be an object');
    res.status(200).json(applyEvent(state, String(req.params.id), body.name));
  };
  api.post('/external/workflows/:id/event', event);
  api.post('/external/workflows/:id/send-event', event);

  app.use('/api/v1', api);

  app.use((req, _res, next) => next(new HttpFailure(404, `Cannot ${req.method} ${req.path}`)));
  // NestJS-shaped errors: {statusCode, message, error}.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; type?: string; message?: string };
    const status = err instanceof HttpFailure ? err.status : e.type === 'entity.parse.failed' ? 400 : 500;
    const message = err instanceof HttpFailure ? err.message : status === 400 ? 'Unexpected token in JSON body' : 'Internal server error';
    if (status === 500) state.log(`internal error: ${e.message}`);
    res.status(status).json({ statusCode: status, message, error: ERROR_NAMES[status] ?? 'Internal Server Error' });
  });
  return app;
}

function createDefinition(s: BallerineSimulatorState, body: unknown): StoredDefinition {
  if (!isObject(body)) throw new HttpFailure(400, 'body must be an object');
  const { id, name, version, definitionType, definition, config, contextSchema } = body;
  if (typeof name !== 'string' || !name) throw new HttpFailure(400, 'name must be a string');
  if (typeof definitionType !== 'string') throw new HttpFailure(400, 'definitionType must be a string');
  if (!isObject(definition) || typeof definition.initial !== 'string' || !isObject(definition.states)) {
    throw new HttpFailure(400, 'definition must be a statechart: {initial, states}');
  }
  if (!(definition.initial in definition.states)) throw new HttpFailure(400, `initial state ${definition.initial} is not among the states`);
  for (const [stateName, node] of Object.entries(definition.states)) {
    for (const target of Object.values((node as StateNode).on ?? {})) {
      if (!(target in definition.states)) throw new HttpFailure(400, `state ${stateName} moves to unknown state ${target}`);
    }
  }
  if (id !== undefined && typeof id !== 'string') throw new HttpFailure(400, 'id must be a string');
  if (version !== undefined && typeof version !== 'number') throw new HttpFailure(400, 'version must be a number');
  if (config !== undefined && config !== null && !isObject(config)) throw new HttpFailure(400, 'config must be an object');
  const definitionId = (id as string | undefined) ?? randomUUID();
  if (s.definitions.has(definitionId)) throw new HttpFailure(409, `Unique constraint failed on the fields: (\`id\`) — workflow definition ${definitionId} exists`);
  // Versions share a name; /run resolves a name to its latest version.
  const sameName = [...s.definitions.values()].filter((d) => d.name === name);
  const stored: StoredDefinition = {
    id: definitionId,
    name,
    version: (version as number | undefined) ?? Math.max(0, ...sameName.map((d) => d.version)) + 1,
    definitionType,
    definition: definition as StoredDefinition['definition'],
    config: (config as Record<string, unknown> | undefined) ?? null,
    contextSchema: isObject(contextSchema) ? contextSchema : null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  s.definitions.set(definitionId, stored);
  s.log(`definition ${definitionId} (${name} v${stored.version}) created`);
  return stored;
}

function runWorkflow(s: BallerineSimulatorState, body: unknown) {
  if (!isObject(body)) throw new HttpFailure(400, 'body must be an object');
  const { workflowId, context, config } = body;
  if (!isObject(context)) throw new HttpFailure(400, 'Context is required');
  const entity = context.entity;
  if (!isObject(entity) || (!('id' in entity) && !('ballerineEntityId' in entity))) throw new HttpFailure(400, 'Entity id is required');
  if (typeof workflowId !== 'string' || !workflowId) throw new HttpFailure(400, 'Workflow id is required');
  const named = s.definitions.get(workflowId);
  if (!named) throw new HttpFailure(400, `Workflow Definition ${workflowId} was not found`);
  const definition = [...s.definitions.values()].filter((d) => d.name === named.name).sort((a, b) => b.version - a.version)[0]!;
  if (config !== undefined) {
    if (!isObject(config)) throw new HttpFailure(400, 'config must be an object');
    const unknown = Object.keys(config).filter((k) => !CONFIG_KEYS.has(k));
    if (unknown.length > 0) throw new HttpFailure(400, `Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`);
  }
  const type = entity.type === 'business' ? 'business' : 'individual';
  const entityId = findOrCreateEntity(s, entity, type);
  // As in this Ballerine version, the per-run config is validated but not kept: the definition's config rules.
  const merged = { ...(definition.config ?? {}) };
  const active = [...s.runs.values()].find(
    (r) => r.status === 'active' && r.workflowDefinitionId === definition.id && (type === 'business' ? r.businessId : r.endUserId) === entityId,
  );
  const contextToStore = { ...context, entity: { ...entity, ballerineEntityId: (entity.ballerineEntityId as string | undefined) ?? entityId } };
  let run: StoredRun;
  if (active && !merged.allowMultipleActiveWorkflows) {
    // One active run per entity: a second /run updates the one there is.
    active.context = contextToStore;
    active.updatedAt = new Date().toISOString();
    run = active;
    s.log(`run ${run.id} updated for entity ${entityId}`);
  } else {
    const initial = definition.definition.initial;
    run = {
      id: randomUUID(),
      workflowDefinitionId: definition.id,
      workflowDefinitionVersion: definition.version,
      context: contextToStore,
      config: merged,
      state: initial,
      status: 'active',
      tags: definition.definition.states[initial]?.tags ?? [],
      endUserId: type === 'individual' ? entityId : null,
      businessId: type === 'business' ? entityId : null,
      assigneeId: null,
      assignedAt: null,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      resolvedAt: null,
      createdBy: 'SYSTEM',
      parentRuntimeDataId: null,
      projectId: PROJECT_ID,
    };
    s.runs.set(run.id, run);
    s.log(`run ${run.id} created (${definition.name}) for entity ${entityId}`);
  }
  return { workflowDefinitionId: definition.id, workflowRuntimeId: run.id, ballerineEntityId: entityId, entities: [] };
}

function findOrCreateEntity(s: BallerineSimulatorState, entity: Record<string, unknown>, type: 'individual' | 'business'): string {
  if (typeof entity.ballerineEntityId === 'string') {
    if (!s.entities.has(entity.ballerineEntityId)) throw new HttpFailure(404, `No entity with id [${entity.ballerineEntityId}] was found`);
    return entity.ballerineEntityId;
  }
  const correlationId = String(entity.id);
  const existing = [...s.entities.values()].find((e) => e.correlationId === correlationId && e.type === type);
  if (existing) return existing.id;
  const data = entity.data;
  if (!isObject(data)) throw new HttpFailure(400, 'Entity data is required');
  // Ballerine keeps firstName/lastName (end users) and companyName (businesses) as NOT NULL columns.
  if (type === 'individual' && (typeof data.firstName !== 'string' || typeof data.lastName !== 'string')) {
    throw new HttpFailure(400, 'entity.data.firstName and entity.data.lastName are required for an individual');
  }
  if (type === 'business' && typeof data.companyName !== 'string') throw new HttpFailure(400, 'entity.data.companyName is required for a business');
  const stored: StoredEntity = { id: randomUUID(), correlationId, type, data };
  s.entities.set(stored.id, stored);
  return stored.id;
}

export function setFaults(s: BallerineSimulatorState, faults: Partial<Faults>): Faults {
  if (faults.latencyMs !== undefined) s.faults.latencyMs = Math.max(0, Number(faults.latencyMs) || 0);
  if (faults.errorRate !== undefined) s.faults.errorRate = Math.min(1, Math.max(0, Number(faults.errorRate) || 0));
  if (faults.down !== undefined) s.faults.down = faults.down === true || String(faults.down) === 'true';
  return { ...s.faults };
}

/** Moves a run by one event of its definition; 400 like Ballerine when the state has no such event. */
export function applyEvent(s: BallerineSimulatorState, runId: string, name: string): StoredRun {
  const run = s.runs.get(runId);
  if (!run) throw new HttpFailure(404, `No resource with id [${runId}] was found`);
  const definition = s.definitions.get(run.workflowDefinitionId)!;
  const target = definition.definition.states[run.state]?.on?.[name];
  if (!target) throw new HttpFailure(400, `Event ${name} does not exist for workflow ${definition.id}'s state: ${run.state}`);
  const node = definition.definition.states[target]!;
  const at = new Date().toISOString();
  run.state = target;
  run.tags = node.tags ?? [];
  run.updatedAt = at;
  const completed = node.type === 'final';
  if (completed) {
    run.status = 'completed';
    run.resolvedAt = at;
  }
  s.log(`run ${run.id}: ${name} → ${target}`);
  // Ballerine emits after answering; the webhooks go out in the background, one attempt each.
  const snapshot = structuredClone(run);
  const delivery = (async () => {
    await emit(s, 'workflow.state.changed', snapshot);
    if (completed) await emit(s, 'workflow.completed', snapshot);
  })();
  s.pending.add(delivery);
  void delivery.finally(() => s.pending.delete(delivery));
  return run;
}

/** The back office: the user takes the case (assignee) and sends the event, as an analyst would. */
export function decideAsUser(s: BallerineSimulatorState, runId: string, event: string, user: BackOfficeUser): StoredRun {
  const run = s.runs.get(runId);
  if (!run) throw new HttpFailure(404, `No resource with id [${runId}] was found`);
  const known = [...s.users.values()].find((u) => u.email.toLowerCase() === user.email.toLowerCase());
  const stored = known ?? { ...user, id: user.id ?? randomUUID() };
  s.users.set(stored.id, { ...stored, ...user, id: stored.id });
  const previous = { assigneeId: run.assigneeId, assignedAt: run.assignedAt };
  run.assigneeId = stored.id;
  run.assignedAt = new Date().toISOString();
  try {
    return applyEvent(s, runId, event);
  } catch (err) {
    Object.assign(run, previous);
    throw err;
  }
}

async function emit(s: BallerineSimulatorState, eventName: 'workflow.state.changed' | 'workflow.completed', run: StoredRun): Promise<void> {
  const definition = s.definitions.get(run.workflowDefinitionId);
  const fromDefinition = Array.isArray(definition?.config?.subscriptions) ? (definition.config.subscriptions as Subscription[]) : [];
  const subscriptions = [...fromDefinition, ...s.customerSubscriptions].filter((sub) => sub.type === 'webhook' && sub.events.includes(eventName));
  const entity = s.entities.get(run.endUserId ?? run.businessId ?? '');
  const assignee = run.assigneeId ? s.users.get(run.assigneeId) : undefined;
  for (const [index, sub] of subscriptions.entries()) {
    // The envelope of Ballerine's webhook callers, plus the assignee as its documentation describes it.
    const payload = {
      id: `sim-webhook-${index}`,
      eventName,
      ...(eventName === 'workflow.state.changed' ? { state: run.state } : {}),
      apiVersion: 1,
      timestamp: new Date().toISOString(),
      assignedAt: run.assignedAt,
      assignee: assignee ? { id: assignee.id, firstName: assignee.firstName ?? '', lastName: assignee.lastName ?? '', email: assignee.email } : null,
      workflowCreatedAt: run.createdAt,
      workflowResolvedAt: run.resolvedAt,
      workflowDefinitionId: run.workflowDefinitionId,
      workflowRuntimeId: run.id,
      ...(eventName === 'workflow.completed' ? { workflowStatus: run.status, workflowFinalState: run.state } : {}),
      ballerineEntityId: entity?.id ?? null,
      correlationId: entity?.correlationId ?? '',
      environment: s.environment,
      data: run.context,
    };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-authorization': s.webhookSecret ?? '',
      'x-hmac-signature': signPayload(payload, s.webhookSecret),
    };
    const record: WebhookDelivery = { url: sub.url, eventName, workflowRuntimeId: run.id, headers, body, status: null, response: null, error: null, at: new Date().toISOString() };
    s.deliveries.push(record);
    try {
      const res = await fetch(sub.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
      record.status = res.status;
      record.response = await res.text();
    } catch (err) {
      record.error = (err as Error).message;
    }
    s.log(`webhook ${eventName} for run ${run.id} → ${sub.url}: ${record.status ?? record.error}`);
  }
}
