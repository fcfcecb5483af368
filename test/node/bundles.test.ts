/**
 * A group carried by file (`causette bundle` and `import`) between two real
 * daemons that meet once — when Bob joins — and never again: each runs
 * only while the other is stopped, on loopback with mDNS off, no bootstrap
 * and new ports at every start. What Alice writes meanwhile reaches Bob on
 * a file alone. A bundle with a flipped byte, or with an entry changed
 * under a recomputed checksum, is refused whole; a bundle of a group Bob
 * never joined says to join first; a file that is no bundle says what it is.
 */
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, PeersResponse } from '@causette/node'
import { BundleReader, BundleWriter } from '../../node/src/bundle/bundle-format.ts'
import { aliceAndBob, cliError, DaemonProcess, type TempDir, tempDir } from './fixtures/daemons.ts'

/** The bytes of an entry's signature at its end, after the CBOR head of the signature. */
const SIGNATURE_TAIL = 66
/** End marker, count and checksum after the last entry. */
const TRAILER = 40

describe('a group carried by file between devices that never meet', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''
  const file = (name: string) => join(dirs.path, name)
  const texts = async (): Promise<string[]> => (await bob.cliJson<HistoryResponse>(['history', groupId])).messages.map((m) => m.text)
  const entriesAtBob = async (): Promise<number> =>
    (await bob.cliJson<{ groups: GroupSummary[] }>(['groups'])).groups.find((g) => g.id === groupId)?.entries ?? -1

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Expedition'))
    // the only time they are online together
    await bob.stop()

    for (const text of ['Camp 1 reached', 'Weather turning']) await alice.cliJson(['send', groupId, text])
    const first = await alice.cli(['bundle', groupId, '-o', file('first.bundle')])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^Wrote \d+ entries of Expedition \([0-9a-f]{12}\) to .*first\.bundle\.$/m)
    assert.match(first.stderr, /Bundling Expedition: \d+ of \d+ entries/)
    await alice.cliJson(['send', groupId, 'Summit tomorrow'])
    await alice.cliJson(['bundle', groupId, '-o', file('second.bundle')])
    const secret = (await alice.cliJson<{ group: GroupSummary }>(['create', 'Secret plans'])).group.id
    await alice.cliJson(['bundle', secret, '-o', file('secret.bundle')])
    await alice.stop()

    bob = await DaemonProcess.start(bob.home)
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  it('brings a member what was written while apart, with no network between them, and says what was new', async () => {
    assert.equal((await texts()).includes('Camp 1 reached'), false)
    const imported = await bob.cli(['import', file('first.bundle')])
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(imported.stdout, /^Imported \d+ new entries into Expedition \([0-9a-f]{12}\) \(\d+ already here\)\.$/m)
    assert.match(imported.stderr, /Checking the bundle: \d+ of \d+ entries/)
    assert.match(imported.stderr, /Importing: \d+ of \d+ entries/)
    assert.deepEqual((await texts()).slice(-2), ['Camp 1 reached', 'Weather turning'])
    // it came by file: Bob has met no one since he started
    assert.deepEqual((await bob.cliJson<PeersResponse>(['peers'])).peers, [])

    const again = await bob.cli(['import', file('first.bundle')])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /^Imported 0 new entries into Expedition .*\(\d+ already here\)\.$/m)
  })

  it('refuses a bundle with a flipped byte, or with an entry changed under a new checksum, and imports nothing from it', async () => {
    const bytes = await readFile(file('second.bundle'))
    const before = await entriesAtBob()

    const flipped = Buffer.from(bytes)
    // inside the body of the last entry: the checksum no longer matches
    const inBody = flipped.byteLength - TRAILER - SIGNATURE_TAIL - 3
    flipped[inBody] = (flipped[inBody] as number) ^ 0x01
    await writeFile(file('flipped.bundle'), flipped)
    const damaged = await cliError(bob.home, ['import', file('flipped.bundle')])
    assert.equal(damaged.name, 'BundleDamagedError')
    assert.match(
      damaged.message,
      /the bundle is damaged or was changed after it was written \(its checksum does not match its content\); nothing was imported/
    )

    // the same change in a bundle written again around it, checksum and all: the entry's signature gives it away
    const reader = new BundleReader('second.bundle')
    const entries = reader.push(bytes).map((e) => Buffer.from(e))
    reader.finish()
    const last = entries.at(-1) as Buffer
    const at = last.byteLength - SIGNATURE_TAIL - 3
    last[at] = (last[at] as number) ^ 0x01
    const writer = new BundleWriter()
    await writeFile(file('forged.bundle'), Buffer.concat([writer.header(reader.groupId as Uint8Array), writer.entries(entries), writer.end()]))
    const forged = await cliError(bob.home, ['import', file('forged.bundle')])
    assert.equal(forged.name, 'BundleDamagedError')
    assert.match(
      forged.message,
      new RegExp(`the signature of its entry ${entries.length} of ${entries.length} \\([0-9a-f]+\\) does not verify: the entry was changed`)
    )

    assert.equal(await entriesAtBob(), before)
    assert.equal((await texts()).includes('Summit tomorrow'), false)
    // the bundle as Alice wrote it goes in
    const good = await bob.cli(['import', file('second.bundle')])
    assert.equal(good.code, 0, good.stderr)
    assert.match(good.stdout, /^Imported \d+ new entr(y|ies) into Expedition/m)
    assert.equal((await texts()).at(-1), 'Summit tomorrow')
  })

  it('says to join first when the bundle is of a group this device never joined', async () => {
    const refused = await cliError(bob.home, ['import', file('secret.bundle')])
    assert.equal(refused.name, 'GroupNotHeldError')
    assert.match(
      refused.message,
      /this bundle holds group [0-9a-f]{12}, which this device has not joined; join it first with an invite link .*nothing was imported/
    )
    assert.deepEqual(
      (await bob.cliJson<{ groups: GroupSummary[] }>(['groups'])).groups.map((g) => g.name),
      ['Expedition']
    )
  })

  it('says what a file is when it is not a bundle, or is not there', async () => {
    await writeFile(file('notes.txt'), 'pack the rope\n')
    const notes = await cliError(bob.home, ['import', file('notes.txt')])
    assert.equal(notes.name, 'NotABundleError')
    assert.match(notes.message, /notes\.txt is not a Causette group bundle/)
    const missing = await cliError(bob.home, ['import', file('nowhere.bundle')])
    assert.equal(missing.name, 'UnreadableFileError')
    assert.match(missing.message, /cannot read .*nowhere\.bundle: there is no such file/)
  })
})
