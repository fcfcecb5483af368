/**
 * The files that carry a device or a group between machines, in process:
 * the sealed stream of a backup refuses a chunk changed, moved, dropped or
 * appended, and a backup file opens only with its passphrase; a bundle
 * refuses a flipped byte, a cut file and trailing bytes; each file, given
 * to the wrong command, says what it is.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openBackupFile, readBackupHeader, unlockBackup, writeBackupFile } from '../../node/src/backup/backup-file.ts'
import { ChunkOpener, ChunkSealer } from '../../node/src/backup/sealed-chunks.ts'
import { BundleReader, BundleWriter } from '../../node/src/bundle/bundle-format.ts'
import { type TempDir, tempDir } from './fixtures/daemons.ts'

const CHUNK = 1024
const KEY = randomBytes(32)
const HEADER = new TextEncoder().encode('a header')
const PREFIX = randomBytes(16)

/** Seals `plain` into frames, then cuts the frames into pieces of `piece` bytes, as a file read would. */
function sealed(plain: Uint8Array): Uint8Array[] {
  const sealer = new ChunkSealer({ key: KEY, header: HEADER, noncePrefix: PREFIX, chunkBytes: CHUNK })
  return [...sealer.push(plain), sealer.finish()]
}

function opened(frames: Uint8Array[], piece = 333, header = HEADER): Uint8Array {
  const opener = new ChunkOpener({ key: KEY, header, noncePrefix: PREFIX, chunkBytes: CHUNK })
  const all = Buffer.concat(frames)
  const out: Uint8Array[] = []
  for (let at = 0; at < all.byteLength; at += piece) out.push(...opener.push(all.subarray(at, at + piece)))
  opener.finish()
  return new Uint8Array(Buffer.concat(out))
}

describe('the sealed stream of a backup', () => {
  const plain = randomBytes(CHUNK * 3 + 100)

  it('opens what it sealed, whatever the pieces it is read in', () => {
    const frames = sealed(plain)
    assert.equal(frames.length, 4)
    for (const piece of [1, 7, 333, 100_000]) assert.deepEqual(opened(frames, piece), new Uint8Array(plain))
    // a stream that is a whole number of chunks still ends with a last (empty) chunk
    assert.deepEqual(opened(sealed(plain.subarray(0, CHUNK * 2))), new Uint8Array(plain.subarray(0, CHUNK * 2)))
  })

  it('refuses a chunk moved to another place', () => {
    const [a, b, c, d] = sealed(plain) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array]
    assert.throws(() => opened([b, a, c, d]), { name: 'ChunkOpenError', message: /part 1, at 0 bytes into its content, does not authenticate/ })
  })

  it('refuses a stream that lacks its last chunk, even cut between two chunks', () => {
    const frames = sealed(plain)
    assert.throws(() => opened(frames.slice(0, 3)), { name: 'ChunkOpenError', message: /ends before its last chunk/ })
    assert.throws(() => opened([Buffer.concat(frames).subarray(0, 1500)]), { name: 'ChunkOpenError', message: /ends before its last chunk/ })
  })

  it('refuses bytes after the last chunk', () => {
    assert.throws(() => opened([...sealed(plain), new Uint8Array([0])]), { name: 'ChunkOpenError', message: /bytes follow its end/ })
  })

  it('refuses a flipped byte, and a header that was changed', () => {
    const all = Buffer.concat(sealed(plain))
    all[CHUNK + 600] = (all[CHUNK + 600] as number) ^ 0x01
    assert.throws(() => opened([all]), { name: 'ChunkOpenError', message: /part 2, .* does not authenticate/ })
    assert.throws(() => opened(sealed(plain), 333, new TextEncoder().encode('a headeR')), { message: /part 1, .* does not authenticate/ })
  })
})

