import type { Knex } from 'knex';

// Daily exchange rates (KES per unit): today's rate values the positions, the history feeds the
// historical-simulation value-at-risk.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('fx_rates', (t) => {
    t.specificType('currency', 'char(3)').notNullable().comment('ISO 4217 code');
    t.date('rate_date').notNullable();
    t.decimal('kes_per_unit', 18, 6).notNullable().comment('KES for one unit of the currency');
    t.text('source').comment('where the rate comes from, e.g. the central bank mean rate');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['currency', 'rate_date'], { constraintName: 'fx_rates_pkey' });
    t.check(`currency ~ '^[A-Z]{3}$' and currency <> 'KES'`, [], 'fx_rates_currency_check');
    t.check('kes_per_unit > 0', [], 'fx_rates_positive_check');
  });
  await knex.raw(`comment on table fx_rates is 'Daily KES exchange rates, one per currency per date (filled by the bank)'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('fx_rates');
}
