// A typed client for the part of Ballerine's workflows-service API that Kinga uses: its workflow
// definition, workflow runs (cases) and the events that move a run. A thin adapter on the shared
// vendor HTTP core (../vendorHttp.ts: timeout, retry classification, scrubbing); failures are
// BallerineErrors. The API key is sent only in the Authorization header.
import { createVendorHttp, VendorHttpError } from '../vendorHttp';

/** One state of a statechart-json definition (xstate-like). */
export interface StateNode {
  type?: 'final';
  tags?: string[];
  on?: Record<string, string>;
}

export interface StateChart {
  id: string;
  initial: string;
  predictableActionArguments?: boolean;
  states: Record<string, StateNode>;
}

/** Body of POST /api/v1/internal/workflows. */
export interface WorkflowDefinitionInput {
  id: string;
  name: string;
  version?: number;
  definitionType: 'statechart-json';
  definition: StateChart;
  config?: Record<string, unknown>;
  contextSchema?: Record<string, unknown> | null;
}

export interface WorkflowDefinition {
  id: string;
  name: string;
  version: number;
  definitionType: string;
  definition: StateChart;
  config: Record<string, unknown> | null;
}

export interface RunEntity {
  type: 'individual' | 'business';
  /** your correlation id: a later run with the same id reuses the entity (and its active run) */
  id: string;
  data: Record<string, unknown>;
}

/** Body of POST /api/v1/external/workflows/run. */
export interface RunRequest {
  workflowId: string;
  context: {
    entity: RunEntity;
    documents: unknown[];
    customData?: Record<string, unknown>;
  };
}

export interface RunResult {
  workflowDefinitionId: string;
  workflowRuntimeId: string;
  ballerineEntityId: string;
  entities?: { id: string; type: string }[];
}

/** A WorkflowRuntimeData row, as GET /api/v1/external/workflows/:id answers it. */
export interface WorkflowRuntime {
  id: string;
  workflowDefinitionId: string;
  workflowDefinitionVersion: number;
  context: Record<string, unknown>;
  config: Record<string, unknown> | null;
  /** the current state of the definition's statechart */
  state: string;
  status: 'active' | 'completed' | 'failed';
  tags: string[];
  assigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  [key: string]: unknown;
}

export interface WorkflowEvent {
  name: string;
  payload?: Record<string, unknown>;
}

/** A failed Ballerine call: the shared vendor error (code, status, retryable, scrubbed body). */
export class BallerineError extends VendorHttpError {
  override name = 'BallerineError';
}

export interface BallerineClientOptions {
  /** e.g. http://localhost:3000 — without /api/v1 */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** for tests; the global fetch otherwise */
  fetch?: typeof fetch;
}

export interface BallerineClient {
  getWorkflowDefinition(id: string): Promise<WorkflowDefinition | null>;
  createWorkflowDefinition(input: WorkflowDefinitionInput): Promise<WorkflowDefinition>;
  /** Finds the definition by its id (Kinga creates it with id = name), creating it when missing. */
  ensureWorkflowDefinition(input: WorkflowDefinitionInput): Promise<{ definition: WorkflowDefinition; created: boolean }>;
  runWorkflow(request: RunRequest): Promise<RunResult>;
  getWorkflow(id: string): Promise<WorkflowRuntime | null>;
  sendEvent(id: string, event: WorkflowEvent): Promise<WorkflowRuntime>;
}

export function createBallerineClient(options: BallerineClientOptions): BallerineClient {
  const base = new URL(options.baseUrl);
  // Messages name the service without any userinfo the URL might carry.
  const origin = `${base.protocol}//${base.host}${base.pathname.replace(/\/+$/, '')}`;
  const http = createVendorHttp({
    timeoutMs: options.timeoutMs,
    secrets: [options.apiKey],
    ...(options.fetch ? { fetch: options.fetch } : {}),
    error: (message, fields) => new BallerineError(message, fields),
  });
  const protocolError = (message: string, body: string | null = null) => http.error(message, { code: 'protocol', status: 200, retryable: false, body });

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, allow404 = false): Promise<T | null> {
    const what = `Ballerine ${method} ${origin}${path}`;
    const answer = await http.exchange(what, `${origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status === 404 && allow404) return null;
    if (!answer.ok) throw http.failure(what, answer);
    if (!answer.text) return null;
    return http.json<T>(what, answer);
  }

  const nonNull = <T>(value: T | null, what: string): T => {
    if (value === null) throw protocolError(`Ballerine answered without ${what}`);
    return value;
  };

  const client: BallerineClient = {
    async getWorkflowDefinition(id) {
      return call<WorkflowDefinition>('GET', `/api/v1/external/workflows/workflow-definition/${encodeURIComponent(id)}`, undefined, true);
    },

    async createWorkflowDefinition(input) {
      return nonNull(await call<WorkflowDefinition>('POST', '/api/v1/internal/workflows', input), 'the created definition');
    },

    async ensureWorkflowDefinition(input) {
      const check = (found: WorkflowDefinition) => {
        if (found.name !== input.name) {
          throw protocolError(`Ballerine workflow definition ${input.id} exists but is named "${found.name}", not "${input.name}"`);
        }
        return found;
      };
      const existing = await client.getWorkflowDefinition(input.id);
      if (existing) return { definition: check(existing), created: false };
      try {
        return { definition: check(await client.createWorkflowDefinition(input)), created: true };
      } catch (err) {
        // Another worker may have created it in the meantime: then it exists now.
        if (err instanceof BallerineError && err.status !== null) {
          const raced = await client.getWorkflowDefinition(input.id);
          if (raced) return { definition: check(raced), created: false };
        }
        throw err;
      }
    },

    async runWorkflow(request) {
      const result = nonNull(await call<RunResult>('POST', '/api/v1/external/workflows/run', request), 'a run');
      if (!result.workflowRuntimeId) throw protocolError('Ballerine answered the run without a workflowRuntimeId', JSON.stringify(result));
      return result;
    },

    async getWorkflow(id) {
      return call<WorkflowRuntime>('GET', `/api/v1/external/workflows/${encodeURIComponent(id)}`, undefined, true);
    },

    async sendEvent(id, event) {
      return nonNull(await call<WorkflowRuntime>('POST', `/api/v1/external/workflows/${encodeURIComponent(id)}/send-event`, event), 'the updated run');
    },
  };
  return client;
}
