/**
 * The files service: a group's files as blobs (blob-format.ts) kept in a
 * BlobStore, written as a message's files (file-writing.ts), read back and
 * fetched from the group's members connected now — and from any other peer
 * the caller names, such as a relay — in parallel (blob-fetcher.ts,
 * file-reading.ts), and served on `/causette/blob/1.0.0` to the current
 * members of the group that holds them (blob-exchange.ts). The files this
 * device sends are handed to the relays that keep the group, again until
 * each has them (relay-handovers.ts, relay-keeping.ts).
 *
 * ```ts
 * services: { ..., groupBlobs: groupBlobs({ store: new MemoryBlobStore() }) }
 * const written = await node.services.groupBlobs.write(groupId, [bytes])
 * ```
 */
import type { PeerId, Startable } from '@libp2p/interface'
import { serviceCapabilities, serviceDependencies } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { TypedEventEmitter } from 'main-event'
import type { FileRef } from '../chat/operations.ts'
import { toHex } from '../codec/hex.ts'
import { nobleXChaCha, type XChaChaAead } from '../crypto/body-cipher.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import type { EntriesEvent } from '../peer/peer-events.ts'
import type { GroupSync } from '../sync/group-sync.ts'
import { syncTag } from '../sync/membership-proof.ts'
import { answerBlobRequest } from './blob-exchange.ts'
import { type FetchReport, fetchBlobs } from './blob-fetcher.ts'
import { BLOB_PROTOCOL } from './blob-frames.ts'
import { BLOB_KEEP_PROTOCOL } from './blob-keeping.ts'
import { type BlobStore, MemoryBlobStore } from './blob-store.ts'
import { type FileKeys, type FileReading, fetchFile, fileBlobIds, readFile } from './file-reading.ts'
import { type WrittenFile, writeFile } from './file-writing.ts'
import { PieceBuffers } from './piece-buffers.ts'
import {
  type HandoverLedger,
  HandoverMootError,
  type HandoverOutcome,
  MemoryHandoverLedger,
  type PendingHandover,
  RelayHandovers
} from './relay-handovers.ts'
import { handFileToRelay } from './relay-keeping.ts'

/** A file this device sends is at most this large unless the runtime says otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1000 * 1000
const MAX_INBOUND_BLOB_STREAMS = 32

export interface GroupBlobsInit {
  store?: BlobStore
  aead?: XChaChaAead
  /** The largest file this device sends or fetches (default 100 MB). */
  maxFileBytes?: number
  /** Where the files not yet confirmed by a relay are remembered (memory unless the runtime gives a durable place). */
  handovers?: HandoverLedger
}

export interface GroupBlobsEvents {
  /** What became of handing a sent file to a relay: kept, to be tried again, refused (and why), given up. */
  'file:handover': CustomEvent<HandoverOutcome>
}

export interface GroupBlobsComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openStream' | 'getConnections'>
  groups: Groups
  groupSync: GroupSync
}

/** A relay that keeps a group, and the tags its mailbox may know the group by, newest first. */
export interface RelayTag {
  peer: string
  tags: Uint8Array[]
}

export interface ReadOptions {
  range?: { start?: number; end?: number }
  /** Peers to ask besides the group's members connected now (a relay's, say). */
  peers?: string[]
  signal?: AbortSignal
  onProgress?: (held: number, total: number) => void
  /** Told of peers dropped for sending damaged pieces. */
  onDropped?: (peers: string[]) => void
}

