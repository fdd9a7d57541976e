// The case's mirror in Ballerine, workflow side: open a Ballerine run for the case, then send it each
// decision in order once the run exists. Ballerine never holds up a Kinga decision; a failure is
// recorded on the case's timeline, and the lifecycle ends only after the mirror has settled.
import type { ScoreBreakdown, Transaction } from '../../risk/types';
import { ballerine } from './activities';

export type MirroredDecision = 'approve' | 'block' | 'escalate';
/** Records an integration problem on the case's timeline (an audit event). */
export type ReportProblem = (type: string, actor: string, err: unknown) => Promise<void>;

const BALLERINE_ACTOR = 'system:ballerine';

export class BallerineMirror {
  private opened = false;
  private run: Promise<string | null> = Promise.resolve(null);
  private sends: Promise<void> = Promise.resolve();

  constructor(private readonly reportProblem: ReportProblem) {}

  /** Starts the case's Ballerine run; decisions sent meanwhile wait for it. */
  open(input: { caseId: number; transactionRef: string; transaction: Transaction; score: ScoreBreakdown }): void {
    this.opened = true;
    this.run = ballerine.openBallerineCase(input).then(
      (opened) => (opened.enabled ? opened.workflowRuntimeId : null),
      async (err: unknown) => {
        await this.reportProblem('ballerine_case_not_opened', BALLERINE_ACTOR, err);
        return null;
      },
    );
  }

  /** Queues a decision for the run, after those sent before it; nothing when the case is not mirrored. */
  send(decision: MirroredDecision, target: { caseId: number; transactionRef: string }, actor: string, note: string | null): void {
    if (!this.opened) return;
    this.sends = this.sends.then(async () => {
      const workflowRuntimeId = await this.run;
      if (!workflowRuntimeId) return;
      try {
        await ballerine.sendBallerineDecision({ caseId: target.caseId, transactionRef: target.transactionRef, workflowRuntimeId, decision, actor, note: note ?? undefined });
      } catch (err) {
        await this.reportProblem('ballerine_decision_not_sent', BALLERINE_ACTOR, err);
      }
    });
  }

  /** Resolves once the run is opened and every queued decision sent (or its failure recorded). */
  async settled(): Promise<void> {
    if (!this.opened) return;
    await this.run;
    await this.sends;
  }
}
