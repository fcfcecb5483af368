/**
 * A file keeps reaching members when its sender goes: three real daemons,
 * Alice sends a file and a photo; Carol saves the file; Bob has read part
 * of it when Alice's daemon is killed, and saves the rest from Carol — the
 * same bytes. The photo reached both by itself (small images are fetched
 * as they arrive), so Bob opens it with no one else online.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { SendResponse } from '@causette/node'
import { aliceAndBob, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

describe('files when their sender is gone', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let carol: DaemonProcess
  let groupId = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Expedition'))
    // Carol knows Bob's address (as mDNS or a relay would tell her), so the two stay in touch once Alice has gone
    const bobAddress = bob.ready.addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws')) as string
    carol = await DaemonProcess.start(join(dirs.path, 'carol'), [...ISOLATED, '--name', 'Carol', '--bootstrap', bobAddress])
    const invite = await alice.cliJson<{ link: string }>(['invite', groupId])
    await carol.cliJson(['join', invite.link, '--timeout', '60s'])
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill(), carol?.kill()])
    await dirs?.remove()
  })

  it("resumes a file from another member once its sender's daemon is killed, and opens a photo fetched on arrival", async () => {
    const tiles = randomBytes(20_000_000)
    const photo = randomBytes(300_000)
    await writeFile(join(dirs.path, 'tiles.bin'), tiles)
    await writeFile(join(dirs.path, 'photo.png'), photo)
    const file = await alice.cliJson<SendResponse>(['send', groupId, '--file', join(dirs.path, 'tiles.bin')])
    const image = await alice.cliJson<SendResponse>(['send', groupId, '--file', join(dirs.path, 'photo.png'), 'the summit'])
    assert.equal(image.message.files?.[0]?.type, 'image/png')
    const fileId = file.message.id.slice(0, 12)
    for (const d of [bob, carol]) await eventually(async () => (await d.cli(['files', groupId])).stdout.includes('photo.png'), 'both files listed')

    const atCarol = join(dirs.path, 'carol-tiles.bin')
    const carolSaved = await carol.cli(['save', groupId, fileId, '-o', atCarol])
    assert.equal(carolSaved.code, 0, carolSaved.stderr)

    // Bob reads the first 5 MB, then Alice's daemon dies
    const token = (await readFile(join(bob.home, 'api-token'), 'utf8')).trim()
    const api = JSON.parse(await readFile(join(bob.home, 'api.json'), 'utf8')) as { url: string }
    const part = await fetch(`${api.url}/v1/groups/${groupId}/messages/${fileId}/files/0`, {
      headers: { authorization: `Bearer ${token}`, range: 'bytes=0-4999999' }
    })
    assert.equal(part.status, 206)
    assert.equal(sha(new Uint8Array(await part.arrayBuffer())), sha(tiles.subarray(0, 5_000_000)))
    await alice.kill()

    const atBob = join(dirs.path, 'bob-tiles.bin')
    const saved = await bob.cli(['save', groupId, fileId, '-o', atBob])
    assert.equal(saved.code, 0, saved.stderr)
    assert.equal(sha(await readFile(atBob)), sha(tiles), 'the whole file, the rest from Carol')

    // the photo came by itself: with Carol gone too, Bob still opens it
    await carol.kill()
    const atBobPhoto = join(dirs.path, 'bob-photo.png')
    const photoSaved = await bob.cli(['save', groupId, image.message.id.slice(0, 12), '-o', atBobPhoto])
    assert.equal(photoSaved.code, 0, photoSaved.stderr)
    assert.equal(sha(await readFile(atBobPhoto)), sha(photo))
  })
})
