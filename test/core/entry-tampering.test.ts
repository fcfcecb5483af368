import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decodeEntry,
  type Entry,
  encodeEntry,
  firstEpochKey,
  generateGroupSecret,
  MAX_ENTRY_BYTES,
  type StoredLogEntry,
  signingPayload,
  writeEntry
} from '@causette/core'
import { encode } from 'cborg'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { entryBytes, entryBytesOf, logEntries } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

async function setup(): Promise<{ writer: Replica; reader: Replica; entry: Entry }> {
  const [writer, reader] = (await replicas(2)) as [Replica, Replica]
  const genesis = decodeEntry(await entryBytesOf(writer.log, (await logEntries(writer.log))[0] as StoredLogEntry))
  await reader.log.add([genesis.bytes])
  // the group's first message key, granted to both: the message under test is then the reader's only missing entry
  await writer.log.rekey()
  await merge(writer, reader)
  const written = await writer.log.append({ type: 'message', text: 'the rope is in the car' })
  return { writer, reader, entry: decodeEntry(await entryBytesOf(writer.log, written)) }
}

const REJECTIONS = new Set([
  'InvalidSignatureError',
  'MalformedEntryError',
  'NonCanonicalEncodingError',
  'TruncatedEntryError',
  'WrongGroupError',
  'UnsupportedVersionError',
  'EntryTooLargeError'
])

