/**
 * Files written whole and renamed into place survive a power loss once
 * the write resolves: the file is fsynced before its rename, and the
 * folder that holds its new name after it (the file's fsync does not
 * cover the name). Read from the system calls of a child under strace
 * (fixtures/file-fsyncs.ts): a private file (the device key, the API
 * token), this device's own file pieces (the message naming them is
 * written once they are safe), and, for contrast, another member's
 * piece, which is fetched again if lost and is never fsynced.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type SystemCall, stepsOf, traceScript } from './fixtures/strace.ts'

const CHILD = fileURLToPath(new URL('./fixtures/file-fsyncs.ts', import.meta.url))
const GROUP_HEX = '01'.repeat(32)

const fsyncs = (step: SystemCall[]): string[] => step.filter((c) => c.name === 'fsync' || c.name === 'fdatasync').map((c) => c.path)
const renameAt = (step: SystemCall[]): number => step.findIndex((c) => c.name.startsWith('rename'))

/** The step renames a temporary file into `folder`, fsyncing the file before and the folder after. */
function assertDurableRename(step: SystemCall[], folder: string, what: string): void {
  const at = renameAt(step)
  assert.ok(at >= 0, `${what}: renamed into place (${JSON.stringify(step)})`)
  assert.ok(
    fsyncs(step.slice(0, at)).some((path) => path.startsWith(`${folder}/`) && path.endsWith('.tmp')),
    `${what}: the file fsynced before its rename`
  )
  assert.ok(fsyncs(step.slice(at)).includes(folder), `${what}: its folder ${folder} fsynced after the rename`)
}

describe('fsyncs of files written whole', () => {
  it('fsyncs a private file and its folder, and this device’s own file pieces and theirs, but not others’ pieces', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-file-fsyncs-'))
    try {
      const steps = stepsOf(await traceScript(dir, CHILD, [dir], ['fsync', 'fdatasync', 'rename', 'renameat', 'renameat2']))
      assert.equal(steps.length, 4, 'a step for the private file and one for each piece')
      const [privateFile, firstOwn, secondOwn, others] = steps as [SystemCall[], SystemCall[], SystemCall[], SystemCall[]]
      assertDurableRename(privateFile, dir, 'the private file')
      const ownFolder = join(dir, 'blobs', GROUP_HEX, 'own', 'a0')
      assertDurableRename(firstOwn, ownFolder, 'the first own piece')
      // the folders it made have their names fsynced too, up to the blob store's own folder
      for (const folder of [join(dir, 'blobs', GROUP_HEX, 'own'), join(dir, 'blobs', GROUP_HEX), join(dir, 'blobs')])
        assert.ok(fsyncs(firstOwn).includes(folder), `the first own piece: ${folder}, which holds a folder it made, fsynced`)
      assertDurableRename(secondOwn, join(dir, 'blobs', GROUP_HEX, 'own', 'a1'), 'the second own piece')
      assert.ok(renameAt(others) >= 0, 'another member’s piece renamed into place')
      assert.deepEqual(fsyncs(others), [], 'another member’s piece is not fsynced (it is fetched again if lost)')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
