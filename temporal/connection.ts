// How every Kinga process reaches the Temporal frontend: plain gRPC on a private network, TLS, mTLS
// with a client certificate (self-hosted clusters), or an API key (Temporal Cloud). The worker, the
// API and scripts build their connections from here, so a cluster's credentials are configured once.
// The settings are read with the rest of the configuration (config/temporalConnection.ts,
// KingaConfig.temporal.connection); none of it is ever logged.
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import type { TemporalConnectionConfig } from '../config/temporalConnection';

/** The settings both connection kinds (client Connection and the worker's NativeConnection) take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** Options for `Connection.connect` and `NativeConnection.connect` alike. */
export function temporalConnectionOptions(address: string, conn: TemporalConnectionConfig): TemporalConnectionOptions {
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
  conn: TemporalConnectionConfig,
  extra: Omit<ConnectionOptions, 'address' | 'tls' | 'apiKey'> = {},
): Promise<Connection> {
  return Connection.connect({ ...extra, ...temporalConnectionOptions(address, conn) });
}

/** A Client on a new Connection; close it with `client.connection.close()`. */
export async function connectTemporalClient(
  address: string,
  namespace: string,
  conn: TemporalConnectionConfig,
): Promise<Client> {
  const connection = await connectTemporal(address, conn);
  return new Client({ connection, namespace });
}
