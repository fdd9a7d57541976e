import type { Knex } from 'knex';

// Warehouse rows that break the input rules (boundary/inputRules.ts) are kept here with the reason
// instead of being retried for ever or dropped: extraction moves its watermark past them, and
// operators see them (GET /api/warehouse/quarantine, the Operations page) and fix them at the
// source. A row is quarantined once per source and cursor, however often extraction repeats.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('quarantined_warehouse_rows', (t) => {
    t.bigIncrements('id').primary({ constraintName: 'quarantined_warehouse_rows_pkey' });
    t.text('source').notNullable().comment('the watermark name (WAREHOUSE_SOURCE_NAME) the row was read under');
    t.text('cursor_value').notNullable().comment('the row\'s cursor in the source query');
    t.text('transaction_ref').comment('the row\'s transaction_ref as read, control characters escaped; null when it had none');
    t.text('field').notNullable().comment('the first column at fault (occurred_at, currency, ...)');
    t.text('reason').notNullable().comment('why the row was refused, naming the column');
    t.jsonb('raw_row').notNullable().comment('the row as read, with control characters written as \\uXXXX so that it can be stored');
    t.text('extraction_run_id').comment('the extraction workflow run that read it');
    t.timestamp('quarantined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['source', 'cursor_value'], { indexName: 'quarantined_warehouse_rows_source_cursor_key' });
  });
  await knex.raw(`create index quarantined_warehouse_rows_time_idx on quarantined_warehouse_rows (quarantined_at desc)`);
  await knex.raw(`comment on table quarantined_warehouse_rows is 'Warehouse rows refused by the input rules, with the reason; extraction went on past them'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('quarantined_warehouse_rows');
}
