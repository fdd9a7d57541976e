// The API under test in this process: createApp on 127.0.0.1 over real HTTP, with users signed in
// through the real login route. One function for what the API tests all need.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from 'express';
import pino from 'pino';
import { createApp, type AppDeps } from '../../api/app';
import type { ApiDeps } from '../../api/context';
import { DEMO_USERS } from '../../api/users/service';

/** What the API runs on: a test stack's database, Temporal client and configuration. */
export interface TestApiStack {
  db: ApiDeps['db'];
  client: ApiDeps['temporal'];
  config: ApiDeps['config'];
}

/** A logger to read what the API logs, or metrics to count its requests (silent and none by default). */
export type TestAppOptions = Partial<Pick<AppDeps, 'logger' | 'metrics'>>;

/** The API app of a test stack, not listening (for supertest), signed with the configuration's JWT secret. */
export function createTestApp(stack: TestApiStack, options: TestAppOptions = {}): Application {
  return createApp({ db: stack.db, temporal: stack.client, config: stack.config, logger: options.logger ?? pino({ level: 'silent' }), jwtSecret: stack.config.api.jwtSecret!, ...(options.metrics ? { metrics: options.metrics } : {}) });
}

export interface TestApi {
  app: Application;
  baseUrl: string;
  /** bearer tokens by username (or by the key given) */
  tokens: Record<string, string>;
  server: Server;
  close(): Promise<void>;
}

/** A demo user by name (their demo password), or anyone with a password; `as` keys the token. */
export type SignIn = string | { username: string; password: string; as?: string };

export async function signIn(baseUrl: string, users: SignIn[], tokens: Record<string, string> = {}): Promise<Record<string, string>> {
  for (const user of users) {
    const { username, password, as } = typeof user === 'string' ? { username: user, password: demoPassword(user), as: user } : { ...user, as: user.as ?? user.username };
    const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    tokens[as] = ((await res.json()) as { token: string }).token;
  }
  return tokens;
}

function demoPassword(username: string): string {
  const user = DEMO_USERS.find((u) => u.username === username);
  if (!user) throw new Error(`${username} is no demo user: give the password`);
  return user.password;
}

/**
 * The API of a test stack on a free port of 127.0.0.1 (or `port`), `users` signed in. The tokens
 * go into `tokens` when given (a jsonClient made before the API started reads them there).
 */
export async function startTestApi(stack: TestApiStack, options: TestAppOptions & { users?: SignIn[]; port?: number; tokens?: Record<string, string> } = {}): Promise<TestApi> {
  const app = createTestApp(stack, options);
  const server = app.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    // open event streams and keep-alive sockets would hold close() until they time out
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    const tokens = await signIn(baseUrl, options.users ?? [], options.tokens ?? {});
    return { app, baseUrl, tokens, server, close };
  } catch (err) {
    await close();
    throw err;
  }
}
