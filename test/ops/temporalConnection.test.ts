// Connections to a Temporal cluster that wants TLS: the settings are validated with errors naming
// the variable, and a real mTLS handshake works for both connection kinds (the API's and scripts'
// client Connection, the worker's NativeConnection). The "cluster" is the harness's dev server
// behind a TLS terminator that demands a client certificate from this test's own CA.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadTemporalConnectionConfig } from '../../config/temporalConnection';
import { connectTemporal, describeTemporalConnection, temporalConnectionOptions } from '../../temporal/connection';

const SERVER_NAME = 'kinga-temporal.test';
let dir: string;
let proxy: tls.Server;
let proxyAddress: string;
const file = (name: string) => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, a server certificate for SERVER_NAME and a client certificate, all signed by that CA. */
function makeCertificates(): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Kinga test CA');
  for (const [name, usage, san] of [
    ['server', 'serverAuth', `subjectAltName=DNS:${SERVER_NAME}`],
    ['client', 'clientAuth', 'subjectAltName=DNS:kinga-worker.test'],
  ] as const) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    fs.writeFileSync(file(`${name}.ext`), `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=${usage}\n${san}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-tls-'));
  makeCertificates();
  const upstream = inject('temporalAddress');
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];
  // mTLS terminator: only clients with a certificate from the test CA get through to Temporal.
  proxy = tls.createServer(
    { key: fs.readFileSync(file('server.key')), cert: fs.readFileSync(file('server.pem')), ca: fs.readFileSync(file('ca.pem')), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] },
    (client) => {
      const backend = net.connect(port, host);
      client.on('error', () => backend.destroy());
      backend.on('error', () => client.destroy());
      client.pipe(backend).pipe(client);
    },
  );
  proxy.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyAddress = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const mtlsEnv = () => ({
  TEMPORAL_TLS_CERT: file('client.pem'),
  TEMPORAL_TLS_KEY: file('client.key'),
  TEMPORAL_TLS_CA: file('ca.pem'),
  TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
});

describe('Temporal connection settings', () => {
  it('are plaintext by default, TLS with an API key, mTLS with a certificate pair', () => {
    expect(loadTemporalConnectionConfig({})).toEqual({ tls: undefined, apiKey: undefined });
    expect(temporalConnectionOptions('temporal:7233', loadTemporalConnectionConfig({}))).toEqual({ address: 'temporal:7233' });

    const cloud = loadTemporalConnectionConfig({ TEMPORAL_API_KEY: 'secret-key-value' });
    expect(cloud).toEqual({ tls: {}, apiKey: 'secret-key-value' });
    expect(temporalConnectionOptions('ns.acct.tmprl.cloud:7233', cloud)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'secret-key-value' });
    // an explicit TEMPORAL_TLS=false wins (a local TLS-terminating sidecar)
    expect(loadTemporalConnectionConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls).toBeUndefined();
    expect(loadTemporalConnectionConfig({ TEMPORAL_TLS: 'true' }).tls).toEqual({});

    const mtls = loadTemporalConnectionConfig(mtlsEnv());
    expect(mtls.tls?.clientCertPair?.crt.toString()).toBe(fs.readFileSync(file('client.pem'), 'utf8'));
    expect(mtls.tls?.serverRootCACertificate?.toString()).toContain('-----BEGIN CERTIFICATE-----');
    expect(mtls.tls?.serverNameOverride).toBe(SERVER_NAME);
    // inline PEM (a secret injected as a variable, newlines escaped) works as well as a file
    const inline = loadTemporalConnectionConfig({ ...mtlsEnv(), TEMPORAL_TLS_CERT: fs.readFileSync(file('client.pem'), 'utf8').replace(/\n/g, '\\n') });
    expect(inline.tls?.clientCertPair?.crt.toString()).toBe(fs.readFileSync(file('client.pem'), 'utf8'));
    // blank values (compose, .env templates) mean unset
    expect(loadTemporalConnectionConfig({ TEMPORAL_TLS_CERT: '', TEMPORAL_API_KEY: '' })).toEqual({ tls: undefined, apiKey: undefined });
  });

  it('refuse incomplete or contradictory settings, naming the variable', () => {
    expect(() => loadTemporalConnectionConfig({ TEMPORAL_TLS_CERT: file('client.pem') })).toThrow(/TEMPORAL_TLS_KEY: is required with TEMPORAL_TLS_CERT/);
    expect(() => loadTemporalConnectionConfig({ TEMPORAL_TLS_KEY: file('client.key') })).toThrow(/TEMPORAL_TLS_CERT: is required with TEMPORAL_TLS_KEY/);
    expect(() => loadTemporalConnectionConfig({ TEMPORAL_TLS_CA: file('ca.pem'), TEMPORAL_TLS: 'false' })).toThrow(/TEMPORAL_TLS: is false/);
    expect(() => loadTemporalConnectionConfig({ ...mtlsEnv(), TEMPORAL_TLS_CA: file('missing.pem') })).toThrow(/TEMPORAL_TLS_CA: cannot read .*missing\.pem/);
    fs.writeFileSync(file('not-pem.txt'), 'hello');
    expect(() => loadTemporalConnectionConfig({ ...mtlsEnv(), TEMPORAL_TLS_CA: file('not-pem.txt') })).toThrow(/TEMPORAL_TLS_CA: cannot read .*not a PEM file/);
    expect(() => loadTemporalConnectionConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS/);
  });

  it('are described for logs without any secret or certificate', () => {
    const text = JSON.stringify(describeTemporalConnection(loadTemporalConnectionConfig({ ...mtlsEnv(), TEMPORAL_API_KEY: 'secret-key-value' })));
    expect(text).not.toContain('secret-key-value');
    expect(text).not.toContain('BEGIN');
    expect(JSON.parse(text)).toEqual({ tls: 'mTLS (client certificate)', customCa: true, serverName: SERVER_NAME, auth: 'API key' });
  });
});

describe('an mTLS connection to Temporal', () => {
  it('works for the client Connection and the worker NativeConnection with the configured certificates', async () => {
    const config = loadTemporalConnectionConfig(mtlsEnv());
    const connection = await connectTemporal(proxyAddress, config);
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
      const ns = await connection.workflowService.describeNamespace({ namespace: inject('temporalNamespace') });
      expect(ns.namespaceInfo?.name).toBe(inject('temporalNamespace'));
    } finally {
      await connection.close();
    }
    const native = await NativeConnection.connect(temporalConnectionOptions(proxyAddress, config));
    try {
      const info = await native.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await native.close();
    }
  });

  it('is refused without the client certificate, and without the cluster’s CA', async () => {
    const noClientCert = loadTemporalConnectionConfig({ TEMPORAL_TLS_CA: file('ca.pem'), TEMPORAL_TLS_SERVER_NAME: SERVER_NAME });
    await expect(connectTemporal(proxyAddress, noClientCert, { connectTimeout: 1_000 })).rejects.toThrow();
    await expect(NativeConnection.connect(temporalConnectionOptions(proxyAddress, noClientCert))).rejects.toThrow();
    // the system trust store does not know the test CA: the server is not trusted
    const { TEMPORAL_TLS_CA: _ca, ...withoutCa } = mtlsEnv();
    await expect(connectTemporal(proxyAddress, loadTemporalConnectionConfig(withoutCa), { connectTimeout: 1_000 })).rejects.toThrow();
  });
});
