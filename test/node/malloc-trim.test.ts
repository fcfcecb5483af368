/**
 * The daemon gives malloc's free pages back after a burst
 * (node/src/daemon/malloc-trim.ts, heap-release.ts): glibc keeps the holes
 * a burst of freed buffers leaves resident until malloc_trim. A child
 * process makes such holes and trims them; its resident set must fall by
 * most of what was freed.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const script = fileURLToPath(new URL('./fixtures/fragmented-malloc.ts', import.meta.url))

test('trimming malloc returns the holes a burst of freed buffers left', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], { timeout: 30_000 })
  const { before, after, trimmed } = JSON.parse(stdout) as { before: number; after: number; trimmed: boolean }
  // this machine runs glibc: trimming must be available, or the daemon keeps its holes
  assert.equal(trimmed, true, 'malloc_trim could not be called (koffi or libc.so.6 missing)')
  // ~88 MB of the ~90 MB allocated were freed; at least 40 MiB of it must leave the resident set
  assert.ok(before - after >= 40, `resident ${before} MiB before trimming, ${after} MiB after: too little given back`)
})
