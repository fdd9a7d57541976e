import type { Knex } from 'knex';

// Which rule-set version scored each transaction (also in its breakdown's modelVersion, rules/<n>),
// for backtests and shadow comparisons by version.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('transactions', (t) => {
    t.integer('rule_set_version').comment('the rule-set version the score was computed with; null before rule sets');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('transactions', (t) => {
    t.dropColumn('rule_set_version');
  });
}
