import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('analyst_cases', (t) => {
    t.bigIncrements('id').primary();
    t.text('transaction_ref')
      .notNullable()
      .unique({ indexName: 'analyst_cases_transaction_unique' })
      .references('transaction_ref')
      .inTable('transactions')
      .withKeyName('analyst_cases_transaction_fk');
    t.text('workflow_id').notNullable();
    t.text('risk_level').notNullable();
    t.text('status').notNullable().defaultTo('assigned');
    t.text('required_role').notNullable().comment('the least role allowed to decide the case now');
    t.text('assignee').comment('the analyst working the case, if someone took it');
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.specificType('escalated_by', 'text[]').notNullable().defaultTo('{}').comment('everyone who escalated: four-eyes');
    t.timestamp('sla_due_at', { useTz: true }).notNullable();
    t.text('decision');
    t.text('decided_by');
    t.text('decision_note');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`status in ('assigned', 'escalated', 'closed')`, [], 'analyst_cases_status_check');
    t.check(`risk_level in ('medium', 'high')`, [], 'analyst_cases_risk_level_check');
    t.check(`decision is null or decision in ('approve', 'block')`, [], 'analyst_cases_decision_check');
    t.index(['status', 'risk_level', 'opened_at'], 'analyst_cases_queue_idx');
    t.index(['assignee'], 'analyst_cases_assignee_idx');
  });
  await knex.raw(`comment on table analyst_cases is 'Read model of each medium/high transaction''s case, kept current by its workflow'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('analyst_cases');
}
