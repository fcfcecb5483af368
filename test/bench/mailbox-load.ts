/**
 * Loads for the relay benchmark's mailbox: groups an admin asks a real
 * relay to keep, each with entries pushed through the sync protocol, and a
 * returning member's catch-up from the mailbox — measured as what the
 * relay serves (into a sink that takes entries as they come, so the
 * member's own checks do not set the pace) and as a member's log taking
 * them in (for reference).
 */
import {
  askToKeep,
  type DeviceKey,
  GroupLog,
  MemoryStore,
  runSyncSession,
  SYNC_PROTOCOL,
  type SyncedLog,
  SyncSession,
  syncWithMailbox
} from '@causette/core'
import { peerIdFromString } from '@libp2p/peer-id'
import { joinReplica, openReplica, signatures } from '../fixtures/replicas.ts'
import { exchangeOf, keepRequestOf, logCapabilities, mailboxClient } from '../relay/fixtures/mailbox-client.ts'

export interface MailboxRelay {
  peerId: string
  address: string
}

/** `groups` groups created by `admin`, `entries` messages each, kept by the relay; resolves with the logs. */
export async function keepGroups(relay: MailboxRelay, admin: DeviceKey, groups: number, entries: number): Promise<GroupLog[]> {
  const node = await mailboxClient(admin, relay.address)
  const logs: GroupLog[] = []
  try {
    for (let g = 0; g < groups; g++) {
      const log = await GroupLog.create({ name: `Kept ${g}`, key: admin, store: new MemoryStore(), signatures })
      for (let i = 0; i < entries; i++) await log.append({ type: 'message', text: `message ${i} of group ${g} `.padEnd(200, '.') })
      const answer = await askToKeep(exchangeOf(node, 120_000), peerIdFromString(relay.peerId), keepRequestOf(log, admin))
      if (!answer.kept) throw new Error(`the relay did not keep group ${g}: ${answer.reason}`)
      await syncWithMailbox(exchangeOf(node, 120_000), peerIdFromString(relay.peerId), log, logCapabilities(log))
      logs.push(log)
    }
    return logs
  } finally {
    await node.stop()
  }
}

/** `member` joins the group (by an invite, as members do), the admin rekeys and tells the relay, and pushes what that wrote. */
export async function joinMember(relay: MailboxRelay, log: GroupLog, admin: DeviceKey, member: DeviceKey): Promise<void> {
  await joinReplica({ key: admin, log, store: new MemoryStore() }, await openReplica(log, member))
  await log.rekey()
  const node = await mailboxClient(admin, relay.address)
  try {
    const answer = await askToKeep(exchangeOf(node, 120_000), peerIdFromString(relay.peerId), keepRequestOf(log, admin))
    if (!answer.kept) throw new Error(`the relay did not take the new member: ${answer.reason}`)
    await syncWithMailbox(exchangeOf(node, 120_000), peerIdFromString(relay.peerId), log, logCapabilities(log))
  } finally {
    await node.stop()
  }
}

export interface CatchUp {
  entries: number
  /** Entries a second the relay served into a sink. */
  servedPerSecond: number
  /** Entries a second a returning member's log took in (checks, decryption, view). */
  takenPerSecond: number
}

/** A member of `log`'s group (device `member`, listed when the group was kept) fetches everything from the relay, twice. */
export async function catchUpFromMailbox(relay: MailboxRelay, log: GroupLog, member: DeviceKey): Promise<CatchUp> {
  const node = await mailboxClient(member, relay.address)
  try {
    const relayPeer = peerIdFromString(relay.peerId)
    const capability = (logCapabilities(log)[0] as { capability: Uint8Array }).capability
    let taken = 0
    const sink: SyncedLog = {
      syncKey: capability,
      listKeys: async () => [],
      getEntries: async (ids) => ids.map(() => undefined),
      add: async (input) => {
        taken += input.length
        return { added: input, rejected: [] }
      }
    }
    const stream = await node.dialProtocol(relayPeer, SYNC_PROTOCOL)
    const started = performance.now()
    await runSyncSession(
      stream,
      new SyncSession<SyncedLog>({ role: 'initiator', localPeer: node.peerId.toString(), remotePeer: relay.peerId, log: sink })
    )
    const servedMs = performance.now() - started

    // a real member's log: its own store, every entry checked, opened and put in the view
    const replica = await openReplica(log, member)
    const begun = performance.now()
    const result = await syncWithMailbox(exchangeOf(node, 120_000), relayPeer, replica.log, logCapabilities(log))
    const takenMs = performance.now() - begun
    if (result.added !== taken) throw new Error(`the member's log took ${result.added} entries, the sink ${taken}`)
    return { entries: taken, servedPerSecond: Math.round(taken / (servedMs / 1000)), takenPerSecond: Math.round(taken / (takenMs / 1000)) }
  } finally {
    await node.stop()
  }
}
