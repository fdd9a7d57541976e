// The activity factory: the worker (and tests) inject the database, clients and configuration.
import type { ActivityDeps } from './deps';
import { createExtractionActivities } from './extraction';
import { createLifecycleActivities } from './lifecycle';
import { createScoringActivities } from './scoring';
import { createTrainingActivities } from './training';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createLifecycleActivities(deps),
    ...createScoringActivities(deps),
    ...createExtractionActivities(deps),
    ...createTrainingActivities(deps),
  };
}

export type KingaActivities = ReturnType<typeof createActivities>;
