// Migrations are listed explicitly rather than discovered on disk, so that they load the same way
// under tsx, vitest and a bundled build.
import type { Knex } from 'knex';
import * as createUsers from './20261125100000_create_users';
import * as createTransactionHistory from './20261125100100_create_transaction_history';
import * as createTransactions from './20261125100200_create_transactions';
import * as createAnalystCases from './20261125100300_create_analyst_cases';
import * as createCaseEvents from './20261125100400_create_case_events';
import * as createMerchantBlacklist from './20261125100500_create_merchant_blacklist';
import * as createAnomalyModels from './20261125100600_create_anomaly_models';
import * as createRiskMetrics from './20261125100700_create_risk_metrics';
import * as createRiskEvents from './20261125100800_create_risk_events';
import * as createExtractionWatermarks from './20261125100900_create_extraction_watermarks';
import * as createNotifications from './20261125101000_create_notifications';
import * as createTazamaEvaluations from './20261126000100_create_tazama_evaluations';
import * as addBallerineToAnalystCases from './20261126000200_add_ballerine_to_analyst_cases';
import * as addEmailToUsers from './20261126000201_add_email_to_users';
import * as createHqlaHoldings from './20261126000300_create_hqla_holdings';
import * as createCashFlowForecasts from './20261126000310_create_cash_flow_forecasts';
import * as createFxPositions from './20261126000320_create_fx_positions';
import * as createFxRates from './20261126000330_create_fx_rates';
import * as addDeliveryToNotifications from './20261126000340_add_delivery_to_notifications';
import * as addTransactionsOccurredAtIndex from './20261126000350_add_transactions_occurred_at_index';
import * as addDashboardReadModel from './20261126000400_add_dashboard_read_model';
import * as restrictAuditPrivileges from './20261126000500_restrict_audit_privileges';
import * as createRevokedTokens from './20261203000100_create_revoked_tokens';
import * as createLoginFailures from './20261203000110_create_login_failures';
import * as createAdminEvents from './20261203000200_create_admin_events';
import * as createQuarantinedWarehouseRows from './20261203060000_create_quarantined_warehouse_rows';
import * as createRuleSets from './20261203070000_create_rule_sets';
import * as addRuleSetVersionToTransactions from './20261203070010_add_rule_set_version_to_transactions';
import * as createScoringInputs from './20261203090000_create_scoring_inputs';
import * as createBacktests from './20261203090100_create_backtests';
import * as createShadowRuns from './20261203090200_create_shadow_runs';
import * as addNeedsAttentionToTransactions from './20261203100000_add_needs_attention_to_transactions';
import * as addScoringFailuresToShadowRuns from './20261203120000_add_scoring_failures_to_shadow_runs';
import * as createCustomerProfiles from './20261203130000_create_customer_profiles';
import * as addSessionGenerationToUsers from './20261203140000_add_session_generation_to_users';

type Migration = { up: (knex: Knex) => Promise<void>; down: (knex: Knex) => Promise<void> };

const migrations: Record<string, Migration> = {
  '20261125100000_create_users': createUsers,
  '20261125100100_create_transaction_history': createTransactionHistory,
  '20261125100200_create_transactions': createTransactions,
  '20261125100300_create_analyst_cases': createAnalystCases,
  '20261125100400_create_case_events': createCaseEvents,
  '20261125100500_create_merchant_blacklist': createMerchantBlacklist,
  '20261125100600_create_anomaly_models': createAnomalyModels,
  '20261125100700_create_risk_metrics': createRiskMetrics,
  '20261125100800_create_risk_events': createRiskEvents,
  '20261125100900_create_extraction_watermarks': createExtractionWatermarks,
  '20261125101000_create_notifications': createNotifications,
  '20261126000100_create_tazama_evaluations': createTazamaEvaluations,
  '20261126000200_add_ballerine_to_analyst_cases': addBallerineToAnalystCases,
  '20261126000201_add_email_to_users': addEmailToUsers,
  '20261126000300_create_hqla_holdings': createHqlaHoldings,
  '20261126000310_create_cash_flow_forecasts': createCashFlowForecasts,
  '20261126000320_create_fx_positions': createFxPositions,
  '20261126000330_create_fx_rates': createFxRates,
  '20261126000340_add_delivery_to_notifications': addDeliveryToNotifications,
  '20261126000350_add_transactions_occurred_at_index': addTransactionsOccurredAtIndex,
  '20261126000400_add_dashboard_read_model': addDashboardReadModel,
  '20261126000500_restrict_audit_privileges': restrictAuditPrivileges,
  '20261203000100_create_revoked_tokens': createRevokedTokens,
  '20261203000110_create_login_failures': createLoginFailures,
  '20261203000200_create_admin_events': createAdminEvents,
  '20261203060000_create_quarantined_warehouse_rows': createQuarantinedWarehouseRows,
  '20261203070000_create_rule_sets': createRuleSets,
  '20261203070010_add_rule_set_version_to_transactions': addRuleSetVersionToTransactions,
  '20261203090000_create_scoring_inputs': createScoringInputs,
  '20261203090100_create_backtests': createBacktests,
  '20261203090200_create_shadow_runs': createShadowRuns,
  '20261203100000_add_needs_attention_to_transactions': addNeedsAttentionToTransactions,
  '20261203120000_add_scoring_failures_to_shadow_runs': addScoringFailuresToShadowRuns,
  '20261203130000_create_customer_profiles': createCustomerProfiles,
  '20261203140000_add_session_generation_to_users': addSessionGenerationToUsers,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};

export const migrationConfig: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' };
