/**
 * Files as blobs between real in-process peers: sent by one member, read by
 * another byte for byte (fetched from the sender, checked piece by piece);
 * a range; a member that serves damaged pieces is dropped and the file
 * comes from another; a peer that is no member gets nothing, even naming
 * the group and the pieces; a wrong key opens nothing.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import {
  askForBlobs,
  BLOB_PROTOCOL,
  CHUNK_BYTES,
  type DeviceKey,
  type FileView,
  fileKeysOf,
  MemoryBlobStore,
  MemoryStore,
  syncTag,
  toHex
} from '@causette/core'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  connect,
  connectAll,
  disconnect,
  shareGroup,
  startPeer,
  startPeers,
  stopAll,
  type TestPeer,
  waitFor,
  waitForJoins,
  waitForMembers
} from '../fixtures/peers.ts'
import { freshDeviceKeys } from '../fixtures/replicas.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers).catch(() => undefined)
})

/** Pseudo-random bytes, the same for the same seed: a file whose every piece differs. */
function fileBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

/** Gives back every blob with one byte flipped: a member serving damaged pieces. */
class DamagingStore extends MemoryBlobStore {
  damage = false
  override async get(group: Uint8Array, id: Uint8Array): Promise<Uint8Array | undefined> {
    const bytes = await super.get(group, id)
    if (this.damage && bytes !== undefined && bytes.byteLength > 0) bytes[0] = (bytes[0] as number) ^ 0xff
    return bytes
  }
}

async function groupOf(peers: TestPeer[]): Promise<string> {
  running.push(peers)
  const groupId = await shareGroup(peers)
  await connectAll(peers)
  await waitForJoins(peers, groupId)
  await waitForMembers(peers, groupId, peers.length - 1)
  return groupId
}

async function fileOf(peer: TestPeer, groupId: string, messageId: string): Promise<FileView> {
  let file: FileView | undefined
  await waitFor(async () => {
    file = (await peer.peer.group(groupId).view.message(messageId))?.files?.[0]
    return file !== undefined
  }, 'the message with its file')
  return file as FileView
}

