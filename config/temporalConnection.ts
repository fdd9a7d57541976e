// How Kinga's processes reach the Temporal frontend: plain gRPC, TLS, mTLS with a client
// certificate (self-hosted clusters), or an API key (Temporal Cloud); KingaConfig.temporal.connection.
// Certificates and keys come from files (mounted secrets) or inline PEM; none of it is ever logged.
import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { ConfigError } from './parse';
import { configSection, type Environment } from './section';

export interface TemporalConnectionConfig {
  /** TLS settings, or undefined for plaintext gRPC */
  tls: TLSConfig | undefined;
  /** sent as `Authorization: Bearer <key>`; never logged */
  apiKey: string | undefined;
}

// unset stays undefined: TLS then follows from the other settings
const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).optional().transform((v) => (v === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(v)));
const text = z.string().min(1).optional();

const schema = z.object({
  TEMPORAL_TLS: flag,
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
    throw ConfigError.of([`${variable}: cannot read ${value}: ${(err as Error).message}`]);
  }
}

const wantsTls = (e: z.output<typeof schema>) => Boolean(e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME);

export const temporalConnectionSection = configSection({
  schema,
  check: (e) => [
    ...(e.TEMPORAL_TLS_CERT && !e.TEMPORAL_TLS_KEY ? ['TEMPORAL_TLS_KEY: is required with TEMPORAL_TLS_CERT (the client certificate needs its key)'] : []),
    ...(e.TEMPORAL_TLS_KEY && !e.TEMPORAL_TLS_CERT ? ['TEMPORAL_TLS_CERT: is required with TEMPORAL_TLS_KEY'] : []),
    ...(e.TEMPORAL_TLS === false && wantsTls(e) ? ['TEMPORAL_TLS: is false, but TLS certificates or a server name are set'] : []),
  ],
  build: (e): TemporalConnectionConfig => {
    // An API key implies TLS (it must not cross the network in clear) unless TLS is switched off explicitly.
    const tlsOn = e.TEMPORAL_TLS ?? (wantsTls(e) || Boolean(e.TEMPORAL_API_KEY));
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
  },
});

export const TEMPORAL_CONNECTION_VARIABLES = temporalConnectionSection.variables;

export const loadTemporalConnectionConfig = (env: Environment): TemporalConnectionConfig => temporalConnectionSection.load(env);
