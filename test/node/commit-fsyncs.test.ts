/**
 * What the SQLite store fsyncs, seen from the system calls (strace): a
 * member's own message is on disk before append resolves, so each own
 * append's commit fsyncs the write-ahead log; a window of other members'
 * entries commits without one (commits.ts: nothing about those was
 * promised durable, and sync fetches again what a machine crash loses),
 * which is most of what a busy group costs to take in. The child
 * (fixtures/commit-fsyncs.ts) marks its steps by fsyncing a file of its
 * own, so the trace is cut into windows and own appends.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./fixtures/commit-fsyncs.ts', import.meta.url))
const WINDOWS = 4
const OWN = 4
const CHILD_LIMIT_MS = 60_000

interface Step {
  /** Writes of frames into the WAL (pwrite64 on causette.db-wal): a commit happened. */
  walWrites: number
  /** fsync or fdatasync of the database or its WAL. */
  fsyncs: number
}

/** The trace cut at each fsync of `mark`: what the store's files saw between two marks. */
function stepsOf(trace: string): Step[] {
  const steps: Step[] = []
  let current: Step | undefined
  for (const line of trace.split('\n')) {
    const call = line.match(/\b(fsync|fdatasync|pwrite64)\(\d+<([^>]*)>/)
    if (call === null) continue
    const [, name, path] = call as unknown as [string, string, string]
    if (path.endsWith('/mark')) {
      current = { walWrites: 0, fsyncs: 0 }
      steps.push(current)
    } else if (current !== undefined && /\/causette\.db(-wal)?$/.test(path)) {
      if (name === 'pwrite64') current.walWrites += path.endsWith('-wal') ? 1 : 0
      else current.fsyncs++
    }
  }
  // the last mark starts the close, not a step
  return steps.slice(0, -1)
}

describe('fsyncs of the SQLite store', () => {
  it('fsyncs each own message before append resolves, and commits windows of others’ entries without an fsync', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-fsyncs-'))
    try {
      const traceFile = join(dir, 'trace')
      // strace follows the child's threads (-f) and names each descriptor's file (-y)
      const child = spawn(
        'strace',
        ['-f', '-qq', '-y', '-e', 'trace=fsync,fdatasync,pwrite64', '-o', traceFile, process.execPath, CHILD, dir, String(WINDOWS), String(OWN)],
        { stdio: ['ignore', 'inherit', 'inherit'] }
      )
      const exited = once(child, 'close')
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS)
      try {
        const [code] = (await exited) as [number | null]
        assert.equal(code, 0, 'the child (under strace) exits cleanly; is strace installed? .ci/run installs it')
      } finally {
        clearTimeout(timer)
      }
      const steps = stepsOf(await readFile(traceFile, 'utf8'))
      assert.equal(steps.length, WINDOWS + OWN, `one step a window and one an own message (${JSON.stringify(steps)})`)
      steps.slice(0, WINDOWS).forEach((step, i) => {
        assert.ok(step.walWrites > 0, `window ${i} committed (frames written to the WAL)`)
        assert.equal(step.fsyncs, 0, `window ${i} committed without an fsync`)
      })
      steps.slice(WINDOWS).forEach((step, i) => {
        assert.ok(step.walWrites > 0, `own message ${i} committed`)
        assert.ok(step.fsyncs > 0, `own message ${i} fsynced before append resolved`)
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
