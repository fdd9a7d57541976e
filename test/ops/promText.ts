// A small reader for the Prometheus text exposition format (version 0.0.4), enough to check what
// Kinga's /metrics endpoints expose: every sample line parses, every series has HELP and TYPE.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  helps: Map<string, string>;
  /** the value of the one sample of `name` whose labels include `labels`; throws when not exactly one */
  value(name: string, labels?: Record<string, string>): number;
  /** every sample of `name` whose labels include `labels` */
  find(name: string, labels?: Record<string, string>): Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"\s*,?\s*/gy;

function parseValue(text: string): number {
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`not a sample value: ${text}`);
  return n;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let consumed = 0;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    consumed = LABEL.lastIndex;
  }
  if (consumed !== text.length) throw new Error(`malformed labels in: ${line}`);
  return labels;
}

/** The metric family a sample belongs to (histogram and summary samples carry suffixes). */
function familyOf(name: string, types: Map<string, string>): string {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
  }
  return name;
}

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
      if (m?.[1] === 'TYPE') types.set(m[2]!, m[3]!);
      else if (m?.[1] === 'HELP') helps.set(m[2]!, m[3]!);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    samples.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2], line) : {}, value: parseValue(m[3]!) });
  }
  for (const s of samples) {
    const family = familyOf(s.name, types);
    if (!types.has(family)) throw new Error(`sample ${s.name} has no # TYPE line`);
    if (!helps.has(family)) throw new Error(`sample ${s.name} has no # HELP line`);
  }
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    samples,
    types,
    helps,
    find,
    value(name, labels = {}) {
      const found = find(name, labels);
      if (found.length !== 1) {
        throw new Error(`expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}: ${JSON.stringify(found.map((s) => s.labels))}`);
      }
      return found[0]!.value;
    },
  };
}
