// The rule-set store: immutable numbered versions of the scoring configuration in PostgreSQL.
// The environment seeds version 1 only (together with the merchant_blacklist table as it is then);
// every later version is proposed by an admin and approved by a second person — compliance or
// another admin (four-eyes) — before it goes live. Every step is in the admin_events trail.
import type { Knex } from 'knex';
import type { KingaConfig } from '../config';
import { diffRuleSets, ruleSetContentSchema, withDefaults, type RuleSetChange, type RuleSetContent } from '../risk/ruleSet';
import { recordAdminEvent, type AdminActor } from './audit';

export type RuleSetStatus = 'draft' | 'approved' | 'superseded' | 'rejected';

export interface RuleSet {
  version: number;
  status: RuleSetStatus;
  content: RuleSetContent;
  baseVersion: number | null;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  effectiveAt: string | null;
  supersededAt: string | null;
  rejectedBy: string | null;
  rejectedAt: string | null;
  decisionNote: string | null;
}

interface RuleSetRow {
  version: number;
  status: RuleSetStatus;
  content: unknown;
  base_version: number | null;
  reason: string;
  proposed_by: string;
  proposed_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  effective_at: Date | null;
  superseded_at: Date | null;
  rejected_by: string | null;
  rejected_at: Date | null;
  decision_note: string | null;
}