export class GroupBlobs extends TypedEventEmitter<GroupBlobsEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@causette/blobs'
  readonly [serviceCapabilities] = ['@causette/blobs']
  readonly [serviceDependencies] = ['@causette/groups', '@causette/sync']
  readonly store: BlobStore
  readonly maxFileBytes: number
  private readonly aead: XChaChaAead
  private readonly components: GroupBlobsComponents
  private shutdown = new AbortController()
  /** The relays that keep a group, each with the tag its mailbox knows the group by (set by the peer when it has relays). */
  private relaysOf: (log: GroupLog) => RelayTag[] = () => []
  private readonly handovers: RelayHandovers

  constructor(components: GroupBlobsComponents, init: GroupBlobsInit = {}) {
    super()
    this.components = components
    this.store = init.store ?? new MemoryBlobStore()
    this.aead = init.aead ?? nobleXChaCha
    this.maxFileBytes = init.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
    this.handovers = new RelayHandovers(init.handovers ?? new MemoryHandoverLedger(), {
      attempt: (pending) => this.handOver(pending),
      onOutcome: (outcome) => this.safeDispatchEvent('file:handover', { detail: outcome })
    })
  }

  async start(): Promise<void> {
    if (this.shutdown.signal.aborted) this.shutdown = new AbortController()
    await this.handovers.start()
    const { groups } = this.components
    // a deleted message's files, and a disappearing one's, go with it (a file another message still names is fetched again if read)
    groups.addEventListener('entries', this.onEntries, { signal: this.shutdown.signal })
    groups.addEventListener('erased', this.onErased, { signal: this.shutdown.signal })
    await this.components.registrar.handle(
      BLOB_PROTOCOL,
      (stream, connection) =>
        answerBlobRequest(stream, deviceOf(connection.remotePeer), {
          groupOf: (tag, device) => {
            const log = this.components.groups.bySyncTag(tag)
            return log === undefined ? undefined : { id: log.id, member: log.standing(device) === 'member' }
          },
          store: this.store,
          signal: this.shutdown.signal
        }),
      { maxInboundStreams: MAX_INBOUND_BLOB_STREAMS, runOnLimitedConnection: true }
    )
  }

  async stop(): Promise<void> {
    this.shutdown.abort(new Error('the peer is stopping'))
    await this.handovers.stop()
    await this.components.registrar.unhandle(BLOB_PROTOCOL)
  }

  /** Stores a file of the group as blobs, durable before it resolves; what a message's FileRef needs. */
  write(groupId: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onProgress?: (bytes: number) => void): Promise<WrittenFile> {
    const log = this.components.groups.get(groupId)
    return writeFile(source, {
      store: this.store,
      aead: this.aead,
      group: log.id,
      maxBytes: this.maxFileBytes,
      ...(onProgress === undefined ? {} : { onProgress })
    })
  }

  /** Says which relays keep a group's files: they are asked for pieces too, and given those of the files this device sends. */
  useRelays(relaysOf: (log: GroupLog) => RelayTag[]): void {
    this.relaysOf = relaysOf
  }

  /**
   * Has every relay that keeps the group keep the files of a message this device sent: remembered until each relay
   * said it keeps them, tried at once, and again after a relay comes back (retryHandovers) — relay-handovers.ts.
   */
  async handOverSent(groupId: string, messageIdHex: string): Promise<void> {
    const relays = this.relaysOf(this.components.groups.get(groupId)).map((r) => r.peer)
    if (relays.length > 0) await this.handovers.add(groupId, messageIdHex, relays)
  }

  /** The relay is reachable (a mailbox sync with it succeeded): it is handed what is pending for the group. */
  retryHandovers(groupId: string, relay: string): void {
    this.handovers.retry(groupId, relay)
  }

  /** Hand-overs not yet confirmed by their relay. */
  pendingHandovers(): readonly PendingHandover[] {
    return this.handovers.list()
  }

  /** One attempt to have a relay keep a message's files: the pieces it kept, or why not. */
  private async handOver(pending: PendingHandover): Promise<number> {
    const log = this.components.groups.find(pending.group)
    const relay = log === undefined ? undefined : this.relaysOf(log).find((r) => r.peer === pending.relay)
    if (log === undefined || relay === undefined) throw new HandoverMootError('the group is gone, or no longer kept by this relay')
    const message = await log.view.message(pending.message)
    const files = message === undefined || message.deleted === true ? [] : await log.view.filesOf(pending.message)
    if (files.length === 0) throw new HandoverMootError('the message and its files are gone')
    let kept = 0
    for (const file of files) {
      kept += await handFileToRelay(file, relay.tags, {
        store: this.store,
        aead: this.aead,
        group: log.id,
        open: () =>
          this.components.connectionManager.openStream(peerIdFromString(relay.peer), BLOB_KEEP_PROTOCOL, {
            signal: this.shutdown.signal,
            runOnLimitedConnection: true
          }),
        signal: this.shutdown.signal
      })
    }
    return kept
  }

  /** A file's bytes (or a range of them), fetching what this device lacks from the group's members (and `peers`). */
  read(groupId: string, file: FileKeys, options: ReadOptions = {}): AsyncGenerator<Uint8Array> {
    return readFile(file, this.reading(groupId, options), options.range ?? {})
  }

  /** Fetches what this device lacks of a file, opening nothing: kept to be opened later, offline too. */
  fetch(groupId: string, file: FileKeys, options: ReadOptions = {}): Promise<void> {
    return fetchFile(file, this.reading(groupId, options))
  }

  /** What reading a file of the group needs: this device's pieces, and whom to ask for the others (members connected now, relays, `peers`). */
  private reading(groupId: string, options: ReadOptions): FileReading {
    const log = this.components.groups.get(groupId)
    const relays = new Map(this.relaysOf(log).map((r) => [r.peer, r.tags]))
    const peers = [
      ...new Set([
        ...this.membersConnected(log),
        ...this.components.groupSync.presence.connected(groupId),
        ...(options.peers ?? []),
        ...relays.keys()
      ])
    ]
    const memberTag = syncTag(log.syncKey)
    // the pieces of this read arrive in the same few buffers, one window after another
    const buffers = new PieceBuffers()
    const signal = options.signal === undefined ? this.shutdown.signal : AbortSignal.any([options.signal, this.shutdown.signal])
    return {
      store: this.store,
      aead: this.aead,
      group: log.id,
      fetch: async (ids) => {
        const report: FetchReport = await fetchBlobs(ids, peers, {
          store: this.store,
          group: log.id,
          tagsFor: (peer) => relays.get(peer) ?? [memberTag],
          open: (peer, s) =>
            this.components.connectionManager.openStream(peerIdFromString(peer), BLOB_PROTOCOL, {
              ...(s === undefined ? {} : { signal: s }),
              runOnLimitedConnection: true
            }),
          signal,
          buffers
        })
        if (report.dropped.length > 0) options.onDropped?.(report.dropped)
      },
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress })
    }
  }

  private readonly onEntries = (evt: CustomEvent<EntriesEvent>): void => {
    const deletes = evt.detail.entries.flatMap((e) => (e.op?.type === 'delete' ? [e.op.target] : []))
    if (deletes.length > 0) void this.forgetDeleted(evt.detail.groupId, deletes).catch(() => undefined)
  }

  private readonly onErased = (evt: CustomEvent<{ groupId: string; files: FileRef[] }>): void => {
    const { groupId, files } = evt.detail
    for (const file of files) void this.forget(groupId, file).catch(() => undefined)
  }

  private async forgetDeleted(groupId: string, targets: Uint8Array[]): Promise<void> {
    const log = this.components.groups.find(groupId)
    if (log === undefined) return
    for (const target of targets) {
      const idHex = toHex(target)
      // only a delete that counts (by the author, a moderator or an admin) takes the files
      if ((await log.view.message(idHex))?.deleted !== true) continue
      for (const file of await log.view.filesOf(idHex)) await this.forget(groupId, file)
    }
  }

  /** Peers connected now whose device is a member of the group: whom to ask for its files. */
  private membersConnected(log: GroupLog): string[] {
    const peers = this.components.connectionManager.getConnections().map((c) => c.remotePeer)
    return [...new Set(peers.filter((p) => log.standing(deviceOf(p)) === 'member').map((p) => p.toString()))]
  }

  /** Whether every blob of the file is held here (a file this device can open offline). */
  async holds(groupId: string, file: FileKeys): Promise<boolean> {
    const log = this.components.groups.get(groupId)
    const ids = await fileBlobIds(file, { store: this.store, aead: this.aead, group: log.id })
    if (ids.length === 1 && file.size > 0) return false
    return (await this.store.has(log.id, ids)).every(Boolean)
  }

  /** Forgets a file's blobs on this device (its message was deleted, or disappeared). */
  async forget(groupId: string, file: FileKeys): Promise<void> {
    const log = this.components.groups.get(groupId)
    await this.store.delete(log.id, await fileBlobIds(file, { store: this.store, aead: this.aead, group: log.id }))
  }
}

/** The files service factory, for libp2p's `services` (beside the groups and sync services). */
export function groupBlobs(init: GroupBlobsInit = {}): (components: GroupBlobsComponents) => GroupBlobs {
  return (components) => new GroupBlobs(components, init)
}

function deviceOf(peer: PeerId): string {
  return peer.publicKey === undefined ? '' : toHex(peer.publicKey.raw)
}
