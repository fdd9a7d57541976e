// A process and everything it started, read from /proc (Linux): to check that a supervisor leaves
// no process behind. A process is identified by pid AND start time, so a reused pid is not
// mistaken for the old process; a zombie (exited, not yet reaped by init) counts as gone.
import fs from 'node:fs';

export interface ProcessId {
  pid: number;
  /** clock ticks after boot (field 22 of /proc/<pid>/stat) */
  startTime: string;
  command: string;
}

interface Stat {
  ppid: number;
  state: string;
  startTime: string;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may contain spaces and parentheses
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, ppid: Number(fields[1]), startTime: fields[19]! };
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 160);
  } catch {
    return '?';
  }
}

/** `root` and all its descendants that are alive now. */
export function processTree(root: number): ProcessId[] {
  const childrenOf = new Map<number, number[]>();
  const stats = new Map<number, Stat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    const list = childrenOf.get(stat.ppid) ?? [];
    list.push(pid);
    childrenOf.set(stat.ppid, list);
  }
  const found: ProcessId[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const stat = stats.get(pid);
    if (!stat || stat.state === 'Z') continue;
    found.push({ pid, startTime: stat.startTime, command: commandOf(pid) });
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return found;
}

/** True while that very process (same pid, same start time) exists and is not a zombie. */
export function isAlive(p: ProcessId): boolean {
  const stat = readStat(p.pid);
  return stat !== undefined && stat.startTime === p.startTime && stat.state !== 'Z';
}
