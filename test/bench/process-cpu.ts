/**
 * CPU time a process has used, from /proc (Linux): all its threads, and its
 * main thread alone. The ingest benchmark divides it by the messages taken
 * in, a figure far steadier than the rate on a 2-core machine the
 * benchmark's own peers share with the daemon.
 */
import { readFile } from 'node:fs/promises'

/** Clock ticks per second of /proc's times (USER_HZ): 100 on Linux everywhere that matters. */
const TICKS_PER_SECOND = 100

export interface CpuTime {
  /** Seconds of CPU, user and system, over every thread. */
  total: number
  /** Seconds of CPU of the main thread (the event loop; the thread whose id is the process id). */
  main: number
}

async function ticksOf(statPath: string): Promise<number> {
  const stat = await readFile(statPath, 'utf8')
  // the command name (field 2) is in parentheses and may hold spaces: count fields after it
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15, the 12th and 13th after the name
  return Number(fields[11]) + Number(fields[12])
}

export async function cpuTime(pid: number): Promise<CpuTime> {
  // the process's own line counts every thread it has had, ended ones too
  const [total, main] = await Promise.all([ticksOf(`/proc/${pid}/stat`), ticksOf(`/proc/${pid}/task/${pid}/stat`)])
  return { total: total / TICKS_PER_SECOND, main: main / TICKS_PER_SECOND }
}
