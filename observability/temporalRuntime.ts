// The worker's Temporal runtime: SDK logs into pino, SDK metrics on a Prometheus endpoint, and the
// interceptors that carry correlation ids. Installed once per process, before any connection.
import { fileURLToPath } from 'node:url';
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from 'pino';
import { coreLogLevel, PinoSdkLogger, type PinoLevel } from './logger';

/** Workflow interceptor modules: pass to Worker.create (interceptors.workflowModules) or to bundleWorkflowCode (workflowInterceptorModules). */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [fileURLToPath(new URL('./workflowInterceptors.ts', import.meta.url))];

export interface WorkerRuntimeOptions {
  logger: Logger;
  logLevel: PinoLevel;
  /** host:port for the SDK's Prometheus exporter (`/metrics`); undefined → no exporter */
  metricsBindAddress?: string;
}

/**
 * Runtime.install with Kinga's telemetry. Signals are left to the caller (shutdownSignals: []),
 * which drains the worker itself and so knows when it is done.
 */
export function installWorkerRuntime(options: WorkerRuntimeOptions): Runtime {
  return Runtime.install({
    logger: new PinoSdkLogger(options.logger),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: coreLogLevel(options.logLevel), other: 'ERROR' }), forward: {} },
      ...(options.metricsBindAddress ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress, useSecondsForDurations: true } } } : {}),
    },
  });
}

/** `host:port`, with IPv6 hosts in brackets. */
export function bindAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
