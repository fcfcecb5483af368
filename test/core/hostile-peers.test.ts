import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import {
  GroupLog,
  generateDeviceKey,
  generateGroupSecret,
  INFINITY,
  MAX_ENTRY_BYTES,
  MAX_SYNC_FRAME_BYTES,
  MemoryStore,
  newNonce,
  SYNC_VERSION,
  syncTag,
  toHex
} from '@causette/core'
import { encode } from 'cborg'
import { entryBytes, entryBytesOf } from '../fixtures/entry-bytes.ts'
import {
  connect,
  connectAll,
  logOf,
  type StartOptions,
  shareGroup,
  startPeer,
  startPeers,
  stopAll,
  type TestPeer,
  waitFor,
  waitForJoins,
  waitForMembers
} from '../fixtures/peers.ts'
import { signatures } from '../fixtures/replicas.ts'
import { HostileMember } from './hostile/hostile-member.ts'
import { memoryPeak } from './hostile/memory-peak.ts'
import { handshake, rawSync } from './hostile/raw-sync.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers)
})

/** Two honest members, Alice and Bob, and Mallory, a member who misbehaves; all connected, all joins known. */
async function meeting(options: StartOptions = {}) {
  const peers = await startPeers(3, { syncIdleTimeoutMs: 1000, ...options })
  running.push(peers)
  const [alice, bob, malloryPeer] = peers as [TestPeer, TestPeer, TestPeer]
  const groupId = await shareGroup(peers, 'Climbing')
  await connectAll(peers)
  await waitForJoins(peers, groupId)
  await waitForMembers(peers, groupId, 2)
  const mallory = await HostileMember.of(malloryPeer, groupId)
  await waitFor(() => [alice, bob].every((p) => logOf(p, groupId).size === mallory.log.size), 'the honest peers to hold mallory’s hello')
  return { alice, bob, malloryPeer, mallory, groupId, honest: [alice, bob] }
}

/** A peer with a key of its own (startPeers hands out the same few keys in every test). */
async function stranger(): Promise<TestPeer> {
  const peer = await startPeer(await generateDeviceKey(), new MemoryStore(), { syncIdleTimeoutMs: 1000 })
  running.push([peer])
  return peer
}

function rejections(p: TestPeer): Error[] {
  const seen: Error[] = []
  p.peer.addEventListener('rejected', (evt) => seen.push(evt.detail.error))
  return seen
}

function syncFailures(p: TestPeer): Error[] {
  const seen: Error[] = []
  p.peer.addEventListener('sync:failed', (evt) => seen.push(evt.detail.error))
  return seen
}

/** What a person sees of the group on a peer, to compare before and after an attack. */
async function shown(p: TestPeer, groupId: string) {
  const log = logOf(p, groupId)
  return { entries: log.size, messages: await log.view.countMessages(), ids: (await log.view.messages()).messages.map((m) => m.id) }
}

/** gossipsub's score of `of` as `p` sees it. */
function gossipScore(p: TestPeer, of: TestPeer): number {
  return (p.peer.libp2p.services.pubsub as unknown as { getScore(id: string): number }).getScore(of.peer.peerId)
}

/** The honest pair still works: a message Alice writes now reaches Bob. */
async function stillWorks(alice: TestPeer, bob: TestPeer, groupId: string, text: string): Promise<void> {
  await alice.peer.send(groupId, { type: 'message', text })
  await waitFor(async () => (await logOf(bob, groupId).view.messages()).messages.some((m) => m.text === text), `bob to show “${text}”`)
}

function summary(line: string): void {
  console.log(`hostile peers: ${line}`)
}

