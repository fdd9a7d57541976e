// Portfolio risk: the metrics, their breaches as risk events, and their notifications.
export {
  createPortfolioActivities,
  type PortfolioActivities,
  type PortfolioActivityDeps,
  type ComputedPortfolio,
  type RecordedBreach,
  type RecordedEvent,
  type RaisedBreachNotification,
} from './activities';
export { localDate, daysBefore, readActivity, readLiquidity, readMarket } from './inputs';
