// How every Kinga process reaches the Temporal frontend: plain gRPC on a private network, TLS, mTLS
// with a client certificate (self-hosted clusters), or an API key (Temporal Cloud). The worker, the
// API and scripts build their connections from here, so a cluster's credentials are configured once.
// Certificates and keys come from files (mounted secrets) or inline PEM; none of it is ever logged.
import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { ConfigError } from '../config/parse';

export const TEMPORAL_CONNECTION_VARIABLES = [
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
] as const;

export interface TemporalConnectionConfig {
  /** TLS settings, or undefined for plaintext gRPC */
  tls: TLSConfig | undefined;
  /** sent as `Authorization: Bearer <key>`; never logged */
  apiKey: string | undefined;
}

/** The settings both connection kinds (client Connection and the worker's NativeConnection) take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).optional().transform((v) => (v === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(v)));
const text = z.string().min(1).optional();

const schema = z.object({
  TEMPORAL_TLS: bool,
  TEMPORAL_TLS_CERT: text,
  TEMPORAL_TLS_KEY: text,
  TEMPORAL_TLS_CA: text,
  TEMPORAL_TLS_SERVER_NAME: text,
  TEMPORAL_API_KEY: text,
});

/** Inline PEM (starts with -----BEGIN) or the path of a PEM file. */
function pem(variable: string, value: string): Buffer {
  if (value.trimStart().startsWith('-----BEGIN')) return Buffer.from(value.replace(/\\n/g, '\n'));
  try {
    const content = fs.readFileSync(value);
    if (!content.toString('utf8').includes('-----BEGIN')) throw new Error('not a PEM file');
    return content;
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${variable}: cannot read ${value}: ${(err as Error).message}`);
  }
}

export function loadTemporalConnectionConfig(env: NodeJS.ProcessEnv = process.env): TemporalConnectionConfig {
  // An empty variable means "not set" (compose files and .env templates leave them blank).
  const source = Object.fromEntries(TEMPORAL_CONNECTION_VARIABLES.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]));
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.TEMPORAL_TLS_CERT && !e.TEMPORAL_TLS_KEY) problems.push('TEMPORAL_TLS_KEY: is required with TEMPORAL_TLS_CERT (the client certificate needs its key)');
  if (e.TEMPORAL_TLS_KEY && !e.TEMPORAL_TLS_CERT) problems.push('TEMPORAL_TLS_CERT: is required with TEMPORAL_TLS_KEY');
  const wantsTls = Boolean(e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME);
  if (e.TEMPORAL_TLS === false && wantsTls) problems.push('TEMPORAL_TLS: is false, but TLS certificates or a server name are set');
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);

  // An API key implies TLS (it must not cross the network in clear) unless TLS is switched off explicitly.
  const tlsOn = e.TEMPORAL_TLS ?? (wantsTls || Boolean(e.TEMPORAL_API_KEY));
  let tls: TLSConfig | undefined;
  if (tlsOn) {
    tls = {};
    if (e.TEMPORAL_TLS_CERT && e.TEMPORAL_TLS_KEY) {
      tls.clientCertPair = { crt: pem('TEMPORAL_TLS_CERT', e.TEMPORAL_TLS_CERT), key: pem('TEMPORAL_TLS_KEY', e.TEMPORAL_TLS_KEY) };
    }
    if (e.TEMPORAL_TLS_CA) tls.serverRootCACertificate = pem('TEMPORAL_TLS_CA', e.TEMPORAL_TLS_CA);
    if (e.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = e.TEMPORAL_TLS_SERVER_NAME;
  }
  return { tls, apiKey: e.TEMPORAL_API_KEY };
}

/** Options for `Connection.connect` and `NativeConnection.connect` alike. */
export function temporalConnectionOptions(address: string, conn: TemporalConnectionConfig = loadTemporalConnectionConfig()): TemporalConnectionOptions {
  return {
    address,
    ...(conn.tls ? { tls: conn.tls } : {}),
    ...(conn.apiKey ? { apiKey: conn.apiKey } : {}),
  };
}

/** How the connection is secured, for start-up logs: no secret, no certificate content. */
export function describeTemporalConnection(conn: TemporalConnectionConfig): Record<string, unknown> {
  return {
    tls: conn.tls ? (conn.tls.clientCertPair ? 'mTLS (client certificate)' : 'TLS') : 'off',
    customCa: Boolean(conn.tls?.serverRootCACertificate),
    serverName: conn.tls?.serverNameOverride ?? null,
    auth: conn.apiKey ? 'API key' : 'none',
  };
}

/** A client Connection to `address` with the configured TLS/API key. */
export function connectTemporal(
  address: string,
  conn: TemporalConnectionConfig = loadTemporalConnectionConfig(),
  extra: Omit<ConnectionOptions, 'address' | 'tls' | 'apiKey'> = {},
): Promise<Connection> {
  return Connection.connect({ ...extra, ...temporalConnectionOptions(address, conn) });
}

/** A Client on a new Connection; close it with `client.connection.close()`. */
export async function connectTemporalClient(
  address: string,
  namespace: string,
  conn: TemporalConnectionConfig = loadTemporalConnectionConfig(),
): Promise<Client> {
  const connection = await connectTemporal(address, conn);
  return new Client({ connection, namespace });
}
