// The CISO Assistant stand-in: the subset of the real REST API that Kinga uses, in memory.
export { startCisoSimulator, type CisoSimulator, type CisoSimulatorOptions, type CisoSimulatorSnapshot } from './server';
export type { CisoFaults, FolderRecord, PerimeterRecord, RequestRecord, RiskAssessmentRecord, RiskMatrixRecord, RiskScenarioRecord } from './server';
export { CRITICAL_5X5_LIBRARY } from './matrix';
