/**
 * CPU time of other local processes, read from Linux's /proc: how a benchmark sees what a database
 * server on the same machine spent, next to the Node process's own `process.cpuUsage()`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc's CPU times (100 on every Linux we know of). */
const TICKS_PER_SECOND = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/**
 * The user + system CPU time, in µs, that the visible processes whose command name is `name` have
 * used so far; `null` when /proc cannot be read or no such process is visible (a remote server, or
 * not Linux). A process that exits between two readings takes its time with it, so the difference
 * of two readings is a lower bound; a connection pool that keeps its connections open loses nothing.
 */
export function processesCpuMicros(name: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  let ticks = 0;
  let seen = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited since the listing
    }
    // `pid (comm) state …`: comm may hold spaces and parentheses, so split after its last ')'.
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== name) continue;
    const fields = stat.slice(close + 2).split(' ');
    // Fields 14 and 15 of proc(5), utime and stime; `fields` starts at field 3.
    ticks += Number(fields[11]) + Number(fields[12]);
    seen++;
  }
  return seen === 0 ? null : (ticks * 1e6) / TICKS_PER_SECOND;
}
