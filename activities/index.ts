// The activity factory: the worker (and tests) inject the database, clients and configuration.
import type { ActivityDeps } from './deps';
import { createExtractionActivities } from './extraction';
import { createLifecycleActivities } from './lifecycle';
import { createScoringActivities } from './scoring';
import { createBacktestActivities } from './backtest';
import { createRoutingActivities } from './routing';
import { createTrainingActivities } from './training';
import { createTazamaActivities } from './tazama';
import { createBallerineActivities } from './ballerine';
import { createPortfolioActivities } from './portfolio';
import { createCisoActivities } from './ciso';
import { createNotificationActivities } from './notifications';
import { withFailureClassification } from './failures';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  const lifecycle = createLifecycleActivities(deps);
  const scoring = createScoringActivities(deps);
  return withFailureClassification({
    ...lifecycle,
    ...scoring,
    ...createBacktestActivities(deps),
    ...createRoutingActivities(deps, { lifecycle, scoring }),
    ...createExtractionActivities(deps),
    ...createTrainingActivities(deps),
    ...createTazamaActivities({ db: deps.db, logger: deps.logger, tazama: deps.config.tazama }),
    ...createBallerineActivities({ db: deps.db, logger: deps.logger, ballerine: deps.config.ballerine }),
    ...createPortfolioActivities({ db: deps.db, portfolio: deps.config.portfolio, notifications: deps.config.notifications, logger: deps.logger }),
    ...createCisoActivities({ ciso: deps.config.ciso, logger: deps.logger }),
    ...createNotificationActivities({ db: deps.db, notifications: deps.config.notifications, logger: deps.logger }),
  });
}

export type KingaActivities = ReturnType<typeof createActivities>;
