/**
 * The daemon benchmark's million-message ingest, run in a process of its
 * own (ingest-run.ts --json) with a heap large enough for the writer's
 * entries, whatever flags the benchmark itself runs with.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { Metric } from './harness.ts'

/** Heap for the process writing a million entries: its authors' logs and stores hold them all, several GB. */
const CHILD_HEAP_MB = 16_384
/** A million messages: ~3 min of writing, ~4 min of ingest at 5,000/s, the catch-up; bounded all the same. */
const CHILD_TIMEOUT_MS = 45 * 60_000

/** Runs ingest-run.ts with these arguments and returns its metrics. */
export async function ingestInChild(measured: number, total: number, catchUp: number): Promise<Metric[]> {
  const script = fileURLToPath(new URL('./ingest-run.ts', import.meta.url))
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${CHILD_HEAP_MB}`, script, String(measured), String(total), '--catch-up', String(catchUp), '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  // on time out, SIGINT: the run stops the daemon it started, then exits
  const timer = setTimeout(() => child.kill('SIGINT'), CHILD_TIMEOUT_MS)
  const [code] = (await once(child, 'close')) as [number | null]
  clearTimeout(timer)
  const last = stdout.trim().split('\n').at(-1) ?? ''
  if (code !== 0 || !last.startsWith('[')) throw new Error(`the ${total}-message ingest failed (exit ${code}): ${stderr.slice(-3000)}`)
  return JSON.parse(last) as Metric[]
}
