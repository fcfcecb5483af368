/**
 * The daemon's verification on a worker thread: the verdicts are the same as
 * on the main thread — valid signatures pass, any forged or mismatched one
 * fails — whether checks come one by one or a whole batch at once, and
 * after the worker is gone checks still get the right answer (on the main
 * thread). And a sync batch checked through it: a forged chain head is
 * caught, and the entries beneath it are checked on their own.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, type Entry, generateDeviceKey, signedBytesOf, verifyBatch } from '@causette/core'
import { WorkerSignatures } from '@causette/node'
import { entryBytesOf } from '../fixtures/entry-bytes.ts'
import { type Replica, replicas } from '../fixtures/replicas.ts'

async function chain(length: number): Promise<Entry[]> {
  const [writer] = (await replicas(1)) as [Replica]
  const out: Entry[] = []
  for (let i = 0; i < length; i++)
    out.push(decodeEntry(await entryBytesOf(writer.log, await writer.log.append({ type: 'message', text: `pitch ${i}` }))))
  return out
}

function forged(entry: Entry): Entry {
  const sig = entry.sig.slice()
  sig[10] = (sig[10] as number) ^ 0x40
  return { ...entry, sig }
}

describe('signatures verified on a worker thread', () => {
  it('gives the same verdicts as the main thread, for single checks and a batch at once', async () => {
    const signatures = new WorkerSignatures()
    try {
      await signatures.whenReady()
      assert.equal(signatures.onWorker, true, 'the checks below go to the worker')
      const entries = await chain(40)
      const checks = entries.map((e, i) => (i % 3 === 0 ? forged(e) : e))
      const verdicts = await Promise.all(checks.map((e) => signatures.verify(e.author, e.sig, signedBytesOf(e))))
      assert.deepEqual(
        verdicts,
        checks.map((_, i) => i % 3 !== 0)
      )
      // a key that is not the author's, and a signature of the wrong length
      const other = await generateDeviceKey()
      const first = entries[0] as Entry
      assert.equal(await signatures.verify(other.publicKey, first.sig, signedBytesOf(first)), false)
      assert.equal(await signatures.verify(first.author, first.sig.subarray(0, 63), signedBytesOf(first)), false)
      assert.equal(await signatures.verify(first.author, first.sig, signedBytesOf(first)), true)
      assert.equal(signatures.onWorker, true)
    } finally {
      await signatures.close()
    }
  })

  it('starts the worker at the first check, answering here meanwhile, and stops it when idle', async () => {
    const signatures = new WorkerSignatures({ idleMs: 200 })
    try {
      const [entry] = await chain(1)
      const e = entry as Entry
      const bad = forged(e)
      assert.equal(signatures.onWorker, false, 'no worker before any check')
      assert.equal(await signatures.verify(e.author, e.sig, signedBytesOf(e)), true)
      assert.equal(await signatures.verify(bad.author, bad.sig, signedBytesOf(bad)), false)
      await signatures.whenReady()
      assert.equal(signatures.onWorker, true)
      assert.equal(await signatures.verify(bad.author, bad.sig, signedBytesOf(bad)), false)
      await new Promise((resolve) => setTimeout(resolve, 600))
      assert.equal(signatures.onWorker, false, 'stopped after idling')
      // the next check starts it again, and is answered right meanwhile
      assert.equal(await signatures.verify(e.author, e.sig, signedBytesOf(e)), true)
      await signatures.whenReady()
      assert.equal(signatures.onWorker, true)
      assert.equal(await signatures.verify(e.author, e.sig, signedBytesOf(e)), true)
    } finally {
      await signatures.close()
    }
  })

  it('still answers, and answers right, once the worker is gone', async () => {
    const signatures = new WorkerSignatures()
    const [entry] = await chain(1)
    const e = entry as Entry
    await signatures.whenReady()
    const pending = signatures.verify(e.author, e.sig, signedBytesOf(e))
    await signatures.close()
    assert.equal(await pending, true)
    assert.equal(await signatures.verify(e.author, e.sig, signedBytesOf(e)), true)
    const bad = forged(e)
    assert.equal(await signatures.verify(bad.author, bad.sig, signedBytesOf(bad)), false)
  })

  it('catches a forged chain head in a batch and checks the entries beneath it on their own', async () => {
    const signatures = new WorkerSignatures()
    try {
      await signatures.whenReady()
      const entries = await chain(6)
      const honest = await verifyBatch(entries, signatures)
      assert.equal(honest.valid.length, 6)
      assert.equal(honest.verified, 1, 'one signature vouches for the whole chain')

      const withForgedHead = [...entries.slice(0, 5), forged(entries[5] as Entry)]
      const result = await verifyBatch(withForgedHead, signatures)
      assert.deepEqual(
        result.invalid.map((r) => r.entry.seq),
        [(entries[5] as Entry).seq]
      )
      assert.match(result.invalid[0]?.error.message ?? '', /signature does not verify/)
      assert.equal(result.valid.length, 5)
      assert.equal(result.verified, 2, 'the head, then the next entry, which vouches for the rest')
    } finally {
      await signatures.close()
    }
  })
})
