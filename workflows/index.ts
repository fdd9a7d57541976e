// The workflow bundle's entry point: every workflow the worker runs is exported here.
export { transactionLifecycle } from './lifecycle/workflow';
export { warehouseExtraction } from './extraction/workflow';
export { anomalyModelTraining } from './training/workflow';
export { portfolioRisk, breachNotification } from './portfolio/workflow';
export { whatIfBacktest } from './backtest/workflow';
