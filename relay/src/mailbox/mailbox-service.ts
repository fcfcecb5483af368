/**
 * The blind mailbox on a relay's libp2p node: answers the keep protocol
 * (keep-requests.ts) and the sync protocol for the groups it keeps
 * (mailbox-log.ts), follows the kept groups' gossip (mailbox-gossip.ts),
 * drops entries older than the retention, and reports its counters for
 * /metrics. Members initiate every exchange; the relay dials no one.
 */
import {
  answerBlobRequest,
  BLOB_KEEP_PROTOCOL,
  BLOB_PROTOCOL,
  decodeEntry,
  decodeKeepRequest,
  EntryTooLargeError,
  encodeKeepAnswer,
  erasedBytesOf,
  KEEP_PROTOCOL,
  libp2pSignatures,
  MAX_KEEP_FRAME_BYTES,
  receiveBlobs,
  runSyncSession,
  SYNC_PROTOCOL,
  SyncSession,
  syncTag
} from '@causette/core/mailbox-serving'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { equals } from 'uint8arrays/equals'
import { answerKeep, type KeepPolicy } from './keep-requests.ts'
import { MailboxCounters } from './mailbox-counters.ts'
import { MailboxGossip } from './mailbox-gossip.ts'
import { MailboxLog } from './mailbox-log.ts'
import { type MailboxRecord, MailboxStore } from './mailbox-store.ts'
import { MemberIndex } from './member-index.ts'

export interface MailboxSettings extends KeepPolicy {
  dataDir: string
  retentionMs: number
  /** Bytes of files' pieces kept per group. */
  fileBytes: number
}

const RETENTION_EVERY_MS = 60 * 60 * 1000
/** How often disappearing messages past their deadline are erased: a body outlives its deadline by at most this. */
const ERASE_EVERY_MS = 5_000
const SYNCS_AT_ONCE = 64

export class MailboxService {
  readonly counters = new MailboxCounters()
  /** Who the kept groups' members are: relay-node.ts lifts circuit limits between two of one group. */
  readonly members = new MemberIndex()
  readonly store: MailboxStore
  private readonly libp2p: Libp2p
  private readonly settings: MailboxSettings
  private readonly signatures = libp2pSignatures()
  private readonly shutdown = new AbortController()
  private retention?: ReturnType<typeof setInterval>
  private erasure?: ReturnType<typeof setInterval>
  /** The relay in its groups' gossip (mailbox-gossip.ts), when its node runs gossipsub. */
  private readonly gossip: MailboxGossip | undefined

  constructor(libp2p: Libp2p, settings: MailboxSettings, pubsub?: GossipSub) {
    this.libp2p = libp2p
    this.settings = settings
    this.store = new MailboxStore(settings.dataDir)
    this.gossip =
      pubsub === undefined
        ? undefined
        : new MailboxGossip(pubsub, {
            store: this.store,
            members: this.members,
            counters: this.counters,
            logOf: (record) => this.logOf(record, record.capability)
          })
  }

  /** Gossip topics followed, for /metrics. */
  get gossipTopics(): number {
    return this.gossip?.topics ?? 0
  }

