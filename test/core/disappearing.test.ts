import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkLifetime, decodeEntry, encodeEntry, erasedBytesOf, expiryOf, type LogEntry, signedBytesOf, signingPayload, toHex } from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { entryBytes, entryBytesOf } from '../fixtures/entry-bytes.ts'
import { merge, openReplica, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

const T0 = 1_800_000_000_000

/** A clock the test moves. */
function clock() {
  let now = T0
  return { now: () => now, set: (t: number) => (now = t) }
}

async function texts(r: Replica): Promise<string[]> {
  return (await r.log.view.messages({ limit: 50 })).messages.map((m) => m.text)
}

describe('disappearing messages', () => {
  it('encodes an expiring entry whose body can be erased with its id and signature intact', async () => {
    const [a] = (await replicas(1)) as [Replica]
    const time = Date.now()
    const written = await craftEntry(a, { type: 'message', text: 'gone soon' }, { time, expires: time + 60_000 })
    const decoded = decodeEntry(written.bytes)
    assert.equal(decoded.expires, time + 60_000)
    assert.equal(toHex(decoded.id), toHex(written.id))
    const erased = decodeEntry(erasedBytesOf(decoded))
    assert.equal(erased.erased, true)
    assert.equal(erased.body.byteLength, 0)
    assert.equal(toHex(erased.id), toHex(written.id), 'same id with the body gone')
    assert.ok(erased.bytes.byteLength < written.bytes.byteLength)
    assert.equal(await signatures.verify(a.key.publicKey, erased.sig, signedBytesOf(erased)), true, 'the signature still verifies')
    assert.deepEqual(signedBytesOf(erased), signingPayload(written), 'what was signed is recovered from either form')

    const tampered = written.bytes.slice()
    tampered[tampered.byteLength - 3] = (tampered[tampered.byteLength - 3] as number) ^ 1
    assert.throws(() => decodeEntry(tampered), { name: 'MalformedEntryError', message: /does not match the hash/ })
    assert.throws(() => encodeEntry({ ...written, expires: time }, written.sig), { name: 'MalformedEntryError', message: /expires/ })
    const genesis = decodeEntry((await entryBytes(a.log))[0] as Uint8Array)
    assert.throws(() => erasedBytesOf(genesis), { name: 'MalformedEntryError' })
  })

  it('erases a message at its deadline on the writer, and no reader shows it past it', async () => {
    const time = clock()
    const [a, b] = (await replicas(2, { now: time.now })) as [Replica, Replica]
    const gone = await a.log.append({ type: 'message', text: 'the code is 4711' }, { expires: T0 + 10_000 })
    await a.log.append({ type: 'message', text: 'see you there' })
    await merge(a, b)
    assert.deepEqual(await texts(b), ['the code is 4711', 'see you there'])
    assert.equal((await b.log.view.message(gone.idHex))?.expires, T0 + 10_000)
    assert.equal(await a.log.nextExpiry(), T0 + 10_000)
    assert.deepEqual(await a.log.eraseExpired(), [], 'nothing is due before the deadline')

    time.set(T0 + 10_000)
    assert.deepEqual(await texts(b), ['see you there'], 'gone from a view the moment it is due, erased or not')
    const erasedIds: string[] = []
    a.log.addEventListener('erased', (evt) => erasedIds.push(...evt.detail.ids))
    assert.deepEqual(await a.log.eraseExpired(), [gone.idHex])
    assert.deepEqual(erasedIds, [gone.idHex], 'listeners are told')
    assert.equal(decodeEntry(await entryBytesOf(a.log, gone)).erased, true, 'the store holds no body')
    assert.equal((await a.store.searchMessageRows(['4711'], { limit: 5, offset: 0 })).length, 0)
    assert.equal(await a.log.nextExpiry(), undefined)
  })

  it('brings a device that was offline at the deadline the erased entry, and what came after it', async () => {
    const time = clock()
    const [a, , c] = (await replicas(3, { now: time.now })) as [Replica, Replica, Replica]
    // c is a member that was offline: it holds the group up to its own join and nothing after
    const gone = await a.log.append({ type: 'message', text: 'meet at noon' }, { expires: T0 + 10_000 })
    const after = await a.log.append({ type: 'message', text: 'bring water' })
    time.set(T0 + 10_000)
    await a.log.eraseExpired()
    // everything a holds, as a sync would send it: the rekey before the message too
    const sent = await entryBytes(a.log)

    time.set(T0 + 10_000 - 120_000)
    const early = await c.log.add(sent)
    assert.equal(
      early.rejected[0]?.error.name,
      'ErasedTooEarlyError',
      'an erased body two minutes early is refused: a peer may not strip a live message'
    )
    assert.match(early.rejected[0]?.error.message ?? '', /before it expires/)
    assert.equal(early.pending, 1, 'what follows waits for it')

    time.set(T0 + 10_000)
    const late = await c.log.add(sent)
    assert.deepEqual(late.added.map((e) => e.idHex).slice(-2), [gone.idHex, after.idHex])
    assert.deepEqual(late.rejected, [])
    assert.deepEqual(await texts(c), ['bring water'])
    assert.equal(c.log.pendingCount, 0)
  })

  it('ignores a membership operation in an expiring entry, as a device holding it erased must', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const time = Date.now()
    const leave = await craftEntry(b, { type: 'leave' }, { time, expires: time + 60_000 })
    const result = await a.log.add([leave.bytes])
    assert.equal(result.added.length, 1, 'admitted: every member admits the same entries')
    assert.equal(a.log.standing(toHex(b.key.publicKey)), 'member', 'but it changes no membership')
    await assert.rejects(a.log.append({ type: 'leave' }, { expires: time + 60_000 }), { name: 'DisappearingNotAllowedError' })
  })

  it("sets a message's deadline from the group timer, a shorter timer of its own, or the message it changes", async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const now = Date.now()
    assert.equal(await expiryOf(a.log.view, { type: 'message', text: 'plain' }, now), undefined, 'no timer: no deadline')
    assert.equal(await expiryOf(a.log.view, { type: 'message', text: 'mine' }, now, 30_000), now + 30_000)
    await a.log.append({ type: 'metadata', disappearing: 3600 })
    assert.equal(a.log.view.metadata().disappearing, 3600)
    assert.equal(await expiryOf(a.log.view, { type: 'message', text: 'timed' }, now), now + 3_600_000)
    assert.equal(await expiryOf(a.log.view, { type: 'message', text: 'sooner' }, now, 60_000), now + 60_000)
    assert.equal(
      await expiryOf(a.log.view, { type: 'message', text: 'not later' }, now, 7_200_000),
      now + 3_600_000,
      'never later than the group timer'
    )
    const timed = (await a.log.append({ type: 'message', text: 'timed' }, { expires: now + 3_600_000 })) as LogEntry
    const reaction = { type: 'reaction', target: timed.id, emoji: '👀', add: true } as const
    assert.equal(await expiryOf(a.log.view, reaction, now), now + 3_600_000, 'a reaction disappears with its message')
    await assert.rejects(expiryOf(a.log.view, reaction, now, 60_000), { name: 'DisappearingNotAllowedError' })
    assert.throws(() => checkLifetime(1000), { name: 'DisappearingNotAllowedError', message: /5 seconds to 28 days/ })
    await merge(a, b)
    await assert.rejects(b.log.append({ type: 'metadata', disappearing: 60 }), { name: 'MalformedOperationError', message: /5 minutes/ })
    const offline = await openReplica(a.log, b.key)
    assert.equal(offline.log.view.metadata().disappearing, 0)
  })
})
