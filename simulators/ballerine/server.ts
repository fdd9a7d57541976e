// Runs the Ballerine stand-in alone:
//   node --import tsx simulators/ballerine/server.ts
// Settings (environment): BALLERINE_SIM_PORT (3100), BALLERINE_SIM_HOST (127.0.0.1),
// BALLERINE_API_KEY (secret), BALLERINE_WEBHOOK_SECRET, BALLERINE_SIM_WEBHOOK_URL (a customer-level
// subscription to workflow.completed and workflow.state.changed), and the fault knob:
// BALLERINE_SIM_LATENCY (ms), BALLERINE_SIM_ERROR_RATE (0..1), BALLERINE_SIM_DOWN (true/false).
import { startBallerineSimulator } from './index';

const env = process.env;
const webhookUrl = env.BALLERINE_SIM_WEBHOOK_URL;

const simulator = await startBallerineSimulator({
  port: Number(env.BALLERINE_SIM_PORT ?? 3100),
  host: env.BALLERINE_SIM_HOST ?? '127.0.0.1',
  apiKey: env.BALLERINE_API_KEY || 'secret',
  webhookSecret: env.BALLERINE_WEBHOOK_SECRET || undefined,
  subscriptions: webhookUrl ? [{ type: 'webhook', url: webhookUrl, events: ['workflow.completed', 'workflow.state.changed'] }] : [],
  faults: {
    latencyMs: Number(env.BALLERINE_SIM_LATENCY ?? 0),
    errorRate: Number(env.BALLERINE_SIM_ERROR_RATE ?? 0),
    down: env.BALLERINE_SIM_DOWN === 'true',
  },
  log: (message) => console.log(`[ballerine-sim] ${message}`),
});
console.log(`[ballerine-sim] listening on ${simulator.url} (API key and webhook secret from the environment)`);

const shutdown = () => {
  simulator.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