describe('hostile peers: forged, foreign and outsiders’ entries', () => {
  it('rejects an entry that claims to be Alice’s but carries Mallory’s signature, by gossip and by sync, and lowers Mallory’s score', async () => {
    const { alice, bob, malloryPeer, mallory, groupId, honest } = await meeting()
    const before = await Promise.all(honest.map((p) => shown(p, groupId)))
    const seen = honest.map(rejections)
    const forged = await mallory.write({ type: 'message', text: 'Alice says: the meeting is cancelled' }, { impersonate: alice.key })
    await mallory.gossip(forged.bytes)
    await waitFor(() => seen.every((s) => s.some((e) => e.name === 'InvalidSignatureError')), 'both honest peers to reject the forgery')
    const failed = syncFailures(alice)
    const raw = await handshake(malloryPeer, alice, mallory.log)
    await raw.send({ type: 'entries', entries: [forged.bytes] })
    await waitFor(() => failed.some((e) => e.name === 'InvalidSyncEntriesError' && /InvalidSignatureError/.test(e.message)), 'alice to end the sync')
    assert.deepEqual(await Promise.all(honest.map((p) => shown(p, groupId))), before, 'nothing new is shown')
    // gossipsub recomputes scores once a heartbeat
    await waitFor(() => honest.every((p) => gossipScore(p, malloryPeer) < 0), 'mallory’s gossip score to fall on both honest peers')
    const scores = honest.map((p) => gossipScore(p, malloryPeer))
    await stillWorks(alice, bob, groupId, 'after the forgery')
    summary(
      `forged signature (Alice’s name, Mallory’s key) by gossip and sync → InvalidSignatureError on 2/2 honest peers, 0 shown; Mallory’s score ${scores.map((s) => s.toFixed(0)).join(', ')}`
    )
  })

  it('rejects entries of another group, by gossip and by sync', async () => {
    const { alice, bob, malloryPeer, mallory, groupId, honest } = await meeting()
    // a group Mallory's peer does not take online: what she writes there is written, not sent (gossipsub would not publish the same bytes twice)
    const elsewhere = await GroupLog.create({ name: 'Elsewhere', key: malloryPeer.key, store: new MemoryStore(), signatures })
    const foreign = await elsewhere.append({ type: 'message', text: 'from another group' })
    const before = await Promise.all(honest.map((p) => shown(p, groupId)))
    const seen = honest.map(rejections)
    await mallory.gossip(await entryBytesOf(elsewhere, foreign))
    await mallory.gossip((await entryBytes(elsewhere))[0] as Uint8Array)
    await waitFor(() => seen.every((s) => s.filter((e) => e.name === 'WrongGroupError').length === 2), 'both honest peers to reject both entries')
    const failed = syncFailures(bob)
    const raw = await handshake(malloryPeer, bob, mallory.log)
    await raw.send({ type: 'entries', entries: await entryBytes(elsewhere) })
    await waitFor(() => failed.some((e) => e.name === 'InvalidSyncEntriesError' && /WrongGroupError/.test(e.message)), 'bob to end the sync')
    assert.deepEqual(await Promise.all(honest.map((p) => shown(p, groupId))), before)
    await stillWorks(alice, bob, groupId, 'after the foreign entries')
    summary('another group’s genesis and message by gossip and sync → WrongGroupError on 2/2 honest peers, 0 shown')
  })

  it('refuses a device that knows the group id but not its secret, and rejects the writes of one that has the secret but never joined', async () => {
    const { alice, bob, groupId, honest } = await meeting()
    const outsider = await stranger()
    const leaker = await stranger()
    // the id from a screenshot, without the secret
    await outsider.peer.joinGroup(logOf(alice, groupId).id, generateGroupSecret())
    await connect(outsider, alice)
    await assert.rejects(outsider.peer.sync(groupId, alice.peer.peerId), { name: 'SyncRefusedError', message: /unknown group/ })
    assert.equal(logOf(outsider, groupId).size, 0, 'it received nothing')
    // the secret from a leaked link, but no join recorded by any member
    await leaker.peer.joinGroup(logOf(alice, groupId).id, logOf(alice, groupId).secret)
    await connect(leaker, alice)
    await connect(leaker, bob)
    await waitFor(() => logOf(leaker, groupId).size === logOf(alice, groupId).size, 'the leaker to sync what the first epoch lets it')
    await assert.rejects(leaker.peer.send(groupId, { type: 'message', text: 'I am not a member' }), { name: 'NotMemberError' })
    const before = await Promise.all(honest.map((p) => shown(p, groupId)))
    const seen = honest.map(rejections)
    const intruder = HostileMember.outsider(leaker, groupId)
    await waitForMembers([leaker], groupId, 2)
    await intruder.gossip((await intruder.write({ type: 'message', text: 'I am not a member' })).bytes)
    await waitFor(() => seen.every((s) => s.some((e) => e.name === 'NotMemberError')), 'both honest peers to reject the outsider’s entry')
    assert.deepEqual(await Promise.all(honest.map((p) => shown(p, groupId))), before)
    summary(
      'a device with the id but not the secret → SyncRefusedError, 0 entries sent; one with the secret but no join → its writes NotMemberError locally and on 2/2 honest peers, 0 shown'
    )
  })
})

