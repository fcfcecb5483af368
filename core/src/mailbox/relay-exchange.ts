/**
 * What a member does with one relay for one group, over two protocols: asks
 * it to keep the group (keep-frames.ts), and syncs the group with it — the
 * usual sync protocol, proving the mailbox capability instead of the group
 * secret. The relay holds one capability per group (the newest an admin gave
 * it); a member tries its newest first, then older ones, so a relay not yet
 * told of the latest epoch still serves the members.
 */
import type { PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import type { GroupLog } from '../log/group-log.ts'
import { SyncRefusedError } from '../sync/sync-errors.ts'
import { type SyncProgress, SyncSession } from '../sync/sync-session.ts'
import { runSyncSession, SYNC_PROTOCOL, type SyncTraffic } from '../sync/sync-stream.ts'
import type { SyncedLog } from '../sync/synced-log.ts'
import { decodeKeepAnswer, encodeKeepRequest, KEEP_PROTOCOL, type KeepAnswer, type KeepRequest, MAX_KEEP_FRAME_BYTES } from './keep-frames.ts'
import type { EpochCapability } from './mailbox-key.ts'

export interface RelayExchangeInit {
  connectionManager: Pick<ConnectionManager, 'openStream'>
  localPeer: PeerId
  signal: AbortSignal
}

export interface MailboxSyncResult {
  /** The epoch whose capability the relay took. */
  epoch: string
  /** Entries the relay gave this member, and this member gave the relay. */
  added: number
  sent: number
  traffic: SyncTraffic
}

/** Thrown when the relay knows none of this member's capabilities for the group. */
export class MailboxNotKeptError extends Error {
  override name = 'MailboxNotKeptError'
}

/** Asks the relay to keep the group with this capability (or take it as the next one); its answer says whether it does and what it holds. */
export async function askToKeep(init: RelayExchangeInit, relay: PeerId, request: KeepRequest): Promise<KeepAnswer> {
  const signal = AbortSignal.any([init.signal, AbortSignal.timeout(15_000)])
  const stream = await init.connectionManager.openStream(relay, KEEP_PROTOCOL, { signal, runOnLimitedConnection: true })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_KEEP_FRAME_BYTES })
    await lp.write(encodeKeepRequest(request), { signal })
    const answer = decodeKeepAnswer((await lp.read({ signal })).subarray())
    await stream.close({ signal })
    return answer
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** Syncs the group with the relay's copy under the newest capability it knows. */
export async function syncWithMailbox(
  init: RelayExchangeInit,
  relay: PeerId,
  log: GroupLog,
  capabilities: readonly EpochCapability[],
  onProgress?: (progress: SyncProgress) => void
): Promise<MailboxSyncResult> {
  for (const { epoch, capability } of capabilities) {
    const stream = await init.connectionManager.openStream(relay, SYNC_PROTOCOL, { signal: init.signal, runOnLimitedConnection: true })
    const session = new SyncSession<SyncedLog>({
      role: 'initiator',
      localPeer: init.localPeer.toString(),
      remotePeer: relay.toString(),
      log: underCapability(log, capability),
      ...(onProgress === undefined ? {} : { onProgress })
    })
    try {
      const traffic = await runSyncSession(stream, session, { signal: init.signal })
      return { epoch, added: session.added, sent: session.progress.sent, traffic }
    } catch (err) {
      // the relay knows another capability (or none): try the next older one
      if (err instanceof SyncRefusedError && /unknown group/.test(err.message)) continue
      throw err
    }
  }
  throw new MailboxNotKeptError('the relay does not keep this group (no admin has asked it to, or it dropped the group)')
}

/** The group's log as the relay's sync partner sees it: everything the same, but proven with the capability. */
function underCapability(log: GroupLog, capability: Uint8Array): SyncedLog {
  return {
    syncKey: capability,
    listKeys: (range) => log.listKeys(range),
    orderBuckets: () => log.orderBuckets(),
    getEntries: (ids) => log.getEntries(ids),
    add: (entries, options) => log.add(entries, options)
  }
}
