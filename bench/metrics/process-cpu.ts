/**
 * CPU time of processes from /proc (Linux), so the throughput phase can say how the machine's
 * cores were shared: the stack process, DynamoDB Local's JVM, the load generator.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100;

/** User + system CPU seconds of `pid`, or undefined when /proc cannot tell. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Pids of the direct children of `parent` whose command is `command`. */
export function childPids(parent: number, command: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return found;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && name === command) found.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return found;
}
