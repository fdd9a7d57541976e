// The baseline worker process: polls its own task queue with the SDK's default settings.
//   node --import tsx benchmarks/baseline/worker.ts <address> <namespace> <taskQueue>
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createBaselineActivities } from './activities';

const [address, namespace, taskQueue] = process.argv.slice(2);
if (!address || !namespace || !taskQueue) {
  console.error('usage: benchmarks/baseline/worker.ts <address> <namespace> <taskQueue>');
  process.exit(2);
}
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  namespace,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities: createBaselineActivities(),
});
const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log('baseline worker ready');
await worker.run();
await connection.close();
process.exit(0);