describe('tampered entries', () => {
  it('rejects every single flipped bit, with a named error, and still accepts the original', async () => {
    const { reader, entry } = await setup()
    const sigStart = entry.bytes.byteLength - 64
    const tampered: Uint8Array[] = []
    for (let bit = 0; bit < entry.bytes.byteLength * 8; bit++) {
      const copy = entry.bytes.slice()
      copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7))
      tampered.push(copy)
    }
    // one entry at a time, so a flip cannot hide behind another in a batch
    const names = new Map<string, number>()
    const sizeBefore = reader.log.size
    for (let i = 0; i < tampered.length; i++) {
      const result = await reader.log.add([tampered[i] as Uint8Array])
      // a flip in the sign or parents can turn into an entry that waits for a missing parent; it must never be accepted
      assert.equal(result.added.length, 0, `flipping bit ${i} produced an accepted entry`)
      for (const r of result.rejected) {
        assert.ok(REJECTIONS.has(r.error.name), `bit ${i}: unexpected ${r.error.name}: ${r.error.message}`)
        names.set(r.error.name, (names.get(r.error.name) ?? 0) + 1)
        if (i >= sigStart * 8) assert.equal(r.error.name, 'InvalidSignatureError', `bit ${i} lies in the signature`)
      }
    }
    assert.ok((names.get('InvalidSignatureError') ?? 0) >= 64 * 8, 'every signature bit is caught by the signature check')
    assert.equal(reader.log.size, sizeBefore, 'no tampered entry is held')
    assert.equal(await reader.log.view.countMessages(), 0)
    const honest = await reader.log.add([entry.bytes])
    assert.equal(honest.added.length, 1, 'the untouched entry is still accepted')
    assert.equal((await reader.log.view.messages()).messages[0]?.text, 'the rope is in the car')
  })

  it('rejects an entry whose signature was made by another key', async () => {
    const { writer, reader, entry } = await setup()
    const [, , mallory] = [writer, reader, (await replicas(3))[2] as Replica]
    const forged = encodeEntry(entry, await signatures.sign(mallory.key, signingPayload(entry)))
    const result = await reader.log.add([forged.bytes])
    assert.equal(result.added.length, 0)
    assert.equal(result.rejected[0]?.error.name, 'InvalidSignatureError')
    assert.match(result.rejected[0]?.error.message ?? '', /signature does not verify/)
  })

  it('rejects a body encrypted under another group key', async () => {
    const { writer, reader } = await setup()
    const head = decodeEntry(await entryBytesOf(writer.log, (await logEntries(writer.log)).at(-1) as StoredLogEntry))
    const alien = await writeEntry(writer.key, signatures, {
      group: writer.log.id,
      seq: head.seq + 1,
      prev: head.id,
      clock: head.clock + 1,
      parents: [head.id],
      time: Date.now(),
      epoch: new Uint8Array(0),
      op: { type: 'message', text: 'under the wrong key' },
      epochKey: firstEpochKey(generateGroupSecret())
    })
    await reader.log.add([head.bytes])
    const result = await reader.log.add([alien.bytes])
    assert.equal(result.added.length, 0)
    assert.equal(result.rejected[0]?.error.name, 'UndecryptableBodyError')
  })

  it('rejects an entry of another group', async () => {
    const { reader } = await setup()
    const [other] = (await replicas(1, { name: 'Other group' })) as [Replica]
    const foreign = await other.log.append({ type: 'message', text: 'wrong room' })
    const result = await reader.log.add(await entryBytes(other.log, [foreign, (await logEntries(other.log))[0] as StoredLogEntry]))
    assert.deepEqual(
      result.rejected.map((r) => r.error.name),
      ['WrongGroupError', 'WrongGroupError']
    )
  })

  it('rejects non-canonical encodings: a long-form integer, an integer written as a float, unsorted parents', async () => {
    const { entry } = await setup()
    const tuple = [1, entry.group, entry.author, entry.seq, entry.prev, entry.clock, entry.parents, entry.time, entry.epoch, entry.body, entry.sig]
    // seq 2 written as 0x18 0x02 instead of 0x02
    const canonical = entry.bytes
    const seqOffset = 1 + 1 + 34 + 34 // array header, version, group, author
    assert.equal(canonical[seqOffset], entry.seq)
    const longSeq = new Uint8Array([...canonical.subarray(0, seqOffset), 0x18, entry.seq, ...canonical.subarray(seqOffset + 1)])
    assert.throws(() => decodeEntry(longSeq), { name: 'NonCanonicalEncodingError' })
    // the time, an integer, written as a 64-bit float: same value, another encoding
    const timeOffset = encode(tuple.slice(0, 7)).byteLength
    const timeLength = encode(entry.time).byteLength
    const float = new Uint8Array(9)
    float[0] = 0xfb
    new DataView(float.buffer).setFloat64(1, entry.time)
    const floatTime = new Uint8Array([...canonical.subarray(0, timeOffset), ...float, ...canonical.subarray(timeOffset + timeLength)])
    assert.throws(() => decodeEntry(floatTime), { name: 'NonCanonicalEncodingError' })
    const fractionalTime = encode(tuple.map((v, i) => (i === 7 ? 1.5 : v)))
    assert.throws(() => decodeEntry(fractionalTime), { name: 'MalformedEntryError' })
    const twoParents = [new Uint8Array(32).fill(9), new Uint8Array(32).fill(1)]
    const unsorted = encode(tuple.map((v, i) => (i === 6 ? twoParents : v)))
    assert.throws(() => decodeEntry(unsorted), { name: 'NonCanonicalEncodingError' })
    assert.equal(decodeEntry(canonical).seq, entry.seq, 'the canonical form still decodes')
  })

  it('rejects an oversize entry before decoding it, and refuses to write one', async () => {
    const { entry } = await setup()
    const big = new Uint8Array(MAX_ENTRY_BYTES + 1)
    assert.throws(() => decodeEntry(big), { name: 'EntryTooLargeError', message: /65537 bytes; the limit is 65536/ })
    assert.throws(() => encodeEntry({ ...entry, body: new Uint8Array(MAX_ENTRY_BYTES) }, entry.sig), { name: 'EntryTooLargeError' })
  })

  it('rejects every truncation of an entry as truncated', async () => {
    const { entry } = await setup()
    for (let length = 0; length < entry.bytes.byteLength; length++) {
      assert.throws(() => decodeEntry(entry.bytes.subarray(0, length)), { name: 'TruncatedEntryError' }, `prefix of ${length} bytes`)
    }
  })

  it('rejects an entry whose clock does not follow its parents', async () => {
    const { writer, reader } = await setup()
    const head = decodeEntry(await entryBytesOf(writer.log, (await logEntries(writer.log)).at(-1) as StoredLogEntry))
    await reader.log.add([head.bytes])
    const skewed = await craftEntry(writer, { type: 'message', text: 'from the future' }, (d) => ({ clock: d.clock + 4 }))
    const result = await reader.log.add([skewed.bytes])
    assert.equal(result.rejected[0]?.error.name, 'InvalidClockError')
  })

  it('rejects an entry whose seq does not follow its previous entry', async () => {
    const { writer, reader } = await setup()
    const head = decodeEntry(await entryBytesOf(writer.log, (await logEntries(writer.log)).at(-1) as StoredLogEntry))
    await reader.log.add([head.bytes])
    const gap = await craftEntry(writer, { type: 'message', text: 'skipped one' }, (d) => ({ seq: d.seq + 1 }))
    const result = await reader.log.add([gap.bytes])
    assert.equal(result.rejected[0]?.error.name, 'InvalidChainError')
  })
})
