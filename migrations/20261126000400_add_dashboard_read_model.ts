import type { Knex } from 'knex';

// What the dashboards and the live stream read, without scanning or decoding every breakdown:
//  - change_seq: one sequence shared by transactions and analyst_cases, taken by a trigger whenever
//    a transaction is scored or changes status and whenever a case is opened or changed. The API's
//    server-sent-events stream polls "change_seq > cursor" and uses it as the event id, so a client
//    that reconnects with Last-Event-ID resumes where it was.
//  - rule_hits / anomaly_score: generated from score_breakdown (names of the rules that fired, the
//    isolation-forest score), so aggregates over a million rows read small columns.
//  - indexes for the time ranges the overview and analytics pages ask for.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create sequence kinga_change_seq as bigint`);
  await knex.raw(`comment on sequence kinga_change_seq is 'Order of changes to transactions and analyst_cases, for the live stream'`);

  await knex.schema.alterTable('transactions', (t) => {
    t.bigInteger('change_seq').comment('kinga_change_seq at the last scoring or status change (trigger)');
  });
  await knex.raw(`
    alter table transactions
      add column rule_hits jsonb generated always as (jsonb_path_query_array(score_breakdown, '$.rules[*] \\? (@.hit == true).rule')) stored,
      add column anomaly_score numeric(5, 4) generated always as (
        case when jsonb_typeof(score_breakdown -> 'anomaly' -> 'score') = 'number'
          then least(1, greatest(0, round((score_breakdown -> 'anomaly' ->> 'score')::numeric, 4))) end) stored`);
  // (guarded so that no breakdown, however odd, can make the workflow's own write fail)
  await knex.raw(`comment on column transactions.rule_hits is 'names of the rules that fired (from score_breakdown)'`);
  await knex.raw(`comment on column transactions.anomaly_score is 'isolation-forest anomaly score (from score_breakdown); null without a model'`);

  await knex.schema.alterTable('analyst_cases', (t) => {
    t.bigInteger('change_seq').comment('kinga_change_seq at the last change of the case (trigger)');
  });

  await knex.raw(`
    create function kinga_take_change_seq() returns trigger language plpgsql as $$
    begin
      new.change_seq := nextval('kinga_change_seq');
      return new;
    end;
    $$`);
  await knex.raw(`create trigger transactions_change_seq before update on transactions
    for each row when (old.scored_at is distinct from new.scored_at or old.status is distinct from new.status)
    execute function kinga_take_change_seq()`);
  await knex.raw(`create trigger analyst_cases_change_seq before insert or update on analyst_cases
    for each row execute function kinga_take_change_seq()`);

  await knex.raw(`create index transactions_change_seq_idx on transactions (change_seq) where change_seq is not null`);
  await knex.raw(`create index analyst_cases_change_seq_idx on analyst_cases (change_seq) where change_seq is not null`);
  // overview and analytics: everything scored in a time range
  await knex.raw(`create index transactions_scored_at_idx on transactions (scored_at) include (risk_level, risk_score, channel, status) where scored_at is not null`);
  await knex.raw(`create index analyst_cases_decided_at_idx on analyst_cases (decided_at) where decided_at is not null`);
  await knex.raw(`create index analyst_cases_open_sla_idx on analyst_cases (sla_due_at) where status <> 'closed'`);
  await knex.raw(`create index case_events_type_time_idx on case_events (event_type, occurred_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists case_events_type_time_idx`);
  await knex.raw(`drop index if exists analyst_cases_open_sla_idx`);
  await knex.raw(`drop index if exists analyst_cases_decided_at_idx`);
  await knex.raw(`drop index if exists transactions_scored_at_idx`);
  await knex.raw(`drop index if exists analyst_cases_change_seq_idx`);
  await knex.raw(`drop index if exists transactions_change_seq_idx`);
  await knex.raw(`drop trigger if exists analyst_cases_change_seq on analyst_cases`);
  await knex.raw(`drop trigger if exists transactions_change_seq on transactions`);
  await knex.raw(`drop function if exists kinga_take_change_seq()`);
  await knex.schema.alterTable('analyst_cases', (t) => {
    t.dropColumn('change_seq');
  });
  await knex.schema.alterTable('transactions', (t) => {
    t.dropColumn('anomaly_score');
    t.dropColumn('rule_hits');
    t.dropColumn('change_seq');
  });
  await knex.raw(`drop sequence if exists kinga_change_seq`);
}