/** Why a step was refused; the API maps `code` to a status. */
export class RuleSetRefusal extends Error {
  override name = 'RuleSetRefusal';
  constructor(
    readonly code: 'not_found' | 'conflict' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

const SEED_ACTOR = 'system:configuration';
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Version 1's content: the environment's scoring configuration and the blacklist table. */
export async function contentFromConfiguration(db: Knex, config: Pick<KingaConfig, 'scoring' | 'tazama' | 'sla'>): Promise<RuleSetContent> {
  const merchants = await db('merchant_blacklist')
    .orderBy('merchant_id')
    .select<{ merchant_id: string; merchant_name: string; reason: string }[]>('merchant_id', 'merchant_name', 'reason');
  return {
    scoring: structuredClone(config.scoring),
    blacklist: { merchants: merchants.map((m) => ({ merchantId: m.merchant_id, merchantName: m.merchant_name, reason: m.reason })) },
    anomalyModelVersion: null,
    tazama: { alertPoints: config.tazama.alertPoints },
    sla: { ...config.sla },
  };
}

/** The shape every version's content is checked against, derived from the configuration. */
export function contentSchemaFor(config: Pick<KingaConfig, 'scoring' | 'tazama' | 'sla'>) {
  const example: RuleSetContent = {
    scoring: config.scoring,
    blacklist: { merchants: [] },
    anomalyModelVersion: null,
    tazama: { alertPoints: config.tazama.alertPoints },
    sla: config.sla,
  };
  return { schema: ruleSetContentSchema(example), defaults: example };
}

export function createRuleSetStore(db: Knex, config: Pick<KingaConfig, 'scoring' | 'tazama' | 'sla'>) {
  const { defaults } = contentSchemaFor(config);
  const toRuleSet = (row: RuleSetRow): RuleSet => ({
    version: row.version,
    status: row.status,
    content: withDefaults(row.content, defaults),
    baseVersion: row.base_version,
    reason: row.reason,
    proposedBy: row.proposed_by,
    proposedAt: iso(row.proposed_at)!,
    approvedBy: row.approved_by,
    approvedAt: iso(row.approved_at),
    effectiveAt: iso(row.effective_at),
    supersededAt: iso(row.superseded_at),
    rejectedBy: row.rejected_by,
    rejectedAt: iso(row.rejected_at),
    decisionNote: row.decision_note,
  });

  const store = {
    /** The live version; seeds version 1 from the configuration when there is none yet (race-safe). */
    async live(): Promise<RuleSet> {
      const row = await db<RuleSetRow>('rule_sets').where({ status: 'approved' }).first();
      if (row) return toRuleSet(row);
      const content = await contentFromConfiguration(db, config);
      await db.transaction(async (trx) => {
        const inserted = await trx('rule_sets')
          .insert({
            version: 1,
            status: 'approved',
            content: JSON.stringify(content),
            base_version: null,
            reason: 'seeded from the environment at first start',
            proposed_by: SEED_ACTOR,
            approved_by: SEED_ACTOR,
            approved_at: trx.fn.now(),
            effective_at: trx.fn.now(),
          })
          .onConflict('version')
          .ignore()
          .returning('version');
        if (inserted.length > 0) {
          await recordAdminEvent(trx, { subjectType: 'rule_set', subjectId: '1', eventType: 'rule_set_seeded', actor: { username: SEED_ACTOR, role: null }, note: 'version 1 from the environment' });
        }
      });
      const seeded = await db<RuleSetRow>('rule_sets').where({ status: 'approved' }).first();
      if (!seeded) throw new Error('no live rule set after seeding version 1');
      return toRuleSet(seeded);
    },

    async get(version: number): Promise<RuleSet | null> {
      const row = await db<RuleSetRow>('rule_sets').where({ version }).first();
      return row ? toRuleSet(row) : null;
    },

    async list(): Promise<RuleSet[]> {
      await store.live(); // so a fresh installation shows version 1
      const rows = await db<RuleSetRow>('rule_sets').orderBy('version', 'desc');
      return rows.map(toRuleSet);
    },

    /** A new draft version (content already validated); the diff against the live version is returned with it. */
    async propose(content: RuleSetContent, reason: string, by: AdminActor, origin: { promotedFrom?: number } = {}): Promise<{ ruleSet: RuleSet; changes: RuleSetChange[] }> {
      const live = await store.live();
      // a pinned model that is not there would leave scoring without one, silently
      const pinned = content.anomalyModelVersion;
      if (pinned !== null && !(await db('anomaly_models').where({ version: pinned }).first('version'))) {
        throw new RuleSetRefusal('not_found', `content.anomalyModelVersion: anomaly model version ${pinned} not found`);
      }
      const changes = diffRuleSets(live.content, content);
      if (changes.length === 0) throw new RuleSetRefusal('conflict', `content: is the same as the live version ${live.version}; nothing to propose`);
      const row = await db.transaction(async (trx) => {
        // numbers are handed out one at a time
        await trx.raw('lock table rule_sets in share row exclusive mode');
        const max = await trx('rule_sets').max<{ max: number | null }>('version as max').first();
        const version = (max?.max ?? 0) + 1;
        const [inserted] = await trx('rule_sets')
          .insert({ version, status: 'draft', content: JSON.stringify(content), base_version: live.version, reason, proposed_by: by.username })
          .returning<RuleSetRow[]>('*');
        await recordAdminEvent(trx, {
          subjectType: 'rule_set',
          subjectId: String(version),
          eventType: 'rule_set_proposed',
          actor: by,
          note: reason,
          // a promotion says which tried candidate it came from
          payload: { baseVersion: live.version, changes, ...(origin.promotedFrom !== undefined ? { promotedFrom: origin.promotedFrom } : {}) },
        });
        return inserted!;
      });
      return { ruleSet: toRuleSet(row), changes };
    },

    /**
     * Four-eyes approval: the draft becomes the live version and the previous one is superseded.
     * Transactions whose lifecycle starts after this use it; running ones keep the version they began with.
     */
    async approve(version: number, by: AdminActor, note: string | null): Promise<RuleSet> {
      return db.transaction(async (trx) => {
        // one approval at a time: a second one waiting on the live row would not see the version
        // approved meanwhile (its row lock re-reads only the old row) and break the one-live index
        await trx.raw('lock table rule_sets in share row exclusive mode');
        const draft = await trx<RuleSetRow>('rule_sets').where({ version }).forUpdate().first();
        if (!draft) throw new RuleSetRefusal('not_found', `rule set version ${version} not found`);
        if (draft.status !== 'draft') throw new RuleSetRefusal('conflict', `rule set version ${version} is ${draft.status}, not a draft`);
        if (draft.proposed_by === by.username) throw new RuleSetRefusal('forbidden', `four-eyes: ${by.username} proposed version ${version} and may not approve it`);
        const live = await trx<RuleSetRow>('rule_sets').where({ status: 'approved' }).forUpdate().first();
        if (live && live.version !== draft.base_version) {
          throw new RuleSetRefusal('conflict', `version ${version} was proposed against version ${draft.base_version}, but version ${live.version} is live now; propose it again against the live version`);
        }
        if (live) await trx('rule_sets').where({ version: live.version }).update({ status: 'superseded', superseded_at: trx.fn.now() });
        const [approved] = await trx('rule_sets')
          .where({ version })
          .update({ status: 'approved', approved_by: by.username, approved_at: trx.fn.now(), effective_at: trx.fn.now(), decision_note: note })
          .returning<RuleSetRow[]>('*');
        await recordAdminEvent(trx, { subjectType: 'rule_set', subjectId: String(version), eventType: 'rule_set_approved', actor: by, note, payload: { supersedes: live?.version ?? null } });
        if (live) {
          await recordAdminEvent(trx, { subjectType: 'rule_set', subjectId: String(live.version), eventType: 'rule_set_superseded', actor: by, payload: { by: version } });
        }
        return toRuleSet(approved!);
      });
    },

    /** A draft turned down (by a reviewer, or withdrawn by its proposer). */
    async reject(version: number, by: AdminActor, reason: string): Promise<RuleSet> {
      return db.transaction(async (trx) => {
        const draft = await trx<RuleSetRow>('rule_sets').where({ version }).forUpdate().first();
        if (!draft) throw new RuleSetRefusal('not_found', `rule set version ${version} not found`);
        if (draft.status !== 'draft') throw new RuleSetRefusal('conflict', `rule set version ${version} is ${draft.status}, not a draft`);
        const [rejected] = await trx('rule_sets')
          .where({ version })
          .update({ status: 'rejected', rejected_by: by.username, rejected_at: trx.fn.now(), decision_note: reason })
          .returning<RuleSetRow[]>('*');
        await recordAdminEvent(trx, { subjectType: 'rule_set', subjectId: String(version), eventType: 'rule_set_rejected', actor: by, note: reason });
        return toRuleSet(rejected!);
      });
    },
  };
  return store;
}

export type RuleSetStore = ReturnType<typeof createRuleSetStore>;
