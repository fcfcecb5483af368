/**
 * What a member gone rogue can do with its own device key and the group
 * secret, below the API honest code uses: write entries with any time, fork
 * its own chain (equivocate), sign with the wrong key, publish raw bytes on
 * the group's topic, and encode entries the encoder refuses (oversize,
 * negative time) by hand: what test/fixtures/crafted-entry.ts does for
 * honest replicas, plus impersonation, raw plaintext and oversize encodings.
 */
import {
  type DeviceKey,
  type Entry,
  type EntryFields,
  encodeEntry,
  encodeOperation,
  fromHex,
  type GroupLog,
  nobleXChaCha,
  type Operation,
  type Signatures,
  sealBody,
  signingPayload,
  toHex
} from '@causette/core'
import { encode } from 'cborg'
import type { TestPeer } from '../../fixtures/peers.ts'
import { signatures } from '../../fixtures/replicas.ts'

export interface WriteOptions {
  /** The author's claimed wall clock (ms); the real one if absent. */
  time?: number
  /** Leave the entry out of the author's own log, so the next write takes the same seq: a fork. */
  fork?: boolean
  /** Sign with this key instead of the author's. */
  signWith?: DeviceKey
  /** Claim this device as the author (continuing its chain), while signing with the member's own key. */
  impersonate?: DeviceKey
  /** Operation bytes as they go into the body, instead of an encoded `op` (for operations core would refuse to write). */
  plaintext?: Uint8Array
}

/** A member's device writing by hand: it follows the format, and bends what it likes. */
export class HostileMember {
  readonly peer: TestPeer
  readonly log: GroupLog
  /** The epoch its messages go under: that of an ordinary message it sent first. */
  private readonly epoch: Uint8Array
  private readonly signatures: Signatures = signatures

  private constructor(peer: TestPeer, log: GroupLog, epoch: Uint8Array) {
    this.peer = peer
    this.log = log
    this.epoch = epoch
  }

  /** The member's device, after one ordinary message (which fixes the epoch it writes under). */
  static async of(peer: TestPeer, groupId: string): Promise<HostileMember> {
    const hello = await peer.peer.send(groupId, { type: 'message', text: 'hello from a member who will misbehave' })
    return new HostileMember(peer, peer.peer.group(groupId), fromHex(hello.epochHex))
  }

  /** A device that holds the group secret but never joined: it can only write under the first epoch. */
  static outsider(peer: TestPeer, groupId: string): HostileMember {
    return new HostileMember(peer, peer.peer.group(groupId), new Uint8Array(0))
  }

  get authorHex(): string {
    return toHex(this.peer.key.publicKey)
  }

  /** The next entry of this member's chain, naming the heads it holds, under the current epoch. */
  async write(op: Operation, options: WriteOptions = {}): Promise<Entry> {
    const fields = this.nextFields(options.time ?? Date.now(), options.impersonate?.publicKey)
    const epochKey = this.log.keys.get(fields.epoch) as Uint8Array
    fields.body = sealBody(
      nobleXChaCha,
      epochKey,
      { group: fields.group, author: fields.author, seq: fields.seq, epoch: fields.epoch },
      options.plaintext ?? encodeOperation(op)
    )
    const entry = encodeEntry(fields, await this.signatures.sign(options.signWith ?? this.peer.key, signingPayload(fields)))
    if (options.fork !== true && options.impersonate === undefined && options.signWith === undefined) await this.log.add([entry.bytes])
    return entry
  }

  /** A valid entry of exactly `size` bytes, added to the member's log: an operation of a newer client (kept, not shown), padded. */
  async entryOfSize(size: number): Promise<Entry> {
    let padding = size - 400
    for (let attempt = 0; attempt < 8; attempt++) {
      const plaintext = encode({ type: 'sticker-pack', data: new Uint8Array(padding) })
      const entry = await this.write({ type: 'message', text: '' }, { plaintext, fork: true })
      if (entry.bytes.byteLength === size) {
        await this.log.add([entry.bytes])
        return entry
      }
      padding += size - entry.bytes.byteLength
    }
    throw new Error(`could not make an entry of exactly ${size} bytes`)
  }

  /** Publishes raw bytes on the group's topic, as gossip. */
  async gossip(bytes: Uint8Array): Promise<void> {
    await this.peer.peer.libp2p.services.pubsub.publish(this.log.topic, bytes)
  }

  /**
   * An entry encoded by hand, skipping the encoder's checks: `body` of any
   * size, `time` of any sign. Signed properly when the fields allow it.
   */
  async handEncoded(body: Uint8Array, time: number): Promise<Uint8Array> {
    const fields = this.nextFields(Math.max(0, time))
    fields.body = body
    const signature = await this.signatures.sign(this.peer.key, signingPayload(fields))
    // deterministic CBOR, as the entry codec writes it; a negative time becomes CBOR major type 1
    return encode([1, fields.group, fields.author, fields.seq, fields.prev, fields.clock, fields.parents, time, fields.epoch, fields.body, signature])
  }

  /** Fields of the next entry (body empty): seq and prev continue the chain, parents are the heads, clock follows them. */
  private nextFields(time: number, author = this.peer.key.publicKey): EntryFields {
    const own = toHex(author)
    const seq = (this.log.authorSeqs().get(own) ?? 0) + 1
    const latest = this.log.latestOf(own)
    const prev = latest?.seq === seq - 1 ? latest : undefined
    const heads = this.log.heads()
    const clock = 1 + Math.max(...heads.map((h) => this.log.get(toHex(h))?.clock ?? 0))
    return {
      group: this.log.id,
      author,
      seq,
      prev: prev?.id ?? null,
      clock,
      parents: heads,
      time,
      epoch: this.epoch,
      body: new Uint8Array(0)
    }
  }
}
