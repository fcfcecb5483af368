/**
 * glibc malloc's own account of a running process, read by attaching gdb
 * (which pauses the process for a moment): for each arena, the memory it
 * holds from the system and how much of that is free. For the diagnostic
 * scripts only (burst-memory-run.ts --malloc); needs gdb and ptrace rights.
 */
import { execFile } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface ArenaInfo {
  /** 0 is the main arena ([heap]); the others serve other threads. */
  index: number
  /** Bytes the arena holds from the system. */
  system: number
  /** Bytes of it free inside malloc (fast bins and the rest). */
  free: number
}

/** Calls functions in the process through gdb; returns gdb's output. */
async function gdbCall(pid: number, calls: string[]): Promise<string> {
  const args = ['-p', String(pid), '-batch', '-nx', ...calls.flatMap((call) => ['-ex', call])]
  const { stdout } = await run('gdb', args, { timeout: 60_000 })
  return stdout
}

export async function mallocInfo(pid: number): Promise<ArenaInfo[]> {
  const path = join(tmpdir(), `malloc-info-${pid}-${Date.now()}.xml`)
  await gdbCall(pid, [`call (void*)fopen("${path}", "w")`, 'call (int)malloc_info(0, $1)', 'call (int)fclose($1)'])
  const xml = await readFile(path, 'utf8')
  await rm(path, { force: true })
  const arenas: ArenaInfo[] = []
  for (const heap of xml.matchAll(/<heap nr="(\d+)">([\s\S]*?)<\/heap>/g)) {
    const body = heap[2] as string
    const total = (type: string) => Number(new RegExp(`<total type="${type}" count="\\d+" size="(\\d+)"/>`).exec(body)?.[1] ?? 0)
    const system = Number(/<system type="current" size="(\d+)"\/>/.exec(body)?.[1] ?? 0)
    arenas.push({ index: Number(heap[1]), system, free: total('fast') + total('rest') })
  }
  return arenas
}

/** Asks malloc to give every free page back (malloc_trim(0)): what a process could release, not what it does. */
export async function mallocTrim(pid: number): Promise<void> {
  await gdbCall(pid, ['call (int)malloc_trim(0)'])
}
