// Recorded portfolioRisk histories replay against the current workflow code: a run recorded
// before recoveries were tracked (no 'ciso-recovery' marker) takes the path it took then.
// Re-record with KINGA_RECORD_FIXTURES=1 (test/portfolio/workflow.e2e.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { HISTORY_FIXTURES } from '../lifecycle/fixtures';

const DIR = path.join(HISTORY_FIXTURES, 'portfolio');
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : [];
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
const activities = (history: any): string[] =>
  history.events.filter((e: any) => e.activityTaskScheduledEventAttributes).map((e: any) => e.activityTaskScheduledEventAttributes.activityType.name);

describe('replay of recorded portfolioRisk histories', () => {
  it('has a breach run and a quiet run from before the recovery step, and a recovery', () => {
    expect(files).toEqual(expect.arrayContaining(['breach-raised.json', 'no-breach.json', 'recovery-closed.json']));
    expect(activities(read('recovery-closed.json'))).toEqual(expect.arrayContaining(['findRecoveredBreaches', 'recordCisoScenarioRecovery', 'recordBreachRecovery']));
    expect(activities(read('no-breach.json'))).toEqual(['computePortfolioMetrics', 'recordPortfolioMetrics']);
    expect(activities(read('breach-raised.json'))).toContain('upsertCisoRiskScenario');
  });

  it.each(files)('%s replays deterministically', async (file) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, read(file), `replay-portfolio-${file}`);
  });

  it('a history whose steps differ from the code is reported as non-deterministic', async () => {
    // the quiet run, with another activity where it recorded the metrics
    const history = read('no-breach.json');
    const scheduled = history.events.filter((e: any) => e.activityTaskScheduledEventAttributes);
    scheduled.at(-1).activityTaskScheduledEventAttributes.activityType.name = 'findRecoveredBreaches';
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, 'replay-portfolio-tampered')).rejects.toThrow(/[Nn]ondeterminism|DeterminismViolation|does not match/);
  });
});
