/**
 * Files between two real daemons on 127.0.0.1, through the CLI: Alice
 * sends a 50 MB file; Bob lists it, saves it with progress, and it is the
 * same bytes (hashes compared); a range of it comes through the API; a
 * file over the daemon's limit is refused with a clear error and leaves
 * nothing behind; a PNG and a JPEG go with their placeholder and size.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { HistoryResponse, SendResponse } from '@causette/node'
import jpeg from 'jpeg-js'
import { thumbHashToApproximateAspectRatio, thumbHashToAverageRGBA } from 'thumbhash'
import { pngImage } from '../web/fixtures/png-image.ts'
import { aliceAndBob, cliError, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

const FILE_BYTES = 50 * 1000 * 1000

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}

/** Every file under a directory, recursively (the blobs a daemon keeps). */
async function filesUnder(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return found.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name))
}

describe('files, between two daemons', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''
  let source = ''
  let sentId = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Expedition'))
    source = join(dirs.path, 'survey.bin')
    await writeFile(source, randomBytes(FILE_BYTES))
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  it('sends a 50 MB file that the other member saves byte for byte, with progress on both sides', async () => {
    const sent = await alice.cli(['send', groupId, '--file', source, 'the survey data'])
    assert.equal(sent.code, 0, sent.stderr)
    assert.match(sent.stdout, /^Sent survey\.bin \(50\.0 MB\) to Expedition \([0-9a-f]{12}\)\.$/m)
    assert.match(sent.stderr, /Sending survey\.bin: 50\.0 of 50\.0 MB/)
    sentId = /\(([0-9a-f]{12})\)\.$/m.exec(sent.stdout)?.[1] as string

    // listed by its sender's name once her display name has reached Bob too (it travels as an entry of its own)
    const line = /Alice( \([0-9a-f]+\))?: 📎 survey\.bin \(50\.0 MB\) {2}[0-9a-f]{12}$/m
    await eventually(async () => line.test((await bob.cli(['files', groupId])).stdout), "the file listed at Bob's, by Alice's name")
    const listed = await bob.cli(['files', groupId])
    assert.match(listed.stdout, line)
    const history = await bob.cli(['history', groupId])
    assert.match(history.stdout, /the survey data 📎 survey\.bin \(50\.0 MB\)/)

    const target = join(dirs.path, 'saved.bin')
    const saved = await bob.cli(['save', groupId, sentId, '-o', target])
    assert.equal(saved.code, 0, saved.stderr)
    assert.match(saved.stderr, /Saving survey\.bin: 50\.0 of 50\.0 MB/)
    assert.match(saved.stdout, /^Saved survey\.bin \(50\.0 MB\) to .*saved\.bin\.$/m)
    assert.equal((await stat(target)).size, FILE_BYTES)
    assert.equal(await sha256Of(target), await sha256Of(source), 'the same bytes')
    const blobs = await filesUnder(join(bob.home, 'blobs'))
    assert.ok(blobs.length >= 190, `Bob keeps the file's pieces (${blobs.length}) to serve others`)
    assert.ok(!(await readFile(blobs[0] as string)).includes((await readFile(source)).subarray(0, 64)), 'kept sealed, not in the clear')

    const again = await cliError(bob.home, ['save', groupId, sentId, '-o', target])
    assert.equal(again.name, 'UsageError')
    assert.match(again.message, /exists already; nothing was written/)
  })

  it('gives a range of the file through the API', async () => {
    const token = (await readFile(join(bob.home, 'api-token'), 'utf8')).trim()
    const api = JSON.parse(await readFile(join(bob.home, 'api.json'), 'utf8')) as { url: string }
    const res = await fetch(`${api.url}/v1/groups/${groupId}/messages/${sentId}/files/0`, {
      headers: { authorization: `Bearer ${token}`, range: 'bytes=1000000-1000099' }
    })
    assert.equal(res.status, 206)
    assert.equal(res.headers.get('content-range'), `bytes 1000000-1000099/${FILE_BYTES}`)
    const part = new Uint8Array(await res.arrayBuffer())
    assert.deepEqual(part, new Uint8Array((await readFile(source)).subarray(1_000_000, 1_000_100)))
    const none = await fetch(`${api.url}/v1/groups/${groupId}/messages/${sentId}/files/3`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(none.status, 404)
    assert.match(((await none.json()) as { error: { message: string } }).error.message, /carries 1 file, numbered from 0/)
  })

  it('sends a PNG and a JPEG with their placeholder and size, so they show at their shape before a byte arrives', async () => {
    // a 320 × 200 picture: a red half and a blue half
    const pixel = (x: number): [number, number, number, number] => (x < 160 ? [220, 30, 30, 255] : [30, 30, 220, 255])
    const png = join(dirs.path, 'ridge.png')
    await writeFile(
      png,
      pngImage(320, 200, (x) => pixel(x))
    )
    const rgba = Buffer.alloc(180 * 240 * 4)
    for (let i = 0; i < 180 * 240; i++) rgba.set(pixel((i % 180) * 2), i * 4)
    const jpg = join(dirs.path, 'summit.jpg')
    await writeFile(jpg, jpeg.encode({ data: rgba, width: 180, height: 240 }, 90).data)
    for (const [path, width, height] of [
      [png, 320, 200],
      [jpg, 180, 240]
    ] as const) {
      const sent = await alice.cliJson<SendResponse>(['send', groupId, '--file', path])
      await eventually(
        async () => (await bob.cliJson<HistoryResponse>(['history', groupId])).messages.some((m) => m.id === sent.message.id),
        'Bob has it'
      )
      const file = (await bob.cliJson<HistoryResponse>(['history', groupId])).messages.find((m) => m.id === sent.message.id)?.files?.[0]
      assert.equal(file?.width, width)
      assert.equal(file?.height, height)
      const thumb = Buffer.from(file?.thumb ?? '', 'base64')
      assert.ok(thumb.byteLength > 5 && thumb.byteLength <= 40, `a ThumbHash of a few dozen bytes (${thumb.byteLength})`)
      assert.ok(Math.abs(thumbHashToApproximateAspectRatio(thumb) - width / height) < 0.15, 'of the image’s shape')
      const { r, b } = thumbHashToAverageRGBA(thumb)
      assert.ok(r > 0.3 && b > 0.3, 'and of its colours, red and blue')
    }
    // a file that only says it is a PNG is sent as a plain file
    const fake = join(dirs.path, 'broken.png')
    await writeFile(fake, 'not a picture')
    const sent = await alice.cliJson<SendResponse>(['send', groupId, '--file', fake])
    assert.equal(sent.message.files?.[0]?.thumb, undefined)
  })

  it("refuses a file over the daemon's limit, saying so, and keeps nothing of it", async () => {
    await alice.stop()
    alice = await DaemonProcess.start(alice.home, [...ISOLATED, '--name', 'Alice', '--max-file-mb', '1'])
    const before = (await filesUnder(join(alice.home, 'blobs'))).length
    const big = join(dirs.path, 'big.bin')
    await writeFile(big, randomBytes(2_500_000))
    const refused = await cliError(alice.home, ['send', groupId, '--file', big])
    assert.equal(refused.name, 'FileTooLargeError')
    assert.match(refused.message, /larger than 1 MB, the most this device sends/)
    assert.equal((await filesUnder(join(alice.home, 'blobs'))).length, before, 'no piece of it is left')
    const history = await alice.cliJson<HistoryResponse>(['history', groupId])
    assert.ok(!history.messages.some((m) => m.files?.[0]?.name === 'big.bin'), 'no message was written')
    const small = join(dirs.path, 'note.txt')
    await writeFile(small, 'see you at the hut')
    const ok = await alice.cliJson<SendResponse>(['send', groupId, '--file', small])
    assert.equal(ok.message.files?.[0]?.type, 'text/plain')
  })
})
