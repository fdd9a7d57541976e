import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tazama_evaluations', (t) => {
    t.text('transaction_ref')
      .primary({ constraintName: 'tazama_evaluations_pkey' })
      .references('transaction_ref')
      .inTable('transactions')
      .withKeyName('tazama_evaluations_transaction_fk');
    t.text('pacs008_msg_id').notNullable().unique({ indexName: 'tazama_evaluations_pacs008_unique' });
    t.text('pacs002_msg_id').notNullable().unique({ indexName: 'tazama_evaluations_pacs002_unique' }).comment('the id Tazama keys its evaluation by');
    t.text('end_to_end_id').notNullable().unique({ indexName: 'tazama_evaluations_e2e_unique' }).comment('links the pacs.008 and its pacs.002');
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('pacs008_accepted_at', { useTz: true }).comment('the TMS accepted the pacs.008: a retry does not send it again');
    t.timestamp('pacs002_accepted_at', { useTz: true });
    t.timestamp('submitted_at', { useTz: true }).comment('both messages accepted; Tazama is evaluating');
    t.integer('submit_attempts').notNullable().defaultTo(0);
    t.text('last_error').comment('the last failed call, without credentials');
    t.text('result_status').comment('ALRT or NALT');
    t.jsonb('evaluation').comment('the parsed evaluation (risk/tazama.ts TazamaEvaluation)');
    t.text('received_via').comment('push (relay) or poll (admin report)');
    t.timestamp('evaluated_at', { useTz: true });
    t.text('outcome_detail').comment('what the lifecycle concluded, in plain words');
    t.timestamp('decided_at', { useTz: true }).comment('when the lifecycle recorded its Tazama outcome');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`status in ('pending', 'submitted', 'evaluated', 'timed_out', 'unavailable', 'disabled')`, [], 'tazama_evaluations_status_check');
    t.check(`result_status is null or result_status in ('ALRT', 'NALT')`, [], 'tazama_evaluations_result_status_check');
    t.check(`received_via is null or received_via in ('push', 'poll')`, [], 'tazama_evaluations_received_via_check');
    t.index(['status', 'created_at'], 'tazama_evaluations_status_idx');
  });
  await knex.raw(`comment on table tazama_evaluations is 'One Tazama submission (pacs.008 + pacs.002) per transaction and its evaluation'`);
  await knex.raw(
    `comment on column tazama_evaluations.status is 'pending (being submitted) → submitted → evaluated | timed_out | unavailable; disabled when Tazama is off'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tazama_evaluations');
}