  async start(): Promise<void> {
    for (const record of this.store.all()) this.members.set(record)
    this.gossip?.start()
    this.dropOld()
    this.retention = setInterval(() => this.dropOld(), RETENTION_EVERY_MS)
    this.retention.unref()
    this.eraseDue()
    this.erasure = setInterval(() => this.eraseDue(), ERASE_EVERY_MS)
    this.erasure.unref()
    await this.libp2p.handle(KEEP_PROTOCOL, (stream, connection) => this.keep(stream, connection.remotePeer), {
      maxInboundStreams: 8,
      runOnLimitedConnection: true
    })
    // files: pieces served to the members of a kept group, and taken from them within the group's room
    const groupOf = (tag: Uint8Array, device: string) => {
      const found = this.store.find(tag)
      return found === undefined ? undefined : { id: found.record.group, member: servesTo(found.record, fromHexKey(device)) }
    }
    await this.libp2p.handle(
      BLOB_PROTOCOL,
      (stream, connection) =>
        answerBlobRequest(stream, deviceHex(connection.remotePeer), { groupOf, store: this.store.blobs, signal: this.shutdown.signal }),
      { maxInboundStreams: SYNCS_AT_ONCE, runOnLimitedConnection: true }
    )
    await this.libp2p.handle(
      BLOB_KEEP_PROTOCOL,
      (stream, connection) =>
        receiveBlobs(stream, deviceHex(connection.remotePeer), {
          groupOf,
          keep: async (group, id, bytes) => {
            if (this.store.blobs.total(group) + bytes.byteLength > this.settings.fileBytes) {
              return `this relay keeps at most ${Math.round(this.settings.fileBytes / 2 ** 20)} MB of a group's files, and this group's room is full; its members still fetch files from each other`
            }
            await this.store.blobs.put(group, id, bytes)
            this.counters.blobsKept++
            return undefined
          },
          signal: this.shutdown.signal
        }),
      { maxInboundStreams: 8, runOnLimitedConnection: true }
    )
    await this.libp2p.handle(SYNC_PROTOCOL, (stream, connection) => this.sync(stream, connection.remotePeer), {
      maxInboundStreams: SYNCS_AT_ONCE,
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    clearInterval(this.retention)
    clearInterval(this.erasure)
    this.gossip?.stop()
    this.shutdown.abort(new Error('the relay is stopping'))
    await this.libp2p.unhandle(KEEP_PROTOCOL)
    await this.libp2p.unhandle(SYNC_PROTOCOL)
    await this.libp2p.unhandle(BLOB_PROTOCOL)
    await this.libp2p.unhandle(BLOB_KEEP_PROTOCOL)
    this.store.close()
  }

  /** Groups kept, and the entries and bytes stored for them. */
  totals(): { groups: number; entries: number; bytes: number } {
    return { groups: this.store.count(), ...this.store.totals() }
  }

  private async keep(stream: Stream, remote: PeerId): Promise<void> {
    const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(15_000)])
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_KEEP_FRAME_BYTES })
      const request = decodeKeepRequest((await lp.read({ signal })).subarray())
      const asker = remote.publicKey?.raw ?? new Uint8Array(0)
      const answer = answerKeep(this.store, this.settings, this.counters, request, asker, Date.now())
      const kept = answer.kept ? this.store.byTag(syncTag(request.capability)) : undefined
      if (kept !== undefined) {
        this.members.set(kept)
        const topic = this.store.topics.get(kept.id)
        if (topic !== undefined) this.gossip?.follow(kept.id, topic)
      }
      await lp.write(encodeKeepAnswer(answer), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  private async sync(stream: Stream, remote: PeerId): Promise<void> {
    const session = new SyncSession<MailboxLog>({
      role: 'responder',
      localPeer: this.libp2p.peerId.toString(),
      remotePeer: remote.toString(),
      findGroup: (tag) => {
        const found = this.store.find(tag)
        // the group is served to the members and admins an admin named, and to no one else (a removed member included)
        const device = remote.publicKey?.raw
        if (found === undefined || device === undefined || !servesTo(found.record, device)) return undefined
        return this.logOf(found.record, found.capability)
      }
    })
    try {
      await runSyncSession(stream, session, { signal: this.shutdown.signal })
      this.counters.syncs++
    } catch (err) {
      this.counters.syncsFailed++
      // an entry over the size limit ends the session at the frame, before any entry is looked at: counted as refused all the same
      if ((err as Error).name === 'MalformedSyncFrameError' && /entry size limit/.test((err as Error).message)) {
        this.counters.refused(new EntryTooLargeError((err as Error).message))
      }
    }
  }

  private logOf(record: MailboxRecord, capability: Uint8Array): MailboxLog {
    return new MailboxLog(this.store, record, capability, {
      limits: this.settings.limits,
      signatures: this.signatures,
      counters: this.counters,
      now: Date.now
    })
  }

  /** Erases the bodies of disappearing messages past their deadline (mailbox-store.ts), a page at a time. */
  private eraseDue(): void {
    for (let page = 0; page < 20; page++) {
      const due = this.store.due(Date.now(), 500)
      if (due.length === 0) return
      this.store.erase(due.map((d) => ({ ...d, bytes: erasedBytesOf(decodeEntry(d.bytes)) })))
      this.counters.erased += due.length
      if (due.length < 500) return
    }
  }

  private dropOld(): void {
    this.store.dropOlderThan(Date.now() - this.settings.retentionMs)
    this.store.blobs.dropOlderThan(Date.now() - this.settings.retentionMs)
  }
}

function deviceHex(peer: PeerId): string {
  return peer.publicKey === undefined ? '' : Buffer.from(peer.publicKey.raw).toString('hex')
}

function fromHexKey(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

function servesTo(record: MailboxRecord, device: Uint8Array): boolean {
  return record.members.some((m) => equals(m, device)) || record.admins.some((a) => equals(a, device))
}
