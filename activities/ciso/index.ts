// CISO Assistant: the REST client and the activities built on it.
export { createCisoActivities, CISO_FAILURE, type CisoActivities, type CisoActivityDeps, type CisoSetup, type ScenarioRecovery, type ScenarioResult } from './activities';
export { CisoClient, CisoApiError, type CisoClientOptions, type CisoRegister, type RecoveredScenario, type RecoveryInput, type ScenarioInput, type UpsertedScenario, CLOSED_TREATMENT } from './client';
