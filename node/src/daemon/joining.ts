/**
 * Joining a group with an invite link: the link is checked, the group
 * opened and the invite's addresses dialled, and the join is written once
 * the invite's record has come by sync (core's acceptInvite). Meanwhile the
 * daemon reports progress as `join:*` events — a member reached, history
 * coming in, the invite found — which `causette join` prints. A join that
 * fails leaves no group behind: it is neither listed nor opened at the
 * next start.
 */
import type { GroupLog, SyncEvent, SyncProgressEvent } from '@causette/core'
import { parseInvite, toHex } from '@causette/core'
import type { JoinResponse } from '../api/api-types.ts'
import type { DaemonParts } from './daemon.ts'

/** How long a join waits for a member holding the invite, unless told otherwise (core's own default too). */
export const JOIN_TIMEOUT_MS = 60_000

/** What a join works with, and nothing more. */
export type JoinComponents = Pick<DaemonParts, 'peer' | 'store' | 'directory' | 'dialer' | 'emit'>

export async function joinByInvite(parts: JoinComponents, link: string, timeoutMs = JOIN_TIMEOUT_MS): Promise<JoinResponse> {
  const { peer, store, directory, dialer, emit } = parts
  const invite = parseInvite(link, Date.now())
  const groupId = toHex(invite.groupId)
  const existing = directory.get(groupId)
  // a device removed from a group (or that left it) joins again with a new invite
  if (existing !== undefined && (await directory.openLog(existing)).isMember()) return { group: existing.ref, alreadyMember: true, reached: 0 }

  emit({ type: 'join:started', groupId, name: invite.groupName, addresses: invite.addresses.length, timeoutMs })
  const log = await peer.joinGroup(invite.groupId, invite.secret, invite.groupName)
  const stopReporting = reportProgress(parts, log, invite.inviteId)
  try {
    await peer.acceptInvite(invite, { timeoutMs })
  } catch (err) {
    if (existing === undefined) await store.forgetGroupRecord(invite.groupId)
    throw err
  } finally {
    stopReporting()
  }

  dialer.rememberAddresses(invite.addresses)
  let record = await store.getGroup(log.id)
  if (record === undefined) {
    // joined at a second try: the first one dropped the record
    record = { id: log.id, secret: log.secret, name: invite.groupName, addedAt: Date.now() }
    await store.putGroup(record)
  }
  const known = directory.adopt(log, record)
  const connected = new Set(peer.libp2p.getConnections().map((c) => c.remotePeer.toString()))
  const reached = new Set(invite.addresses.map((a) => /\/p2p\/([^/]+)$/.exec(a)?.[1]).filter((p) => p !== undefined && connected.has(p))).size
  emit({ type: 'group:joined', group: known.ref })
  return { group: known.ref, alreadyMember: false, reached }
}

/** Turns what happens to the group while the join waits into `join:progress` events; returns the function that stops it. */
function reportProgress(parts: Pick<DaemonParts, 'peer' | 'emit'>, log: GroupLog, inviteId: Uint8Array): () => void {
  const { peer, emit } = parts
  const groupId = log.idHex
  let found = false
  const reached = (evt: CustomEvent<SyncEvent>): void => {
    if (evt.detail.groupId === groupId) emit({ type: 'join:progress', groupId, stage: 'reached', peer: evt.detail.peer })
  }
  const receiving = (evt: CustomEvent<SyncProgressEvent>): void => {
    const { groupId: id, peer: from, received, expected } = evt.detail
    if (id === groupId) emit({ type: 'join:progress', groupId, stage: 'receiving', peer: from, received, expected })
  }
  const membership = (): void => {
    if (found || log.inviteUsable(inviteId) !== 'usable') return
    found = true
    emit({ type: 'join:progress', groupId, stage: 'invite-found' })
  }
  peer.addEventListener('group:peer-joined', reached)
  peer.addEventListener('sync:progress', receiving)
  log.addEventListener('membership', membership)
  // a second try may find the record already here
  membership()
  return () => {
    peer.removeEventListener('group:peer-joined', reached)
    peer.removeEventListener('sync:progress', receiving)
    log.removeEventListener('membership', membership)
  }
}
