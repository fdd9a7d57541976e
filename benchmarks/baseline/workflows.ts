// The yardstick the benchmark measures Kinga against: the least a Temporal workflow can do.
// bareWorkflow runs one activity and returns; bareAnswerWorkflow answers an update with the
// activity's result (the bare form of update-with-start). Deterministic workflow code.
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

const { bareActivity } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30 seconds' });

export interface BareInput {
  ref: string;
}

export async function bareWorkflow(input: BareInput): Promise<string> {
  return bareActivity(input);
}

export const bareAnswerUpdate = defineUpdate<string, []>('answer');

export async function bareAnswerWorkflow(input: BareInput): Promise<string> {
  let answer: string | null = null;
  setHandler(bareAnswerUpdate, async () => {
    await condition(() => answer !== null);
    return answer!;
  });
  answer = await bareActivity(input);
  await condition(allHandlersFinished);
  return answer;
}
