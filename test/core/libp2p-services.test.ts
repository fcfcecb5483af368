import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { CausettePeer, causetteServices, type DeviceKey, groupSync, MemoryStore, SYNC_PROTOCOL } from '@causette/core'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { waitFor } from '../fixtures/peers.ts'
import { freshDeviceKeys, signatures } from '../fixtures/replicas.ts'

/**
 * Timers made by core's own code (their creation stack names core/src) that
 * are neither cleared nor run yet: what a stopped node must not leave.
 */
function trackCoreTimers(): { live: () => string[]; restore: () => void } {
  const original = { setTimeout, setInterval, clearTimeout, clearInterval }
  const live = new Map<unknown, string>()
  const ours = (stack: string | undefined) => (stack ?? '').split('\n').find((line) => line.includes('/core/src/'))
  const made = (handle: unknown, origin: string | undefined, once: boolean): unknown => {
    if (origin !== undefined) live.set(handle, `${once ? 'timeout' : 'interval'} ${origin.trim()}`)
    return handle
  }
  globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const origin = ours(new Error().stack)
    const handle: unknown = original.setTimeout(
      (...a: unknown[]) => {
        live.delete(handle)
        fn(...a)
      },
      ms,
      ...args
    )
    return made(handle, origin, true)
  }) as typeof setTimeout
  globalThis.setInterval = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    made(original.setInterval(fn, ms, ...args), ours(new Error().stack), false)) as typeof setInterval
  globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
    live.delete(handle)
    original.clearTimeout(handle)
  }) as typeof clearTimeout
  globalThis.clearInterval = ((handle: Parameters<typeof clearInterval>[0]) => {
    live.delete(handle)
    original.clearInterval(handle)
  }) as typeof clearInterval
  return { live: () => [...live.values()], restore: () => Object.assign(globalThis, original) }
}

/** A libp2p node a runtime assembles itself, with plain gossipsub and core's services added to its own. */
function plainNode(key: DeviceKey) {
  return createLibp2p({
    privateKey: key.privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub(), ...causetteServices({ store: new MemoryStore(), signatures }) }
  })
}

const nodes: Array<{ stop: () => void | Promise<void> }> = []
after(async () => {
  for (const node of nodes) await node.stop()
})

describe("core's parts are libp2p services", () => {
  it('lets two plain libp2p nodes with core services create a group, join it by invite and exchange a message', async () => {
    const [aliceKey, bobKey] = (await freshDeviceKeys(2)) as [DeviceKey, DeviceKey]
    const aliceNode = await plainNode(aliceKey)
    const bobNode = await plainNode(bobKey)
    nodes.push(aliceNode, bobNode)
    // libp2p starts core's services with its own: no call on the peer
    await Promise.all([aliceNode.start(), bobNode.start()])
    assert.ok(aliceNode.getProtocols().includes(SYNC_PROTOCOL), "libp2p's start registers the sync protocol")
    const alice = new CausettePeer(aliceNode)
    const bob = new CausettePeer(bobNode)

    const group = await alice.createGroup('Climbing')
    const joined = await bob.acceptInvite(await alice.createInvite(group.idHex, { singleUse: true }), { timeoutMs: 10_000 })
    assert.ok(joined.isMember(), 'Bob is a member once the invite is accepted')
    await waitFor(() => alice.status(group.idHex).connectedMembers.includes(bob.peerId), "Alice to see Bob in the group's topic")
    await alice.send(group.idHex, { type: 'message', text: 'Sunday at 10?' })
    await waitFor(async () => (await joined.view.messages()).messages.some((m) => m.text === 'Sunday at 10?'), "Bob to read Alice's message")
    await waitFor(() => group.membership()?.memberKeys().length === 2, 'Alice to see Bob join')
  })

  it('refuses a node whose core services lack one they depend on', async () => {
    const [key] = (await freshDeviceKeys(1)) as [DeviceKey]
    await assert.rejects(
      // @ts-expect-error the types refuse it already (GroupSyncComponents names `groups`); libp2p refuses it at run time too
      createLibp2p({ privateKey: key.privateKey, services: { identify: identify(), pubsub: gossipsub(), groupSync: groupSync() } }),
      (error: Error) => error.name === 'UnmetServiceDependenciesError' && /@causette\/groups/.test(error.message)
    )
  })

  it("stops core's services with the node: no sync handler, no listeners on the groups, no timers of core's left", async () => {
    const timers = trackCoreTimers()
    try {
      const [aliceKey, bobKey] = (await freshDeviceKeys(2)) as [DeviceKey, DeviceKey]
      const aliceNode = await plainNode(aliceKey)
      const bobNode = await plainNode(bobKey)
      await Promise.all([aliceNode.start(), bobNode.start()])
      const alice = new CausettePeer(aliceNode)
      const bob = new CausettePeer(bobNode)
      const group = await alice.createGroup('Climbing')
      const joined = await bob.acceptInvite(await alice.createInvite(group.idHex), { timeoutMs: 10_000 })
      // gossip from Bob to Alice: a burst to follow up, a rekey to consider, sessions scheduled
      for (let i = 0; i < 5; i++) await bob.send(joined.idHex, { type: 'message', text: `message ${i}` })
      await waitFor(async () => (await group.view.messages()).messages.length === 5, "Alice to read Bob's messages")
      assert.ok(timers.live().length > 0, "core's services keep timers while they run")

      await Promise.all([aliceNode.stop(), bobNode.stop()])
      assert.equal(aliceNode.getProtocols().includes(SYNC_PROTOCOL), false, 'the sync protocol is no longer handled')
      for (const type of ['group:opened', 'group:closed', 'group:wrote'] as const) {
        assert.equal(aliceNode.services.groups.listenerCount(type), 0, `nothing listens to ${type} any more`)
      }
      assert.deepEqual(timers.live(), [])
    } finally {
      timers.restore()
    }
  })
})
