import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { generateGroupSecret, newNonce, SYNC_PROTOCOL, SYNC_VERSION, syncTag } from '@causette/core'
import { entryBytesOf } from '../fixtures/entry-bytes.ts'
import {
  connect,
  disconnect,
  logOf,
  shareGroup,
  startPeers,
  stopAll,
  type TestPeer,
  waitFor,
  waitForJoins,
  waitForMembers
} from '../fixtures/peers.ts'
import { handshake, rawSync } from './hostile/raw-sync.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers)
})

function failures(p: TestPeer): Error[] {
  const seen: Error[] = []
  p.peer.addEventListener('sync:failed', (evt) => seen.push(evt.detail.error))
  return seen
}

/** The honest pair still works: a message written now reaches the other side. */
async function stillWorks(a: TestPeer, b: TestPeer, groupId: string, text: string): Promise<void> {
  await a.peer.send(groupId, { type: 'message', text })
  await b.peer.sync(groupId, a.peer.peerId)
  assert.ok(
    (await logOf(b, groupId).view.messages()).messages.some((m) => m.text === text),
    'the honest peers still sync'
  )
}

async function honestPair() {
  const peers = await startPeers(3, { syncIdleTimeoutMs: 800 })
  running.push(peers)
  const [a, b, mallory] = peers as [TestPeer, TestPeer, TestPeer]
  const groupId = await shareGroup([a, b], 'Private')
  await connect(a, b)
  await connect(mallory, a)
  await waitFor(() => logOf(b, groupId).size === logOf(a, groupId).size, 'b to sync the group')
  await a.peer.send(groupId, { type: 'message', text: 'for members only' })
  return { a, b, mallory, groupId }
}

describe('sync with peers that are not members', () => {
  it('refuses a peer that names the group without its secret, and sends it nothing', async () => {
    const { a, mallory, groupId } = await honestPair()
    // mallory knows the group id (say, from a screenshot) but not the secret
    await mallory.peer.joinGroup(logOf(a, groupId).id, generateGroupSecret())
    await assert.rejects(mallory.peer.sync(groupId, a.peer.peerId), { name: 'SyncRefusedError', message: /unknown group/ })
    assert.equal(logOf(mallory, groupId).size, 0)
  })

  it('refuses a peer that replays the group tag but cannot prove it holds the secret', async () => {
    const { a, mallory, groupId } = await honestPair()
    const seen = failures(a)
    const raw = await rawSync(mallory, a)
    await raw.send({ type: 'hello', version: SYNC_VERSION, tag: syncTag(logOf(a, groupId).syncKey), nonce: newNonce() })
    assert.equal((await raw.read()).type, 'welcome')
    await raw.send({ type: 'proof', proof: new Uint8Array(32).fill(1) })
    await raw.send({ type: 'ranges', ranges: [{ upper: { clock: Number.MAX_SAFE_INTEGER, prefix: '' }, mode: 'ids', ids: [] }] })
    const frames: string[] = []
    try {
      for (let i = 0; i < 5; i++) frames.push((await raw.read()).type)
    } catch {
      // the stream ends
    }
    assert.ok(!frames.includes('entries') && !frames.includes('incoming'), `no entries were sent (got ${frames.join(', ') || 'nothing'})`)
    await waitFor(() => seen.some((e) => e.name === 'MembershipProofError'), 'a to report the failed proof')
  })
})

