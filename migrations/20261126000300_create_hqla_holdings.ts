import type { Knex } from 'knex';

// High-quality liquid assets, as the bank's treasury reports them: one row per asset per date.
// The liquidity model reads the latest date and applies the Basel III haircuts and caps.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('hqla_holdings', (t) => {
    t.bigIncrements('id').primary();
    t.date('as_of_date').notNullable().comment('the date the holding is reported for');
    t.text('asset_ref').notNullable().comment("the treasury's identifier of the asset (e.g. an ISIN or an account)");
    t.text('description');
    t.text('level').notNullable().comment('Basel III HQLA level: 1, 2A or 2B');
    t.decimal('market_value', 20, 2).notNullable().comment('KES, before haircut');
    t.decimal('haircut', 5, 4).comment('fraction taken off the market value; null: the level default (0, 0.15, 0.50)');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`level in ('1', '2A', '2B')`, [], 'hqla_holdings_level_check');
    t.check('market_value >= 0', [], 'hqla_holdings_market_value_check');
    t.check('haircut is null or (haircut >= 0 and haircut <= 1)', [], 'hqla_holdings_haircut_check');
    t.unique(['as_of_date', 'asset_ref'], { indexName: 'hqla_holdings_date_asset_unique' });
  });
  await knex.raw(`comment on table hqla_holdings is 'High-quality liquid assets by date, the numerator of the liquidity coverage ratio (filled by the bank)'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('hqla_holdings');
}