describe('hostile peers: equivocation and replays', () => {
  it('keeps both entries of an equivocating member, shows both, and reports the fork on every honest peer', async () => {
    const { alice, bob, mallory, groupId, honest } = await meeting()
    const equivocations = honest.map((p) => {
      const found: Array<{ author: string; seq: number; ids: string[] }> = []
      p.peer.addEventListener('equivocation', (evt) => found.push(evt.detail.equivocation))
      return found
    })
    const first = await mallory.write({ type: 'message', text: 'we meet at the crag' }, { fork: true })
    const second = await mallory.write({ type: 'message', text: 'we meet at the gym' })
    assert.equal(first.seq, second.seq, 'two entries, one seq')
    await mallory.gossip(first.bytes)
    await mallory.gossip(second.bytes)
    await waitFor(() => equivocations.every((e) => e.length > 0), 'both honest peers to report the equivocation')
    for (const [i, p] of honest.entries()) {
      const reported = equivocations[i]?.[0] as { author: string; seq: number; ids: string[] }
      assert.equal(reported.author, mallory.authorHex)
      assert.equal(reported.seq, first.seq)
      assert.deepEqual([...reported.ids].sort(), [toHex(first.id), toHex(second.id)].sort())
      const texts = (await logOf(p, groupId).view.messages()).messages.map((m) => m.text)
      assert.ok(texts.includes('we meet at the crag') && texts.includes('we meet at the gym'), 'both versions are shown, neither hidden')
    }
    assert.deepEqual(logOf(alice, groupId).equivocations(), logOf(bob, groupId).equivocations(), 'both honest peers report the same fork')
    summary(
      `equivocation (two entries with seq ${first.seq}) → both kept and shown on 2/2 honest peers, reported as ${JSON.stringify({ author: mallory.authorHex.slice(0, 8), seq: first.seq })}`
    )
  })

  it('shows every message once when each is replayed three times by gossip, three times by sync, and again after a restart', async () => {
    const { alice, bob, malloryPeer, mallory, groupId } = await meeting()
    await alice.peer.send(groupId, { type: 'message', text: 'Sunday at 10?' })
    await mallory.gossip((await mallory.write({ type: 'message', text: 'sure' })).bytes)
    // the same heads, not only the same size: Alice's message and Mallory's are concurrent, so each side may hold one of them
    const headsOf = (log: GroupLog) => log.heads().map(toHex).join()
    await waitFor(
      () => [logOf(bob, groupId), logOf(alice, groupId)].every((log) => log.size === mallory.log.size && headsOf(log) === headsOf(mallory.log)),
      'everyone to hold everything'
    )
    const everything = await entryBytes(logOf(alice, groupId))
    const expected = await shown(bob, groupId)
    let replayed = 0
    const replay = async (target: TestPeer) => {
      for (let round = 0; round < 3; round++) {
        // by gossip, from a fresh replayer each round, so no gossip cache on the sending side stops it
        const replayer = await stranger()
        await replayer.peer.joinGroup(mallory.log.id, mallory.log.secret)
        await connect(replayer, target)
        await waitForMembers([replayer], groupId, 1)
        for (const bytes of everything) await replayer.peer.libp2p.services.pubsub.publish(mallory.log.topic, bytes)
        // by sync, all of them in one frame
        const raw = await handshake(malloryPeer, target, mallory.log)
        await raw.send({ type: 'entries', entries: everything })
        await raw.close()
        replayed += 2 * everything.length
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.deepEqual(await shown(target, groupId), expected, 'no message shown twice, nothing new')
      assert.equal(await target.store.countEntries(logOf(target, groupId).id), expected.entries, 'the store holds each entry once')
    }
    await replay(bob)
    // across a restart: a new process has no gossip cache, so replays reach the log itself
    await bob.peer.stop()
    const back = await startPeer(bob.key, bob.store, { syncIdleTimeoutMs: 1000 })
    running.push([back])
    assert.deepEqual(await shown(back, groupId), expected, 'the restart shows what was shown before')
    await connect(malloryPeer, back)
    await waitForMembers([back], groupId, 1)
    await replay(back)
    summary(
      `${everything.length} entries replayed ${replayed} times (3× gossip, 3× sync, before and after a restart) → ${expected.messages} messages shown before and after, 0 duplicates, store unchanged`
    )
  })
})

describe('hostile peers: times, sizes and frames', () => {
  it('orders entries dated an hour and ten years ahead by causality, not time, and rejects a negative time', async () => {
    const { alice, bob, mallory, groupId, honest } = await meeting()
    const hour = 3600_000
    const decade = 10 * 365.25 * 24 * hour
    const seen = honest.map(rejections)
    const written: Array<{ text: string; id: string; time: number }> = []
    const say = async (text: string, by: 'alice' | 'mallory', time?: number) => {
      if (by === 'alice') {
        const e = await alice.peer.send(groupId, { type: 'message', text })
        written.push({ text, id: e.idHex, time: e.time })
      } else {
        const e = await mallory.write({ type: 'message', text }, time === undefined ? {} : { time })
        await mallory.gossip(e.bytes)
        written.push({ text, id: toHex(e.id), time: e.time })
      }
      // each writer has seen the one before: a causal chain
      await waitFor(
        () => [alice, bob, mallory.peer].every((p) => logOf(p, groupId).get(written.at(-1)?.id as string) !== undefined),
        `“${text}” everywhere`
      )
    }
    await say('first', 'alice')
    await say('an hour early', 'mallory', Date.now() + hour)
    await say('after the hour', 'alice')
    await say('ten years early', 'mallory', Date.now() + decade)
    await say('after the decade', 'alice')
    const negative = await mallory.handEncoded(new Uint8Array(40), -1)
    await mallory.gossip(negative)
    await waitFor(() => seen.every((s) => s.some((e) => e.name === 'MalformedEntryError')), 'both honest peers to reject the negative time')
    const expected = written.map((w) => w.text)
    for (const p of honest) {
      const messages = (await logOf(p, groupId).view.messages()).messages.filter((m) => expected.includes(m.text))
      assert.deepEqual(
        messages.map((m) => m.text),
        expected,
        'shown in causal order, whatever their times say'
      )
      assert.ok((messages[1]?.time ?? 0) <= (messages[2]?.time ?? 0), 'the future-dated message is not shown after the message that followed it')
      assert.ok((messages[1]?.claimedTime ?? 0) > (messages[2]?.time ?? 0), 'its claimed time is kept and flagged')
    }
    const view = (await logOf(bob, groupId).view.messages()).messages
    const shownTimes = view.filter((m) => expected.includes(m.text)).map((m) => new Date(m.time).toISOString().slice(0, 16))
    summary(
      `times +1 h and +10 y → accepted, ordered by causality (${expected.join(' < ')}), shown no later than what followed them (${shownTimes.join(', ')}); time -1 → MalformedEntryError on 2/2 honest peers`
    )
  })
})

describe('hostile peers: sizes, frames and streams', () => {
  it('keeps an entry of exactly the size limit, and refuses entries of twice and a hundred times the limit by gossip, by sync and by the API', async () => {
    const { alice, bob, malloryPeer, mallory, groupId, honest } = await meeting()
    const atLimit = await mallory.entryOfSize(MAX_ENTRY_BYTES)
    await mallory.gossip(atLimit.bytes)
    await waitFor(() => honest.every((p) => logOf(p, groupId).get(toHex(atLimit.id)) !== undefined), 'the entry at the limit to arrive')
    const before = await Promise.all(honest.map((p) => shown(p, groupId)))
    const failed = syncFailures(alice)
    const oversize: Array<[string, Uint8Array]> = [
      ['2×', await mallory.handEncoded(new Uint8Array(2 * MAX_ENTRY_BYTES - 200), Date.now())],
      ['100×', await mallory.handEncoded(new Uint8Array(100 * MAX_ENTRY_BYTES - 200), Date.now())]
    ]
    for (const [, bytes] of oversize) {
      // gossipsub refuses the frame before any Causette code sees it (maxInboundDataLength)
      await mallory.gossip(bytes).catch(() => undefined)
      const raw = await handshake(malloryPeer, alice, mallory.log)
      await raw.send({ type: 'entries', entries: [bytes] }).catch(() => undefined)
      const result = await logOf(bob, groupId).add([bytes])
      assert.equal(result.rejected[0]?.error.name, 'EntryTooLargeError')
    }
    await waitFor(() => failed.filter((e) => e.name === 'MalformedSyncFrameError').length === 2, 'alice to end both syncs')
    assert.match(failed[0]?.message ?? '', /size limit/)
    assert.match(failed[1]?.message ?? '', /larger than/)
    await stillWorks(alice, bob, groupId, 'after the oversize entries')
    assert.deepEqual(
      (await Promise.all(honest.map((p) => shown(p, groupId)))).map((s) => s.messages),
      before.map((b) => b.messages + 1),
      'only the message written since is new'
    )
    summary(
      `entry of ${MAX_ENTRY_BYTES} bytes (1×, an operation of a newer client) → kept on 2/2, not shown; ${oversize.map(([n, b]) => `${n} (${b.byteLength} bytes)`).join(' and ')} → dropped by gossipsub, MalformedSyncFrameError by sync (the 2× entry over the entry limit, the 100× frame over 1 MiB), EntryTooLargeError by the API`
    )
  })

  it('ends a sync on each malformed frame with a named error and keeps syncing with honest peers', async () => {
    const { alice, bob, malloryPeer, mallory, groupId } = await meeting()
    const failed = syncFailures(alice)
    const entriesFrame = encode([7, [(await entryBytes(logOf(alice, groupId)))[0]]])
    const cases: Array<[string, (raw: Awaited<ReturnType<typeof handshake>>) => Promise<void>, boolean]> = [
      ['bytes that are not CBOR', (raw) => raw.sendBytes(new Uint8Array([0xff, 0x00, 0x13, 0x37])), true],
      ['an entries frame cut short', (raw) => raw.sendBytes(entriesFrame.subarray(0, entriesFrame.byteLength - 5)), true],
      ['an unknown frame type', (raw) => raw.sendBytes(encode([42])), true],
      [
        'ranges whose bounds go backwards',
        (raw) =>
          raw.send({
            type: 'ranges',
            ranges: [
              { upper: { clock: 5, prefix: '' }, mode: 'skip' },
              { upper: { clock: 3, prefix: '' }, mode: 'skip' }
            ]
          }),
        true
      ],
      ['id prefixes of the wrong length', (raw) => raw.sendBytes(encode([5, [[9, new Uint8Array(0), 2, [new Uint8Array(3)]]]])), true],
      ['a frame of 1 MiB and a byte', (raw) => raw.sendBytes(new Uint8Array(MAX_SYNC_FRAME_BYTES + 1)), true],
      [
        'entries in place of the membership proof',
        async (raw) => {
          await raw.send({ type: 'hello', version: SYNC_VERSION, tag: syncTag(mallory.log.syncKey), nonce: newNonce() })
          await raw.read()
          await raw.send({ type: 'entries', entries: [] })
        },
        false
      ]
    ]
    for (const [what, send, proved] of cases) {
      const count = failed.length
      const raw = proved ? await handshake(malloryPeer, alice, mallory.log) : await rawSync(malloryPeer, alice)
      await send(raw).catch(() => undefined)
      await waitFor(() => failed.length > count, `alice to end the sync on ${what}`)
      assert.equal(failed.at(-1)?.name, 'MalformedSyncFrameError', `${what}: ${failed.at(-1)?.message}`)
    }
    await alice.peer.sync(groupId, bob.peer.peerId)
    await stillWorks(alice, bob, groupId, 'after the malformed frames')
    summary(
      `${cases.length} malformed frames (${cases.map(([w]) => w).join(', ')}) → ${cases.length} sessions ended with MalformedSyncFrameError; honest sync and gossip unaffected`
    )
  })

  it('stays responsive and bounded while a member opens a hundred sync streams, asks for everything and never reads', async () => {
    const { alice, bob, malloryPeer, mallory, groupId } = await meeting({ syncIdleTimeoutMs: 2000 })
    for (let i = 0; i < 1000; i++) await alice.peer.send(groupId, { type: 'message', text: `history ${i} ${'·'.repeat(200)}` })
    await waitFor(() => logOf(bob, groupId).size === logOf(alice, groupId).size, 'bob to hold the history', 20_000)
    const failed = syncFailures(alice)
    const heap = memoryPeak()
    let opened = 0
    let refused = 0
    for (let i = 0; i < 100; i++) {
      try {
        const raw = await handshake(malloryPeer, alice, mallory.log)
        // "I hold nothing": alice answers by pushing her whole history into a stream nobody reads
        await raw.send({ type: 'ranges', ranges: [{ upper: INFINITY, mode: 'ids', ids: [] }] })
        opened++
      } catch {
        refused++
      }
    }
    const started = Date.now()
    await alice.peer.sync(groupId, bob.peer.peerId)
    await stillWorks(alice, bob, groupId, 'during the stream attack')
    const responsiveMs = Date.now() - started
    await waitFor(() => failed.filter((e) => e.name === 'SyncTimeoutError').length >= opened, 'alice to time out every stuck stream', 15_000)
    const peakMb = heap.stop()
    assert.ok(refused > 0, 'streams beyond the per-connection limit were refused')
    assert.ok(peakMb < 200, `heap grew by ${peakMb.toFixed(0)} MB at most`)
    summary(
      `100 sync streams that ask for ${logOf(alice, groupId).size} entries and never read → ${opened} accepted, ${refused} refused (limit per connection), each timed out; honest sync + gossip took ${responsiveMs} ms meanwhile; heap peak +${peakMb.toFixed(0)} MB`
    )
  })
})
