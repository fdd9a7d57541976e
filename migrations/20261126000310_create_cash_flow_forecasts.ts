import type { Knex } from 'knex';

// The 30-day stressed cash flows of the LCR: each line a balance and its Basel III run-off
// (outflow) or inflow rate, so the weighted amount is auditable rather than pre-computed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cash_flow_forecasts', (t) => {
    t.bigIncrements('id').primary();
    t.date('as_of_date').notNullable().comment('the date the forecast is made for; it covers the next 30 days');
    t.text('direction').notNullable().comment('outflow or inflow');
    t.text('category').notNullable().comment('e.g. retail deposits (stable), unsecured wholesale, performing loans');
    t.text('description');
    t.decimal('balance', 20, 2).notNullable().comment('KES outstanding');
    t.decimal('rate', 5, 4).notNullable().comment('run-off (outflow) or inflow rate over the 30-day stress, a fraction');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`direction in ('outflow', 'inflow')`, [], 'cash_flow_forecasts_direction_check');
    t.check('balance >= 0', [], 'cash_flow_forecasts_balance_check');
    t.check('rate >= 0 and rate <= 1', [], 'cash_flow_forecasts_rate_check');
    t.unique(['as_of_date', 'direction', 'category'], { indexName: 'cash_flow_forecasts_date_line_unique' });
  });
  await knex.raw(`comment on table cash_flow_forecasts is 'Stressed 30-day cash outflows and inflows by date, the denominator of the liquidity coverage ratio (filled by the bank)'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('cash_flow_forecasts');
}