describe('files: encrypted, content-addressed blobs fetched from members', () => {
  it('sends a file that another member reads byte for byte, and a range of it', async () => {
    const peers = await startPeers(2)
    const groupId = await groupOf(peers)
    const [alice, bob] = peers as [TestPeer, TestPeer]
    const bytes = fileBytes(3 * CHUNK_BYTES + 12_345)
    const sent = await alice.peer.sendFile(
      groupId,
      [bytes.subarray(0, 100_000), bytes.subarray(100_000)],
      { name: 'route.gpx', type: 'application/gpx+xml' },
      { text: 'the route' }
    )
    const file = await fileOf(bob, groupId, sent.idHex)
    assert.deepEqual([file.name, file.type, file.size], ['route.gpx', 'application/gpx+xml', bytes.byteLength])
    assert.equal(await bob.peer.files.holds(groupId, fileKeysOf(file)), false, 'nothing is fetched before it is read')
    const progress: number[] = []
    const read = await collect(bob.peer.files.read(groupId, fileKeysOf(file), { onProgress: (held) => progress.push(held) }))
    assert.equal(toHex(sha256(read)), toHex(sha256(bytes)))
    assert.equal(progress.at(-1), bytes.byteLength, 'progress reaches the whole file')
    assert.equal(await bob.peer.files.holds(groupId, fileKeysOf(file)), true, 'kept: read again offline')
    const middle = await collect(bob.peer.files.read(groupId, fileKeysOf(file), { range: { start: CHUNK_BYTES - 10, end: CHUNK_BYTES + 20 } }))
    assert.deepEqual(middle, bytes.subarray(CHUNK_BYTES - 10, CHUNK_BYTES + 20))
    const empty = await alice.peer.sendFile(groupId, [], { name: 'empty.txt', type: 'text/plain' })
    assert.equal((await collect(bob.peer.files.read(groupId, fileKeysOf(await fileOf(bob, groupId, empty.idHex))))).byteLength, 0)
  })

  it('drops a member that serves damaged pieces and takes the file from another', async () => {
    const [aliceKey, bobKey, malloryKey] = await freshDeviceKeys(3)
    const damaging = new DamagingStore()
    const peers = [
      await startPeer(aliceKey as DeviceKey, new MemoryStore()),
      await startPeer(bobKey as DeviceKey, new MemoryStore()),
      await startPeer(malloryKey as DeviceKey, new MemoryStore(), { blobs: damaging })
    ]
    const groupId = await groupOf(peers)
    const [alice, bob, mallory] = peers as [TestPeer, TestPeer, TestPeer]
    const bytes = fileBytes(2 * CHUNK_BYTES + 7, 2)
    const sent = await alice.peer.sendFile(groupId, [bytes], { name: 'photo.jpg', type: 'image/jpeg' })
    // mallory holds every piece, then serves them damaged
    await collect(mallory.peer.files.read(groupId, fileKeysOf(await fileOf(mallory, groupId, sent.idHex))))
    damaging.damage = true
    const file = await fileOf(bob, groupId, sent.idHex)
    await disconnect(bob, alice)
    await waitFor(() => !bob.peer.libp2p.getConnections(alice.peer.libp2p.peerId).length, 'Bob cut off from Alice')
    const dropped: string[] = []
    await assert.rejects(
      collect(bob.peer.files.read(groupId, fileKeysOf(file), { onDropped: (p) => dropped.push(...p) })),
      { name: 'FileUnavailableError', message: /1 dropped for sending damaged pieces/ },
      'with only the damaging member reachable, nothing damaged is kept and the read says why'
    )
    assert.equal(await bob.peer.files.holds(groupId, fileKeysOf(file)), false)
    await connect(bob, alice)
    await waitForMembers([bob], groupId, 2)
    const read = await collect(bob.peer.files.read(groupId, fileKeysOf(file), { onDropped: (p) => dropped.push(...p) }))
    assert.equal(toHex(sha256(read)), toHex(sha256(bytes)), 'the file arrived whole, from Alice')
    assert.ok(dropped.includes(mallory.peer.libp2p.peerId.toString()), 'the damaging member was dropped')
  })

  it('gives a peer that is no member nothing, even naming the group and the pieces', async () => {
    const peers = await startPeers(2)
    const groupId = await groupOf(peers)
    const [alice] = peers as [TestPeer, TestPeer]
    const sent = await alice.peer.sendFile(groupId, [fileBytes(1000, 3)], { name: 'secret.txt', type: 'text/plain' })
    const file = await fileOf(alice, groupId, sent.idHex)
    const [outsider] = await startPeers(1)
    running.push([outsider as TestPeer])
    await connect(outsider as TestPeer, alice)
    const stream = await (outsider as TestPeer).peer.libp2p.dialProtocol(alice.peer.libp2p.peerId, BLOB_PROTOCOL)
    const tag = syncTag(alice.peer.group(groupId).syncKey)
    await assert.rejects(askForBlobs(stream, { tag, ids: [fileKeysOf(file).root] }), { name: 'BlobRefusedError', message: /current members only/ })
  })

  it("forgets a file's pieces on every device once its message is deleted, or has disappeared", async () => {
    const peers = await startPeers(2)
    const groupId = await groupOf(peers)
    const [alice, bob] = peers as [TestPeer, TestPeer]
    const deleted = await alice.peer.sendFile(groupId, [fileBytes(CHUNK_BYTES + 1, 5)], { name: 'wrong.jpg', type: 'image/jpeg' })
    const gone = await alice.peer.sendFile(groupId, [fileBytes(1000, 6)], { name: 'code.txt', type: 'text/plain' }, { disappearAfter: 5000 })
    const kept = await alice.peer.sendFile(groupId, [fileBytes(1000, 7)], { name: 'map.txt', type: 'text/plain' })
    const files = await Promise.all([deleted, gone, kept].map((m) => fileOf(bob, groupId, m.idHex)))
    for (const file of files) await collect(bob.peer.files.read(groupId, fileKeysOf(file)))
    const holds = (peer: TestPeer, i: number) => peer.peer.files.holds(groupId, fileKeysOf(files[i] as FileView))
    assert.deepEqual(await Promise.all([holds(alice, 0), holds(bob, 0), holds(bob, 1)]), [true, true, true])
    await alice.peer.send(groupId, { type: 'delete', target: deleted.id })
    await waitFor(async () => !(await holds(alice, 0)) && !(await holds(bob, 0)), 'the deleted message’s file forgotten on both devices')
    await waitFor(async () => !(await holds(alice, 1)) && !(await holds(bob, 1)), 'the disappeared message’s file forgotten on both devices', 15_000)
    assert.deepEqual(await Promise.all([holds(alice, 2), holds(bob, 2)]), [true, true], 'the others stay')
  })

  it('opens nothing with a wrong key', async () => {
    const peers = await startPeers(1)
    running.push(peers)
    const [alice] = peers as [TestPeer]
    const groupId = (await alice.peer.createGroup('Alone')).idHex
    const written = await alice.peer.files.write(groupId, [fileBytes(5000, 4)])
    const wrong = { ...written, key: new Uint8Array(32).fill(9) }
    await assert.rejects(collect(alice.peer.files.read(groupId, wrong)), { name: 'MalformedBlobError', message: /does not open with the key/ })
  })
})
