/**
 * What a relay's mailbox takes and gives, checked against a real
 * `causette-relay` process by member devices in the test process (core's
 * replicas, each with a libp2p node under its own device key): an admin's
 * request keeps a group and members get what others wrote; forged,
 * oversize, wrong-group and over-quota entries are refused, said why, and
 * counted in /metrics; after an admin removes a member and hands the relay
 * the next capability, the removed member gets nothing and stores nothing.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  askToKeep,
  type DeviceKey,
  decodeEntry,
  erasedBytesOf,
  type GroupLog,
  type KeepRequest,
  MAX_ENTRY_BYTES,
  orderKey,
  runSyncSession,
  SYNC_PROTOCOL,
  type SyncedLog,
  SyncSession,
  syncTag,
  syncWithMailbox,
  toHex
} from '@causette/core'
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { sha256 } from '@noble/hashes/sha2.js'
import { encode } from 'cborg'
import { equals } from 'uint8arrays/equals'
import { freshDeviceKeys, type Replica, replicas } from '../fixtures/replicas.ts'
import { eventually, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { entriesLog, exchangeOf, keepRequestOf, logCapabilities, type MailboxClient, mailboxClient } from './fixtures/mailbox-client.ts'
import { localRelayFlags, type RelayRun, startRelay } from './fixtures/relay-process.ts'

const QUOTA = 40

describe("a relay's mailbox, as members and others use it", () => {
  let dirs: TempDir
  let relay: RelayRun
  let relayAddress: string
  let a: Replica
  let b: Replica
  let c: Replica
  const nodes = new Map<Replica, MailboxClient>()

  before(async () => {
    dirs = await tempDir('causette-mailbox-checks-')
    relay = await startRelay(localRelayFlags(join(dirs.path, 'relay'), '--mailbox-group-entries', String(QUOTA)))
    relayAddress = relay.addresses.find((x) => x.includes('/tcp/') && !x.includes('/ws')) as string
    ;[a, b, c] = (await replicas(3, { name: 'Mailbox checks' })) as [Replica, Replica, Replica]
    for (const r of [a, b, c]) nodes.set(r, await mailboxClient(r.key, relayAddress, { reserve: r === b }))
  })

  after(async () => {
    await Promise.all([...nodes.values()].map((n) => n.stop()))
    await relay?.stop()
    await dirs?.remove()
  })

  const relayPeer = () => peerIdFromString(relay.peerId)
  const exchange = (r: Replica) => exchangeOf(nodes.get(r) as Libp2p)
  const capabilities = logCapabilities
  const keepRequest = (r: Replica, members?: string[]): KeepRequest => keepRequestOf(r.log, r.key, members)
  const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)
  const metric = async (name: string, reason: string) => {
    const text = await (await fetch(`${relay.health}/metrics`)).text()
    return Number(new RegExp(`^${name}\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
  }
  /** Pushes hand-picked entries to the mailbox under `r`'s newest capability; resolves with the error the session ended with. */
  const push = async (r: Replica, log: SyncedLog): Promise<Error | undefined> => {
    const node = nodes.get(r) as Libp2p
    const stream = await node.dialProtocol(relayPeer(), SYNC_PROTOCOL)
    const session = new SyncSession<SyncedLog>({ role: 'initiator', localPeer: node.peerId.toString(), remotePeer: relay.peerId, log })
    return runSyncSession(stream, session, { signal: AbortSignal.timeout(20_000) }).then(
      () => undefined,
      (err: Error) => err
    )
  }
  const asEntry = (bytes: Uint8Array) => {
    const e = decodeEntry(bytes)
    return { key: orderKey(e), id: e.id, bytes }
  }

  it('keeps a group an admin asks it to, and gives members what another wrote', async () => {
    for (const text of ['one', 'two', 'three']) await a.log.append({ type: 'message', text })
    const answer = await askToKeep(exchange(a), relayPeer(), keepRequest(a))
    assert.equal(answer.kept, true, answer.reason)
    assert.equal(answer.maxEntries, QUOTA)
    const pushed = await syncWithMailbox(exchange(a), relayPeer(), a.log, capabilities(a.log))
    assert.ok(pushed.sent >= 3, `the admin pushed its entries (${pushed.sent})`)
    // b never met a since joining: everything comes from the relay
    const got = await syncWithMailbox(exchange(b), relayPeer(), b.log, capabilities(b.log))
    assert.ok(got.added >= 3, `b took ${got.added} entries from the relay`)
    assert.deepEqual((await texts(b.log)).slice(-3), ['one', 'two', 'three'])
  })

  it('refuses a request to move the group to a new capability from a member who is not an admin', async () => {
    const request = {
      ...keepRequest(b),
      capability: new Uint8Array(32).fill(7),
      replaces: [syncTag(capabilities(b.log)[0]?.capability as Uint8Array)]
    }
    const answer = await askToKeep(exchange(b), relayPeer(), request)
    assert.equal(answer.kept, false)
    assert.match(answer.reason, /only an admin/)
    assert.equal(await metric('causette_relay_mailbox_keep_refused_total', 'not-admin'), 1)
  })

  it("relays connections between members of a kept group without limits, and others' with its limits", async () => {
    const metricBetween = async (between: string) =>
      Number(
        new RegExp(`^causette_relay_circuits_total\\{between="${between}"\\} (\\d+)$`, 'm').exec(
          await (await fetch(`${relay.health}/metrics`)).text()
        )?.[1]
      )
    const through = `${relayAddress}/p2p-circuit/p2p/${(nodes.get(b) as Libp2p).peerId}`
    const fromMember = await (nodes.get(a) as Libp2p).dial(multiaddr(through))
    assert.equal(fromMember.limits, undefined, 'a member reaches another member through the relay with no limit')
    const [outsiderKey] = await freshDeviceKeys(1)
    const outsider = await mailboxClient(outsiderKey as DeviceKey, relayAddress)
    try {
      const fromOutsider = await outsider.dial(multiaddr(through))
      assert.ok(fromOutsider.limits !== undefined, "someone outside the group gets the relay's limits")
      const left = fromOutsider.limits?.bytes ?? 0n
      assert.ok(left > 0n && left <= 128n * 1024n, `cut after 128 KiB (${left} bytes left)`)
    } finally {
      await outsider.stop()
    }
    assert.equal(await metricBetween('members'), 1)
    assert.equal(await metricBetween('others'), 1)
  })

  it('refuses forged, oversize and wrong-group entries, says why, and counts them', async () => {
    const capability = (capabilities(a.log)[0] as { capability: Uint8Array }).capability
    const written = await a.log.append({ type: 'message', text: 'to be forged' })
    const [bytes] = await a.log.getEntries([written.id])
    const forged = (bytes as Uint8Array).slice()
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1
    const forgedRefusal = await push(a, entriesLog(capability, [asEntry(forged)]))
    assert.equal(forgedRefusal?.name, 'SyncRefusedError')
    assert.match(forgedRefusal?.message ?? '', /signature/i)
    assert.equal(await metric('causette_relay_mailbox_entries_refused_total', 'forged'), 1)

    const [other] = (await replicas(1, { name: 'Another group' })) as [Replica]
    await other.log.append({ type: 'message', text: 'elsewhere' })
    const otherEntries = (await other.log.getEntries(other.log.heads())) as Uint8Array[]
    const wrongGroup = await push(a, entriesLog(capability, otherEntries.map(asEntry)))
    assert.match(wrongGroup?.message ?? '', /another group/)
    assert.equal(await metric('causette_relay_mailbox_entries_refused_total', 'wrong-group'), 1)

    // an entry over the protocol's limit, encoded by hand as a modified client would
    const e = decodeEntry(bytes as Uint8Array)
    const huge = encode([1, e.group, e.author, e.seq + 1, e.id, e.clock + 1, [e.id], e.time, e.epoch, new Uint8Array(MAX_ENTRY_BYTES + 10), e.sig])
    const id = sha256(huge)
    const key = orderKey({ clock: e.clock + 1, author: e.author, id })
    const oversize = await push(a, entriesLog(capability, [{ key, id, bytes: huge }]))
    assert.ok(oversize !== undefined, 'the session ended')
    assert.equal(await metric('causette_relay_mailbox_entries_refused_total', 'oversize'), 1)

    // none of them is served back
    const fresh = await syncWithMailbox(exchange(b), relayPeer(), b.log, capabilities(b.log))
    assert.equal(fresh.added, 0, 'b got nothing refused (the forged entry was the only new one)')
  })

  it("erases a disappearing message's body at its deadline, still serves the entry, and refuses one erased early", async () => {
    const capability = (capabilities(a.log)[0] as { capability: Uint8Array }).capability
    const gone = await a.log.append({ type: 'message', text: 'gone soon' }, { expires: Date.now() + 4000 })
    const later = await a.log.append({ type: 'message', text: 'not yet' }, { expires: Date.now() + 3_600_000 })
    const stripped = erasedBytesOf(decodeEntry((await a.log.getEntries([later.id]))[0] as Uint8Array))
    const refusal = await push(a, entriesLog(capability, [asEntry(stripped)]))
    assert.match(refusal?.message ?? '', /erased before its expiry/)
    assert.equal(await metric('causette_relay_mailbox_entries_refused_total', 'erased-early'), 1)

    await syncWithMailbox(exchange(a), relayPeer(), a.log, capabilities(a.log))
    const body = Buffer.from(decodeEntry((await a.log.getEntries([gone.id]))[0] as Uint8Array).body)
    const inRelayFiles = async () => {
      const dir = join(dirs.path, 'relay')
      const names = (await readdir(dir)).filter((n) => n.startsWith('mailbox.sqlite'))
      return (await Promise.all(names.map(async (n) => (await readFile(join(dir, n))).includes(body)))).some(Boolean)
    }
    assert.ok(await inRelayFiles(), 'the relay holds the sealed body before the deadline')
    await eventually(async () => !(await inRelayFiles()), "the body gone from the relay's files", 20_000)
    const erased = Number(/^causette_relay_mailbox_erased_total (\d+)$/m.exec(await (await fetch(`${relay.health}/metrics`)).text())?.[1])
    assert.ok(erased >= 1, `erasures counted (${erased})`)

    // b was never online with a since: it gets the erased entry, admits it and what follows, and shows neither body
    await syncWithMailbox(exchange(b), relayPeer(), b.log, capabilities(b.log))
    const [held] = await b.log.getEntries([gone.id])
    assert.equal(decodeEntry(held as Uint8Array).erased, true)
    assert.ok(!(await texts(b.log)).includes('gone soon'))
    assert.ok((await texts(b.log)).includes('not yet'), 'the next message came after it')
  })

  it('takes no more than its quota of a group, and says so', async () => {
    for (let i = 0; i < QUOTA; i++) await a.log.append({ type: 'message', text: `filler ${i}` })
    const full = await syncWithMailbox(exchange(a), relayPeer(), a.log, capabilities(a.log)).then(
      () => undefined,
      (err: Error) => err
    )
    assert.equal(full?.name, 'SyncRefusedError')
    assert.match(full?.message ?? '', /mailbox is full/)
    assert.ok((await metric('causette_relay_mailbox_entries_refused_total', 'over-quota')) > 0)
    const answer = await askToKeep(exchange(a), relayPeer(), keepRequest(a))
    assert.equal(answer.entries, QUOTA, 'it holds exactly its quota')
  })

  it('gives a removed member nothing after the rotation, and takes nothing from it', async () => {
    const before = capabilities(c.log)
    await a.log.remove(toHex(c.key.publicKey))
    await a.log.append({ type: 'message', text: 'after the removal' })
    const answer = await askToKeep(exchange(a), relayPeer(), keepRequest(a))
    assert.equal(answer.kept, true, answer.reason)
    assert.ok(!a.log.membership()?.memberKeys().includes(toHex(c.key.publicKey)), 'c is not among the members the relay was given')

    const refused = await syncWithMailbox(exchange(c), relayPeer(), c.log, before).then(
      () => undefined,
      (err: Error) => err
    )
    assert.equal(refused?.name, 'MailboxNotKeptError', 'the relay serves c under no capability, old or new')
    const written = await c.log.append({ type: 'message', text: 'c writes anyway' })
    const [bytes] = await c.log.getEntries([written.id])
    const pushed = await push(c, entriesLog((before[0] as { capability: Uint8Array }).capability, [asEntry(bytes as Uint8Array)]))
    assert.equal(pushed?.name, 'SyncRefusedError')
    assert.match(pushed?.message ?? '', /unknown group/)
    const after = await askToKeep(exchange(a), relayPeer(), keepRequest(a))
    assert.equal(after.entries, answer.entries, 'nothing of c was stored')
  })
})

