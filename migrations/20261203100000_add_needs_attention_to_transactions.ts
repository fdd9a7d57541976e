import type { Knex } from 'knex';

// A transaction whose processing failed for good waits in needs_attention, with the failed step and
// the reason, until an operator retries it or closes it (closed_by_operator). The audit trail
// (case_events) keeps every such step with its actor; these columns are the current state only.
const BEFORE = `status in ('received', 'approved', 'flagged', 'held', 'blocked')`;
const AFTER = `status in ('received', 'approved', 'flagged', 'held', 'blocked', 'needs_attention', 'closed_by_operator')`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('transactions', (t) => {
    t.dropChecks(['transactions_status_check']);
  });
  await knex.schema.alterTable('transactions', (t) => {
    t.check(AFTER, [], 'transactions_status_check');
    t.text('attention_step').comment('the lifecycle step that failed for good (loading, scoring, tazama, routing, case_opening); null when none did');
    t.text('attention_reason').comment('why it failed, as the activity reported it');
    t.timestamp('attention_since', { useTz: true }).comment('when it entered needs_attention');
  });
  await knex.raw(`create index transactions_needs_attention_idx on transactions (attention_since) where status = 'needs_attention'`);
  await knex.raw(
    `comment on column transactions.status is 'received → approved | flagged (medium, case) | held (high, case) → approved | blocked; any step failing for good → needs_attention → (operator) retry | closed_by_operator'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  // The older constraint cannot hold these statuses: they return to received (their lifecycle had not routed them).
  await knex('transactions').whereIn('status', ['needs_attention', 'closed_by_operator']).update({ status: 'received' });
  await knex.raw('drop index if exists transactions_needs_attention_idx');
  await knex.schema.alterTable('transactions', (t) => {
    t.dropChecks(['transactions_status_check']);
    t.dropColumns('attention_step', 'attention_reason', 'attention_since');
  });
  await knex.schema.alterTable('transactions', (t) => {
    t.check(BEFORE, [], 'transactions_status_check');
  });
  await knex.raw(`comment on column transactions.status is 'received → approved | flagged (medium, case) | held (high, case) → approved | blocked'`);
}
