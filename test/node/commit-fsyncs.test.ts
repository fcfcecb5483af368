/**
 * What the SQLite store fsyncs, seen from the system calls (strace): a
 * member's own message is on disk before append resolves, so each own
 * append's commit fsyncs the write-ahead log; a window of other members'
 * entries commits without one (commits.ts: nothing about those was
 * promised durable, and sync fetches again what a machine crash loses),
 * which is most of what a busy group costs to take in. The child
 * (fixtures/commit-fsyncs.ts) marks its steps (fixtures/strace.ts), so the
 * trace is cut into windows and own appends.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type SystemCall, stepsOf, traceScript } from './fixtures/strace.ts'

const CHILD = fileURLToPath(new URL('./fixtures/commit-fsyncs.ts', import.meta.url))
const WINDOWS = 4
const OWN = 4

/** Writes of frames into the WAL (pwrite64 on causette.db-wal): a commit happened. */
const walWrites = (step: SystemCall[]): number => step.filter((c) => c.name === 'pwrite64' && c.path.endsWith('/causette.db-wal')).length
/** fsync or fdatasync of the database or its WAL. */
const storeFsyncs = (step: SystemCall[]): number =>
  step.filter((c) => (c.name === 'fsync' || c.name === 'fdatasync') && /\/causette\.db(-wal)?$/.test(c.path)).length

describe('fsyncs of the SQLite store', () => {
  it('fsyncs each own message before append resolves, and commits windows of others’ entries without an fsync', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-fsyncs-'))
    try {
      const trace = await traceScript(dir, CHILD, [dir, String(WINDOWS), String(OWN)], ['fsync', 'fdatasync', 'pwrite64'])
      const steps = stepsOf(trace)
      assert.equal(steps.length, WINDOWS + OWN, 'one step a window and one an own message')
      steps.slice(0, WINDOWS).forEach((step, i) => {
        assert.ok(walWrites(step) > 0, `window ${i} committed (frames written to the WAL)`)
        assert.equal(storeFsyncs(step), 0, `window ${i} committed without an fsync`)
      })
      steps.slice(WINDOWS).forEach((step, i) => {
        assert.ok(walWrites(step) > 0, `own message ${i} committed`)
        assert.ok(storeFsyncs(step) > 0, `own message ${i} fsynced before append resolved`)
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