describe('a backup file', () => {
  let dir: TempDir
  before(async () => {
    dir = await tempDir('causette-formats-')
  })
  after(() => dir?.remove())

  it('is written owner-only, whole or not at all, and opens with its passphrase only', async () => {
    const path = join(dir.path, 'device.backup')
    const records = randomBytes(200_000)
    await writeBackupFile(
      path,
      'correct horse battery',
      (async function* () {
        yield records.subarray(0, 1000)
        yield records.subarray(1000)
      })()
    )
    assert.equal((await stat(path)).mode & 0o777, 0o600)
    const header = await readBackupHeader(path)
    assert.deepEqual({ name: header.kdf.name, t: header.kdf.t, m: header.kdf.m, p: header.kdf.p }, { name: 'argon2id', t: 2, m: 131072, p: 1 })
    await assert.rejects(unlockBackup(path, header, 'correct horse batterY'), {
      name: 'WrongPassphraseError',
      message: /the passphrase does not open/
    })
    const keys = await unlockBackup(path, header, 'correct horse battery')
    const read: Uint8Array[] = []
    for await (const piece of openBackupFile(path, header, keys)) read.push(piece)
    assert.deepEqual(new Uint8Array(Buffer.concat(read)), new Uint8Array(records))

    // a source that fails half-way leaves the earlier file as it was, and no temporary file
    const failing = (async function* () {
      yield records.subarray(0, 100_000)
      throw new Error('the daemon went away')
    })()
    await assert.rejects(writeBackupFile(path, 'another passphrase', failing), /the daemon went away/)
    await unlockBackup(path, await readBackupHeader(path), 'correct horse battery')
    assert.deepEqual(await readdir(dir.path), ['device.backup'])
  })

  it('says what a file is when it is not a backup', async () => {
    const bundle = join(dir.path, 'group.bundle')
    const writer = new BundleWriter()
    await writeFile(bundle, Buffer.concat([writer.header(randomBytes(32)), writer.end()]))
    await assert.rejects(readBackupHeader(bundle), { name: 'NotABackupError', message: /group bundle: import it with `causette import <file>`/ })
    const notes = join(dir.path, 'notes.txt')
    await writeFile(notes, 'shopping list\n')
    await assert.rejects(readBackupHeader(notes), { name: 'NotABackupError', message: /notes\.txt is not a Causette backup/ })
  })
})

describe('a group bundle', () => {
  const group = randomBytes(32)
  const entries = Array.from({ length: 40 }, (_, i) => randomBytes(100 + i))
  const bundle = (): Buffer => {
    const writer = new BundleWriter()
    return Buffer.concat([writer.header(group), writer.entries(entries.slice(0, 25)), writer.entries(entries.slice(25)), writer.end()])
  }
  const read = (bytes: Uint8Array, piece = 97): { reader: BundleReader; got: Uint8Array[] } => {
    const reader = new BundleReader('the bundle')
    const got: Uint8Array[] = []
    for (let at = 0; at < bytes.byteLength; at += piece) got.push(...reader.push(bytes.subarray(at, at + piece)))
    reader.finish()
    return { reader, got }
  }

  it('gives back its group and entries, read in pieces of any size', () => {
    for (const piece of [1, 97, 1_000_000]) {
      const { reader, got } = read(bundle(), piece)
      assert.deepEqual(reader.groupId, new Uint8Array(group))
      assert.equal(reader.count, 40)
      assert.deepEqual(
        got.map((e) => Buffer.from(e).toString('hex')),
        entries.map((e) => e.toString('hex'))
      )
    }
  })

  it('refuses a flipped byte, a cut file and bytes after its checksum', () => {
    const flipped = bundle()
    flipped[500] = (flipped[500] as number) ^ 0x80
    assert.throws(() => read(flipped), { name: 'BundleDamagedError', message: /its checksum does not match its content/ })
    const whole = bundle()
    assert.throws(() => read(whole.subarray(0, whole.byteLength - 10)), { name: 'BundleDamagedError', message: /before its end: it was cut short/ })
    assert.throws(() => read(Buffer.concat([whole, Buffer.from('x')])), { name: 'BundleDamagedError', message: /bytes follow its checksum/ })
  })

  it('says what a file is when it is not a bundle', () => {
    assert.throws(() => read(Buffer.from('causette-backup\n and more bytes than a header holds, to be sure')), {
      name: 'NotABundleError',
      message: /it is a backup: restore it with `causette restore <file>`/
    })
    assert.throws(() => read(Buffer.from('hello')), { name: 'NotABundleError' })
  })
})
