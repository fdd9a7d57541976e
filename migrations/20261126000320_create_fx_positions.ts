import type { Knex } from 'knex';

// The bank's net foreign-currency positions by date and book: the exposure of the market-risk model.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('fx_positions', (t) => {
    t.bigIncrements('id').primary();
    t.date('as_of_date').notNullable();
    t.specificType('currency', 'char(3)').notNullable().comment('ISO 4217 code, never KES');
    t.text('book').notNullable().defaultTo('treasury').comment('the desk or book that holds the position');
    t.decimal('amount', 20, 2).notNullable().comment('net amount in the currency: positive long, negative short');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`currency ~ '^[A-Z]{3}$' and currency <> 'KES'`, [], 'fx_positions_currency_check');
    t.unique(['as_of_date', 'currency', 'book'], { indexName: 'fx_positions_date_currency_book_unique' });
  });
  await knex.raw(`comment on table fx_positions is 'Net FX positions by date and book, valued in KES by the market-risk model (filled by the bank)'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('fx_positions');
}
