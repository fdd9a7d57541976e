import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('analyst_cases', (t) => {
    t.text('ballerine_workflow_id').comment('the workflowRuntimeId of the case in Ballerine; null until opened there (or with Ballerine off)');
    // Webhooks find their case by it; unique, because one Ballerine run is one case (nulls do not collide).
    t.unique(['ballerine_workflow_id'], { indexName: 'analyst_cases_ballerine_workflow_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('analyst_cases', (t) => {
    t.dropUnique(['ballerine_workflow_id'], 'analyst_cases_ballerine_workflow_unique');
    t.dropColumn('ballerine_workflow_id');
  });
}
