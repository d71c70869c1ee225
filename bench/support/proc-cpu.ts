/**
 * CPU time of processes on this machine, read from /proc (Linux): a server child's, or every PostgreSQL process's.
 * Steadier than latency on a shared 2-core machine, so benches print CPU per unit of work beside their timings.
 */
import fs from 'node:fs';

/** CPU ms (user + system, all threads) of one process; 0 once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** CPU ms of every `postgres` process on this machine (the server and its backends). */
export function postgresCpuMs(): number {
  let ms = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') ms += processCpuMs(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return ms;
}