describe('a relay for its own community (--members-only)', () => {
  it('reserves slots for the members its mailbox keeps groups of, and refuses everyone else', async () => {
    const dirs = await tempDir('causette-members-only-')
    const relay = await startRelay(localRelayFlags(join(dirs.path, 'relay'), '--members-only'))
    const nodes: Libp2p[] = []
    try {
      assert.match(relay.output(), /for members of the groups kept only/)
      const relayAddress = relay.addresses.find((x) => x.includes('/tcp/') && !x.includes('/ws')) as string
      const [admin, member] = (await replicas(2, { name: 'Our community' })) as [Replica, Replica]
      await admin.log.append({ type: 'message', text: 'welcome' })
      const adminNode = await mailboxClient(admin.key, relayAddress)
      nodes.push(adminNode)
      const answer = await askToKeep(exchangeOf(adminNode), peerIdFromString(relay.peerId), keepRequestOf(admin.log, admin.key))
      assert.equal(answer.kept, true, answer.reason)
      const reserved = await mailboxClient(member.key, relayAddress, { reserve: true })
      nodes.push(reserved)
      assert.ok(
        reserved.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit')),
        'a member of a kept group holds a slot'
      )
      const [outsiderKey] = await freshDeviceKeys(1)
      await assert.rejects(mailboxClient(outsiderKey as DeviceKey, relayAddress, { reserve: true }), 'an outsider gets no slot')
      const metrics = await (await fetch(`${relay.health}/metrics`)).text()
      assert.match(metrics, /^causette_relay_reservations_refused_total\{reason="not_member"\} [1-9]/m)
    } finally {
      await Promise.all(nodes.map((n) => n.stop()))
      await relay.stop()
      await dirs.remove()
    }
  })
})

