// The recorded histories (test/fixtures/histories) read once, and picked by what they contain
// rather than by file name, so the corpus can be re-recorded or extended freely.
import fs from 'node:fs';
import path from 'node:path';
import { parseHistoryText } from '../../compliance/history';
import { extractDecisionPath, type DecisionPath } from '../../compliance/decisionPath';
import { HISTORY_FIXTURES } from '../lifecycle/fixtures';

export interface RecordedHistory {
  file: string;
  text: string;
  path: DecisionPath;
  /** a fresh copy of the JSON, to tamper with */
  json(): any;
}

export const corpusFiles: string[] = fs.existsSync(HISTORY_FIXTURES) ? fs.readdirSync(HISTORY_FIXTURES).filter((f) => f.endsWith('.json')).sort() : [];

export const corpus: RecordedHistory[] = corpusFiles.map((file) => {
  const text = fs.readFileSync(path.join(HISTORY_FIXTURES, file), 'utf8');
  return { file, text, path: extractDecisionPath(parseHistoryText(text, file)), json: () => JSON.parse(text) };
});

/** The first recorded history that satisfies `test`; fails naming what the corpus lacks. */
export function pick(what: string, test: (p: DecisionPath) => boolean): RecordedHistory {
  const found = corpus.find((h) => test(h.path));
  if (!found) throw new Error(`the replay corpus (${HISTORY_FIXTURES}) has no history with ${what}`);
  return found;
}

export const updates = (p: DecisionPath) => p.steps.filter((s) => s.kind === 'decision_update');
export const decided = (p: DecisionPath, decision: string) => updates(p).some((s) => (s.data.input as { decision?: string }).decision === decision);
