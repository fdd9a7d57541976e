// The schedules that drive Kinga: warehouse extraction and anomaly-model training. Created or
// brought up to date at worker start-up, so configuration changes reach them on the next deploy.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import type { KingaConfig } from '../config';
import { EXTRACTION_SCHEDULE_ID } from '../workflows/extraction/definitions';
import { TRAINING_SCHEDULE_ID } from '../workflows/training/definitions';
import { PORTFOLIO_SCHEDULE_ID, PORTFOLIO_WORKFLOW_ID } from '../workflows/portfolio/definitions';

export function scheduleOptions(config: KingaConfig): ScheduleOptions[] {
  const taskQueue = config.temporal.taskQueue;
  return [
    {
      scheduleId: EXTRACTION_SCHEDULE_ID,
      spec: { intervals: [{ every: config.warehouse.intervalMs }] },
      action: { type: 'startWorkflow', workflowType: 'warehouseExtraction', workflowId: 'extraction', taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { paused: !config.warehouse.enabled, note: config.warehouse.enabled ? undefined : 'EXTRACTION_ENABLED=false' },
    },
    {
      scheduleId: TRAINING_SCHEDULE_ID,
      spec: { cronExpressions: [config.anomalyTraining.cron], timezone: config.scoring.rules.offHours.timeZone },
      action: { type: 'startWorkflow', workflowType: 'anomalyModelTraining', workflowId: 'anomaly-training', taskQueue, args: [{ reason: 'scheduled' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      state: { paused: !config.scoring.anomaly.enabled },
    },
    {
      scheduleId: PORTFOLIO_SCHEDULE_ID,
      spec: { intervals: [{ every: config.portfolio.intervalMs }] },
      action: { type: 'startWorkflow', workflowType: 'portfolioRisk', workflowId: PORTFOLIO_WORKFLOW_ID, taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      state: { paused: !config.portfolio.enabled, note: config.portfolio.enabled ? undefined : 'PORTFOLIO_ENABLED=false' },
    },
  ];
}

export async function ensureSchedules(client: Client, config: KingaConfig, logger: Logger): Promise<void> {
  for (const options of scheduleOptions(config)) {
    try {
      await client.schedule.create(options);
      logger.info({ scheduleId: options.scheduleId }, 'schedule created');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
        state: { ...previous.state, paused: options.state?.paused ?? false },
      }));
      logger.info({ scheduleId: options.scheduleId }, 'schedule updated');
    }
  }
}