describe('sync with hostile members', () => {
  it('ends the session on a malformed frame and keeps working', async () => {
    const { a, b, mallory, groupId } = await honestPair()
    const seen = failures(a)
    const raw = await handshake(mallory, a, logOf(a, groupId))
    await raw.sendBytes(new Uint8Array([0xff, 0x00, 0x13, 0x37]))
    await waitFor(() => seen.some((e) => e.name === 'MalformedSyncFrameError'), 'a to reject the frame')
    await stillWorks(a, b, groupId, 'after garbage')
  })

  it('refuses a frame over the size limit without buffering it', async () => {
    const { a, b, mallory, groupId } = await honestPair()
    const seen = failures(a)
    const raw = await handshake(mallory, a, logOf(a, groupId))
    const heapBefore = process.memoryUsage().heapUsed
    await raw.sendBytes(new Uint8Array(5 * 1024 * 1024)).catch(() => undefined)
    await waitFor(() => seen.some((e) => e.name === 'MalformedSyncFrameError' && /larger than/.test(e.message)), 'a to refuse the oversize frame')
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'memory stays bounded')
    await stillWorks(a, b, groupId, 'after the big frame')
  })

  it('rejects entries of another group pushed in a sync, adding none of them', async () => {
    const { a, b, mallory, groupId } = await honestPair()
    const other = await mallory.peer.createGroup('Elsewhere')
    const foreign = await mallory.peer.send(other.idHex, { type: 'message', text: 'not yours' })
    const seen = failures(a)
    const raw = await handshake(mallory, a, logOf(a, groupId))
    const before = logOf(a, groupId).size
    await raw.send({ type: 'incoming', count: 1 })
    await raw.send({ type: 'entries', entries: [await entryBytesOf(other, foreign)] })
    await waitFor(() => seen.some((e) => e.name === 'InvalidSyncEntriesError' && /WrongGroupError/.test(e.message)), 'a to reject the entries')
    assert.equal(logOf(a, groupId).size, before)
    await stillWorks(a, b, groupId, 'after foreign entries')
  })

  it('gives up on a peer that stops answering, with a timeout error', async () => {
    const { a, b, mallory, groupId } = await honestPair()
    const seen = failures(a)
    // as responder: mallory says hello and then nothing
    const raw = await rawSync(mallory, a)
    await raw.send({ type: 'hello', version: SYNC_VERSION, tag: syncTag(logOf(a, groupId).syncKey), nonce: newNonce() })
    await waitFor(() => seen.some((e) => e.name === 'SyncTimeoutError'), 'a to time out the silent peer', 5000)
    // as initiator: a asks mallory, whose handler reads and never writes
    await mallory.peer.joinGroup(logOf(a, groupId).id, logOf(a, groupId).secret)
    await mallory.peer.libp2p.unhandle(SYNC_PROTOCOL)
    await mallory.peer.libp2p.handle(SYNC_PROTOCOL, async (stream) => {
      for await (const _ of stream) {
        // swallow everything, answer nothing
      }
    })
    await assert.rejects(a.peer.sync(groupId, mallory.peer.peerId), { name: 'SyncTimeoutError', message: /sent nothing/ })
    await stillWorks(a, b, groupId, 'after the silent peer')
  })
})

describe('sync between members', () => {
  it('syncs both ways in one session', async () => {
    const peers = await startPeers(2)
    running.push(peers)
    const [a, b] = peers as [TestPeer, TestPeer]
    const groupId = await shareGroup(peers)
    await connect(a, b)
    await waitForMembers(peers, groupId, 1)
    await waitForJoins(peers, groupId)
    const base = logOf(a, groupId).size
    await disconnect(a, b)
    for (let i = 0; i < 50; i++) {
      await a.peer.send(groupId, { type: 'message', text: `a${i}` })
      await b.peer.send(groupId, { type: 'message', text: `b${i}` })
    }
    const sessions: Array<{ added: number; sent: number }> = []
    for (const p of peers) p.peer.addEventListener('sync:finished', (evt) => sessions.push({ added: evt.detail.added, sent: evt.detail.sent }))
    await connect(a, b)
    await waitFor(() => logOf(a, groupId).size === base + 100 && logOf(b, groupId).size === base + 100, 'both to hold everything')
    assert.ok(
      sessions.some((s) => s.added === 50 && s.sent === 50),
      `one session carried both directions (${JSON.stringify(sessions)})`
    )
  })
})
