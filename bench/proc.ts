/** Reads a process's memory and CPU from /proc (Linux): what the bench reports for the worker process. */
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** Peak resident set size since the process started (VmHWM), MiB. */
  peakRssMiB: number;
  /** User + system CPU time since the process started, seconds. */
  cpuSeconds: number;
}

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every mainstream Linux (getconf CLK_TCK). */
const CLK_TCK = 100;

export function sampleProcess(pid: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssMiB: Math.round((kib('VmRSS') / 1024) * 10) / 10,
    peakRssMiB: Math.round((kib('VmHWM') / 1024) * 10) / 10,
    cpuSeconds: Math.round((ticks / CLK_TCK) * 100) / 100,
  };
}
