// Every recorded lifecycle history must replay against the current workflow code: a change that
// is not deterministic (or not behind patched()) fails here, before it reaches a running cluster.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { HISTORY_FIXTURES } from './fixtures';

const files = fs.existsSync(HISTORY_FIXTURES) ? fs.readdirSync(HISTORY_FIXTURES).filter((f) => f.endsWith('.json')).sort() : [];

describe('replay of recorded lifecycle histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.map((f) => f.replace(/\.json$/, ""))).toEqual(expect.arrayContaining(["auto-approve", "approve-medium", "block-high", "escalate-then-approve", "signal-refused-then-approve", "sla-escalation-ladder", "tazama-alert-ballerine-block",
      // recorded with one-step routing (load, score and routing as one local activity)
      "one-step-auto-approve", "one-step-approve-medium", "one-step-block-high", "one-step-escalate-then-approve", "one-step-signal-refused-then-approve"]));
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = JSON.parse(fs.readFileSync(path.join(HISTORY_FIXTURES, file), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, `replay-${file}`);
  });

  it('a history from different workflow code is reported as non-deterministic', async () => {
    const file = files.find((f) => f.startsWith('block-high'));
    expect(file).toBeDefined();
    const json = JSON.parse(fs.readFileSync(path.join(HISTORY_FIXTURES, file!), 'utf8'));
    // Tamper: pretend the first activity the workflow scheduled was a different one.
    const scheduled = json.events.find((e: any) => e.activityTaskScheduledEventAttributes);
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'somethingElse';
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, json, 'replay-tampered'),
    ).rejects.toThrow(/[Nn]ondeterminism|DeterminismViolation|does not match/);
  });
});
