import type { Knex } from 'knex';

// Each customer's latest transactions, kept up to date as transactions are recorded, so that
// scoring reads one row instead of the customer's history (risk/profile.ts profileFromWindow).
// A trigger maintains it in the same PostgreSQL transaction as the insert into `transactions`,
// whoever inserts (API ingestion, warehouse extraction, seeds): a duplicate that ON CONFLICT
// skips fires no trigger, so it never counts twice. The window holds the latest
// CUSTOMER_PROFILE_WINDOW transactions in (occurred_at, transaction_ref) order, which is more than
// a profile reads (200) so that transactions recorded ahead of their scoring still find theirs;
// `evicted_through_us` says how recent the newest transaction that fell out of it is, so the
// scorer knows when the window cannot answer (a transaction far older than the window) and reads
// the history instead.
export const CUSTOMER_PROFILE_WINDOW = 300;

const entry = (row: string) =>
  `jsonb_build_array(floor(extract(epoch from ${row}.occurred_at) * 1000000)::bigint, ${row}.amount, ${row}.city, ${row}.country, ${row}.transaction_ref)`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_profiles', (t) => {
    t.text('customer_id').primary({ constraintName: 'customer_profiles_pkey' });
    t.jsonb('entries')
      .notNullable()
      .defaultTo(knex.raw(`'[]'::jsonb`))
      .comment('latest transactions, oldest first: [occurred_at in epoch microseconds, amount (a JSON number: profiles use it as a number), city, country, transaction_ref]');
    t.bigInteger('evicted_through_us').comment('occurred_at (epoch microseconds) of the newest transaction no longer in entries; null when none left');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`comment on table customer_profiles is 'Each customer''s latest transactions for scoring, maintained by triggers on transactions'`);

  // Adds NEW's entry (when given) and drops OLD's (when given), keeping the latest window in order.
  await knex.raw(`
    create function customer_profile_apply(p_customer text, p_add jsonb, p_remove_ref text) returns void
    language plpgsql as $$
    declare
      merged jsonb;
      dropped bigint;
    begin
      insert into customer_profiles (customer_id) values (p_customer) on conflict (customer_id) do nothing;
      -- the row lock serialises concurrent inserts for one customer
      perform 1 from customer_profiles where customer_id = p_customer for update;
      with e as (
        select value as v from jsonb_array_elements((select entries from customer_profiles where customer_id = p_customer))
        where p_remove_ref is null or value->>4 <> p_remove_ref
        union all
        select p_add where p_add is not null
      ), ranked as (
        select v, row_number() over (order by (v->>0)::bigint desc, v->>4 desc) as rn from e
      )
      select coalesce(jsonb_agg(v order by (v->>0)::bigint, v->>4) filter (where rn <= ${CUSTOMER_PROFILE_WINDOW}), '[]'::jsonb),
             max((v->>0)::bigint) filter (where rn > ${CUSTOMER_PROFILE_WINDOW})
        into merged, dropped
        from ranked;
      update customer_profiles
         set entries = merged,
             evicted_through_us = greatest(evicted_through_us, dropped),
             updated_at = now()
       where customer_id = p_customer;
    end
    $$`);
  await knex.raw(`
    create function customer_profile_on_change() returns trigger
    language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform customer_profile_apply(new.customer_id, ${entry('new')}, null);
      elsif tg_op = 'DELETE' then
        perform customer_profile_apply(old.customer_id, null, old.transaction_ref);
      elsif (old.customer_id, old.occurred_at, old.amount, old.city, old.country, old.transaction_ref)
            is distinct from (new.customer_id, new.occurred_at, new.amount, new.city, new.country, new.transaction_ref) then
        perform customer_profile_apply(old.customer_id, null, old.transaction_ref);
        perform customer_profile_apply(new.customer_id, ${entry('new')}, null);
      end if;
      return null;
    end
    $$`);
  await knex.raw(`
    create trigger transactions_customer_profile
    after insert or update or delete on transactions
    for each row execute function customer_profile_on_change()`);
  await knex.raw(`
    create function customer_profile_on_truncate() returns trigger
    language plpgsql as $$
    begin
      truncate customer_profiles;
      return null;
    end
    $$`);
  await knex.raw(`
    create trigger transactions_customer_profile_truncate
    after truncate on transactions
    for each statement execute function customer_profile_on_truncate()`);

  // The transactions recorded so far.
  await knex.raw(`
    insert into customer_profiles (customer_id, entries, evicted_through_us)
    select customer_id,
           coalesce(jsonb_agg(entry order by at_us, transaction_ref) filter (where rn <= ${CUSTOMER_PROFILE_WINDOW}), '[]'::jsonb),
           max(at_us) filter (where rn > ${CUSTOMER_PROFILE_WINDOW})
      from (select t.customer_id, t.transaction_ref, ${entry('t')} as entry,
                   floor(extract(epoch from t.occurred_at) * 1000000)::bigint as at_us,
                   row_number() over (partition by t.customer_id order by t.occurred_at desc, t.transaction_ref desc) as rn
              from transactions t) w
     group by customer_id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists transactions_customer_profile_truncate on transactions');
  await knex.raw('drop trigger if exists transactions_customer_profile on transactions');
  await knex.raw('drop function if exists customer_profile_on_truncate()');
  await knex.raw('drop function if exists customer_profile_on_change()');
  await knex.raw('drop function if exists customer_profile_apply(text, jsonb, text)');
  await knex.schema.dropTable('customer_profiles');
}