describe('a relay in its groups’ gossip', () => {
  let dirs: TempDir
  let relay: RelayRun
  const nodes = new Map<Replica, MailboxClient>()

  before(async () => {
    dirs = await tempDir('causette-mailbox-gossip-')
    relay = await startRelay(localRelayFlags(join(dirs.path, 'relay')))
  })

  after(async () => {
    await Promise.all([...nodes.values()].map((n) => n.stop()))
    await relay?.stop()
    await dirs?.remove()
  })

  it('keeps and forwards what a member publishes on the group’s topic, and nothing a member removed before does', async () => {
    const relayAddress = relay.addresses.find((x) => x.includes('/tcp/') && !x.includes('/ws')) as string
    const [a, b, c] = (await replicas(3, { name: 'Gossip through the relay' })) as [Replica, Replica, Replica]
    for (const r of [a, b, c]) nodes.set(r, await mailboxClient(r.key, relayAddress))
    const relayPeer = peerIdFromString(relay.peerId)
    const keep = async () => {
      const answer = await askToKeep(exchangeOf(nodes.get(a) as MailboxClient), relayPeer, keepRequestOf(a.log, a.key))
      assert.equal(answer.kept, true, answer.reason)
      return answer.entries
    }
    await keep()
    // c is removed; the admin hands the relay the next capability and the members without c
    await a.log.remove(toHex(c.key.publicKey))
    const kept = await keep()
    const topic = a.log.topic
    const counter = async (name: string) =>
      Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${relay.health}/metrics`)).text())?.[1] ?? Number.NaN)
    // the admin named the topic in its keep requests (keepRequestOf, as a daemon does): the relay follows it
    assert.equal(await counter('causette_relay_mailbox_gossip_topics'), 1)
    const pubsub = (r: Replica) => (nodes.get(r) as MailboxClient).services.pubsub
    const heard: Uint8Array[] = []
    pubsub(b).addEventListener('message', (evt) => heard.push(evt.detail.data))
    for (const r of [a, b, c]) pubsub(r).subscribe(topic)
    for (const r of [a, b, c]) {
      await eventually(
        () =>
          pubsub(r)
            .getSubscribers(topic)
            .some((p) => p.toString() === relay.peerId),
        'the relay among the topic’s peers'
      )
    }
    const bytesOf = async (r: Replica, text: string) => {
      const written = await r.log.append({ type: 'message', text })
      return (await r.log.getEntries([written.id]))[0] as Uint8Array
    }
    const stored = await counter('causette_relay_mailbox_gossip_entries_stored_total')
    // c, removed, publishes first; then a: b, connected to no one but the relay, hears a's, never c's
    const fromRemoved = await bytesOf(c, 'c gossips anyway')
    await pubsub(c).publish(topic, fromRemoved)
    const fromMember = await bytesOf(a, 'a gossips')
    await pubsub(a).publish(topic, fromMember)
    await eventually(() => heard.some((h) => equals(h, fromMember)), 'b to hear a’s entry, forwarded by the relay', 20_000)
    assert.deepEqual(
      (nodes.get(b) as MailboxClient).getConnections().map((conn) => conn.remotePeer.toString()),
      [relay.peerId],
      'b heard it from the relay alone'
    )
    assert.ok(!heard.some((h) => equals(h, fromRemoved)), 'the relay forwards nothing of a removed member')
    await eventually(async () => (await counter('causette_relay_mailbox_gossip_entries_stored_total')) === stored + 1, 'a’s entry kept from gossip')
    assert.equal(await keep(), kept + 1, 'a’s entry kept, c’s not')
  })
})
