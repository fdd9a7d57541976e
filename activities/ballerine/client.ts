// A typed client for the part of Ballerine's workflows-service API that Kinga uses: its workflow
// definition, workflow runs (cases) and the events that move a run. Every call has a timeout;
// failures are BallerineErrors that say whether trying again can help. The API key is sent only in
// the Authorization header and is scrubbed from every message.

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

export class BallerineError extends Error {
  override name = 'BallerineError';
  constructor(
    message: string,
    /** the HTTP status, or null when no answer came (network error, timeout) */
    readonly status: number | null,
    /** 5xx, 429, timeouts and network errors: the same call may succeed later */
    readonly retryable: boolean,
    /** the response body (credentials scrubbed), when there was one */
    readonly body: string | null,
  ) {
    super(message);
  }
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

const MAX_BODY_IN_MESSAGE = 2000;

/** HTTP statuses worth retrying: the server's trouble, not the request's. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function createBallerineClient(options: BallerineClientOptions): BallerineClient {
  const doFetch = options.fetch ?? fetch;
  const base = new URL(options.baseUrl);
  // Messages name the service without any userinfo the URL might carry.
  const origin = `${base.protocol}//${base.host}${base.pathname.replace(/\/+$/, '')}`;
  const scrub = (text: string) => (options.apiKey.length >= 4 ? text.split(options.apiKey).join('[redacted]') : text);

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, allow404 = false): Promise<T | null> {
    const where = `Ballerine ${method} ${origin}${path}`;
    let status: number;
    let text: string;
    try {
      // One signal for the whole exchange, so a body that never finishes also times out.
      const res = await doFetch(`${origin}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      const reason = timedOut ? `no answer within ${options.timeoutMs} ms` : `network error: ${e.cause?.code ?? e.cause?.message ?? e.message}`;
      throw new BallerineError(scrub(`${where}: ${reason}`), null, true, null);
    }
    if (status === 404 && allow404) return null;
    if (status < 200 || status >= 300) {
      const shown = scrub(text);
      const excerpt = shown.length > MAX_BODY_IN_MESSAGE ? `${shown.slice(0, MAX_BODY_IN_MESSAGE)}…` : shown;
      throw new BallerineError(`${where} answered ${status}: ${excerpt || '(empty body)'}`, status, isRetryableStatus(status), shown);
    }
    if (!text) return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new BallerineError(`${where} answered ${status} with a body that is not JSON`, status, false, scrub(text));
    }
  }

  const nonNull = <T>(value: T | null, what: string): T => {
    if (value === null) throw new BallerineError(`Ballerine answered without ${what}`, 200, false, null);
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
          throw new BallerineError(`Ballerine workflow definition ${input.id} exists but is named "${found.name}", not "${input.name}"`, 200, false, null);
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
      if (!result.workflowRuntimeId) throw new BallerineError('Ballerine answered the run without a workflowRuntimeId', 200, false, JSON.stringify(result));
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
