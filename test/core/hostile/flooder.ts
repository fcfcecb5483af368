/**
 * A member gone rogue, in its own process so its CPU is not the honest
 * peers': joins the group with an invite link, writes a long chain of valid
 * entries of its own (each signed, encrypted and hash-chained, just too many
 * of them), then publishes them at the rate it is told, redialling whenever
 * it is cut off. Reports on stdout, one JSON object a line: {ready}, then
 * {second, published, connected, redials} each second, then {done}.
 *
 *   node flooder.ts '{"invite": "causette:join/…", "dial": ["/ip4/…"], "rate": 10000, "seconds": 8}'
 */
import {
  CausettePeer,
  decodeEntry,
  type Entry,
  generateDeviceKey,
  libp2pSignatures,
  MemoryStore,
  parseInvite,
  type Signatures,
  toHex,
  writeEntry
} from '@causette/core'
import { tcp } from '@libp2p/tcp'
import { entryBytesOf } from '../../fixtures/entry-bytes.ts'

interface FloodOrder {
  invite: string
  /** Every honest peer's address: the flooder connects to all of them. */
  dial: string[]
  /** Entries per second to publish. */
  rate: number
  seconds: number
}

const order = JSON.parse(process.argv[2] ?? '{}') as FloodOrder
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)
const signatures: Signatures = libp2pSignatures()
const key = await generateDeviceKey()
const peer = await CausettePeer.create({
  key,
  store: new MemoryStore(),
  signatures,
  transports: [tcp()],
  listen: ['/ip4/127.0.0.1/tcp/0'],
  antiEntropyMs: 0
})
await peer.start()
const group = await peer.acceptInvite(parseInvite(order.invite), { timeoutMs: 20_000 })
for (const address of order.dial) await peer.dial(address)
// an ordinary first message: the flood continues its chain, under its epoch
const first = decodeEntry(await entryBytesOf(group, await peer.send(group.idHex, { type: 'message', text: 'hello, I am about to flood' })))
const epochKey = group.keys.get(first.epoch) as Uint8Array

// written beforehand, so the flood runs at the rate asked for and is limited by publishing alone
const flood: Uint8Array[] = []
let last: Entry = first
for (let i = 0; i < order.rate * order.seconds; i++) {
  last = await writeEntry(key, signatures, {
    group: group.id,
    seq: last.seq + 1,
    prev: last.id,
    clock: last.clock + 1,
    parents: [last.id],
    time: Date.now(),
    epoch: first.epoch,
    op: { type: 'message', text: `flood ${i}` },
    epochKey
  })
  flood.push(last.bytes)
  // let the connections breathe (pings, identify), or the honest peers hang up on a silent peer
  if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve))
}
// a heartbeat or two, so gossipsub has the honest peers in its mesh
await new Promise((resolve) => setTimeout(resolve, 1500))
say({ ready: peer.peerId, author: toHex(key.publicKey) })

const pubsub = peer.libp2p.services.pubsub
const TICK_MS = 10
let published = 0
let redials = 0
const started = performance.now()
for (let second = 1; second <= order.seconds; second++) {
  while (performance.now() < started + second * 1000) {
    // catch up with the rate (timers run late under load), without waiting for each publish
    const due = Math.min(flood.length, Math.floor(((performance.now() - started) / 1000) * order.rate))
    while (published < due) pubsub.publish(group.topic, flood[published++] as Uint8Array).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, TICK_MS))
  }
  const connected = peer.libp2p.getConnections().length
  // cut off: try to get back in, as a flooder would
  if (connected < order.dial.length) {
    for (const address of order.dial) {
      redials++
      peer.dial(address).catch(() => undefined)
    }
  }
  say({ second, published, connected, redials })
}
say({ done: published })
await peer.stop()
process.exit(0)
