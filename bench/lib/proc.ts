// Server CPU time from Linux /proc: utime + stime of a process (all its threads), and the workerd child a
// Miniflare instance spawns, so each target's CPU per request is charged to the process that served it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: /proc reports CPU time in clock ticks (100 per second on Linux almost everywhere).
const CLOCK_TICKS_PER_SECOND = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** Fields after the `(comm)` of /proc/<pid>/stat; the command name may contain spaces and parentheses. */
function statFields(pid: number): { comm: string; fields: string[] } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  return {
    comm: stat.slice(open + 1, close),
    fields: stat
      .slice(close + 2)
      .trim()
      .split(' '),
  };
}

/** CPU time the process has used so far, in microseconds (proc(5): fields 14 utime and 15 stime). */
export function cpuMicros(pid: number): number {
  const stat = statFields(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  // statFields drops fields 1-2, so field N is at index N - 3.
  return ((Number(stat.fields[11]) + Number(stat.fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

/** Sum over several processes (wrangler dev: its Node proxy plus its workerd). */
export function totalCpuMicros(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
}

/** Every descendant of a process whose command name starts with the given prefix. */
export function descendantsNamed(rootPid: number, commPrefix: string): number[] {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = statFields(pid);
    if (!stat) continue;
    parents.set(pid, Number(stat.fields[1]));
    names.set(pid, stat.comm);
  }
  const isDescendant = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) {
      if (parent === rootPid) return true;
    }
    return false;
  };
  return [...names].filter(([pid, comm]) => comm.startsWith(commPrefix) && isDescendant(pid)).map(([pid]) => pid);
}
