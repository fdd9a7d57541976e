import type { Knex } from 'knex';

// Rule sets: the scoring configuration as immutable numbered versions. A version's content never
// changes after it is written; only its status moves on (draft → approved → superseded, or draft →
// rejected), with who proposed and who approved it. At most one version is approved (live).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rule_sets', (t) => {
    t.integer('version').primary({ constraintName: 'rule_sets_pkey' });
    t.text('status').notNullable();
    t.jsonb('content').notNullable().comment('the whole scoring configuration of this version (risk/ruleSet.ts RuleSetContent)');
    t.integer('base_version').comment('the live version the proposal was made against (its diff)');
    t.text('reason').notNullable().comment('why the change is proposed');
    t.text('proposed_by').notNullable();
    t.timestamp('proposed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('approved_by');
    t.timestamp('approved_at', { useTz: true });
    t.timestamp('effective_at', { useTz: true }).comment('from when transactions starting were scored with it');
    t.timestamp('superseded_at', { useTz: true });
    t.text('rejected_by');
    t.timestamp('rejected_at', { useTz: true });
    t.text('decision_note');
    t.check(`status in ('draft', 'approved', 'superseded', 'rejected')`, [], 'rule_sets_status_check');
    // four-eyes, also in the database: nobody approves their own proposal
    t.check('approved_by is null or approved_by <> proposed_by or version = 1', [], 'rule_sets_four_eyes_check');
  });
  await knex.raw(`create unique index rule_sets_one_live on rule_sets ((true)) where status = 'approved'`);
  // content is immutable: only the status columns may change
  await knex.raw(`
    create function rule_sets_content_immutable() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'rule_sets keeps every version: DELETE is not allowed' using errcode = 'insufficient_privilege';
      end if;
      if new.content is distinct from old.content or new.version <> old.version or new.proposed_by <> old.proposed_by
         or new.proposed_at <> old.proposed_at or new.reason <> old.reason or new.base_version is distinct from old.base_version then
        raise exception 'a rule-set version is immutable: only its status may change' using errcode = 'insufficient_privilege';
      end if;
      return new;
    end;
    $$`);
  await knex.raw(`create trigger rule_sets_immutable before update or delete on rule_sets for each row execute function rule_sets_content_immutable()`);
  await knex.raw(`comment on table rule_sets is 'Immutable numbered versions of the scoring configuration; changed only by proposal and approval by a second person'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rule_sets');
  await knex.raw('drop function if exists rule_sets_content_immutable()');
}
