/**
 * The daemon's peer: core's CausettePeer with what a Node daemon gives it
 * (its SQLite store, signatures on a worker thread, the faster ciphers, the
 * files' pieces on disk, its transports), made and started, with a port in
 * use said in words. Groups are opened after the API answers, one by one
 * with progress (group-opening.ts), not all silently here.
 */
import { join } from 'node:path'
import { CausettePeer, type DeviceKey, fingerprint, fromHex } from '@causette/core'
import { BLOBS_DIR, FileBlobStore } from '../blobs/file-blob-store.ts'
import { FileHandoverLedger } from '../blobs/handover-ledger.ts'
import { tuneConnections } from '../connection-tuning.ts'
import { PortInUseError } from '../errors.ts'
import { nodeSha512 } from '../node-hashes.ts'
import { nodePeerParts } from '../node-peer-parts.ts'
import type { SqliteStore } from '../store/sqlite-store.ts'
import type { WorkerSignatures } from '../worker-signatures.ts'
import type { DaemonOptions } from './daemon-options.ts'
import { selfName } from './device-self-name.ts'
import { addressInUse, libp2pParts, tcpListenFailure } from './libp2p-parts.ts'
import { readPersonGroup, readPersonSetting, writePersonGroup, writePersonSetting } from './person-setting.ts'
import { exportPersonSettings, importPersonSettings } from './person-settings.ts'
import { SettingsFollow } from './person-settings-follow.ts'
import { sharesPresence } from './signal-operations.ts'

/** Makes the peer (`made` is told of it at once) and starts it; a peer that does not start is stopped again before the error is thrown. */
export async function startPeer(
  options: DaemonOptions,
  store: SqliteStore,
  key: DeviceKey,
  signatures: WorkerSignatures,
  made?: (peer: CausettePeer) => void
): Promise<CausettePeer> {
  const tables = store.tables
  const person = readPersonSetting(tables.settings, key)
  const personGroup = readPersonGroup(tables.settings)
  const keyFingerprint = (k: string): string => fingerprint(fromHex(k), nodeSha512)
  // the person's settings follow their devices after linking too (person-settings-follow.ts)
  const follow = new SettingsFollow(tables, {
    write: (setting, value) => peer.devices.changeSetting(setting, value),
    blocked: (keys) => peer.setBlocked(keys),
    presence: (sharing) => peer.signals.setSharing(sharing),
    fingerprint: keyFingerprint
  })
  const peer: CausettePeer = await CausettePeer.create({
    key,
    store,
    signatures,
    // whose device this is, once linked; and what linking a new device hands over and keeps (docs/devices.md)
    ...(person === undefined ? {} : { person: { person: person.person, certificate: person.certificate } }),
    linking: {
      ...(person === undefined ? {} : { linked: person }),
      ...(personGroup === undefined ? {} : { personGroup }),
      keepPersonGroup: async (id) => writePersonGroup(tables.settings, id),
      keepPerson: async (claim) => writePersonSetting(tables.settings, claim),
      selfName: () => selfName(tables.settings),
      exportSettings: async () => exportPersonSettings(tables),
      importSettings: (bytes) => follow.quietly(() => peer.setBlocked(importPersonSettings(bytes, tables, keyFingerprint))),
      applySettings: (changes) => follow.apply(changes)
    },
    // the faster ciphers and hashes of Node (node-peer-parts.ts)
    ...nodePeerParts(),
    openGroups: false,
    sharePresence: sharesPresence(store.tables.settings),
    blobs: new FileBlobStore(join(options.home, BLOBS_DIR), { limitBytes: options.fileStorageBytes }),
    handovers: new FileHandoverLedger(join(options.home, BLOBS_DIR)),
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
    ...(await libp2pParts(options))
  })
  made?.(peer)
  follow.watch()
  try {
    // before going online: a blocked device is never let in, and its messages never shown
    await peer.setBlocked(store.tables.blockList.keys())
    // a burst of gossip goes out in one write per connection per turn, not two per message; frames are read without an exception each
    tuneConnections(peer.libp2p)
    await peer.start()
    const failed = options.relays.length > 0 ? tcpListenFailure(peer.multiaddrs(), options) : undefined
    if (failed !== undefined) throw new Error(`EADDRINUSE: nothing listens on ${failed}`)
    return peer
  } catch (err) {
    await peer.stop().catch(() => undefined)
    const address = addressInUse(err)
    if (address === undefined) throw err
    throw new PortInUseError(
      `port ${address.split(':')[1]} (${address}) is already in use, by another Causette daemon or another program; choose other ports with --p2p-port (TCP on it, WebSockets on the next), or 0 for free ones`,
      { cause: err }
    )
  }
}
