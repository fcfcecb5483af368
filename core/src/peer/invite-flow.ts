/** Invites over the network: what a link carries, and joining — waiting for the invite's record, telling a used, revoked, void or expired one. */
import type { PeerId } from '@libp2p/interface'
import { toHex } from '../codec/hex.ts'
import { ExpiredInviteError, InviteRevokedError, InviteUsedError, JoinTimeoutError } from '../errors.ts'
import type { Invite } from '../invite/invite.ts'
import type { GroupLog } from '../log/group-log.ts'

/** How a join by invite is going: dialling the invite's addresses, waiting for the invite's record, writing the join. */
export type JoinProgress = { stage: 'dialing'; addresses: number } | { stage: 'waiting'; reached: number } | { stage: 'joining' }

/** Waits until the log holds the invite's record and a join may use it; throws if it is used or void, or on timeout. */
export async function waitForInvite(log: GroupLog, inviteId: Uint8Array, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = AbortSignal.timeout(timeoutMs)
  const abort = signal === undefined ? deadline : AbortSignal.any([signal, deadline])
  for (;;) {
    const usable = log.inviteUsable(inviteId)
    if (usable === 'usable') return
    if (usable === 'used') throw new InviteUsedError()
    if (usable === 'void') throw new InviteRevokedError()
    if (usable === 'revoked') throw new InviteRevokedError(undefined, { reason: 'revoked' })
    if (abort.aborted) {
      throw new JoinTimeoutError(
        `could not reach a member of the group who has this invite within ${Math.round(timeoutMs / 1000)} s: check that the inviter is online, or try again later`
      )
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        log.removeEventListener('membership', done)
        abort.removeEventListener('abort', done)
        resolve()
      }
      log.addEventListener('membership', done)
      abort.addEventListener('abort', done)
    })
  }
}

/**
 * Whether the device behind `peer` (a peer id is its device key) was removed
 * from the group and has no invite made since to come back with: peers give
 * it nothing more.
 */
export function removedFrom(group: GroupLog, peer: PeerId): boolean {
  const key = peer.publicKey?.raw
  const state = group.membership()
  return key !== undefined && state !== undefined && !state.mayRejoin(toHex(key))
}

/** What an invite link carries, for an invite just recorded in `group`. */
export function inviteFor(
  group: GroupLog,
  inviteId: Uint8Array,
  inviter: Uint8Array,
  addresses: string[],
  options: { expires?: number; singleUse?: boolean }
): Invite {
  return {
    groupId: group.id,
    secret: group.secret,
    inviter,
    addresses: addresses.slice(0, 8),
    groupName: group.view.metadata().name,
    inviteId,
    singleUse: options.singleUse ?? false,
    ...(options.expires === undefined ? {} : { expires: options.expires })
  }
}

export function checkNotExpired(invite: Invite, now: number): void {
  if (invite.expires !== undefined && invite.expires <= now) {
    throw new ExpiredInviteError(`this invite expired on ${new Date(invite.expires).toISOString()}: ask a member of the group for a new one`)
  }
}

const JOIN_TIMEOUT_MS = 60_000

export interface JoinOptions {
  timeoutMs?: number
  signal?: AbortSignal
  onProgress?: (progress: JoinProgress) => void
}

/**
 * Joins the group of an invite: opens (or makes) the group, dials the
 * invite's addresses when online, waits for the invite's record to arrive by
 * sync, writes the join; resolves once a member. Throws ExpiredInviteError,
 * InviteUsedError, InviteRevokedError or JoinTimeoutError.
 */
export async function joinByInvite(
  invite: Invite,
  options: JoinOptions,
  peer: { now: () => number; open: () => Promise<GroupLog>; dial?: (addresses: string[]) => Promise<void> }
): Promise<GroupLog> {
  checkNotExpired(invite, peer.now())
  const log = await peer.open()
  if (log.isMember()) return log
  const dial = peer.dial
  if (dial !== undefined) {
    options.onProgress?.({ stage: 'dialing', addresses: invite.addresses.length })
    // one dial per peer with all its addresses: libp2p tries them in its own order (one that this runtime
    // cannot dial, such as TCP in a browser, is passed over), where dials of each address at once are one
    // dial of the peer that may take only the first address
    const dialed = await Promise.allSettled(addressesByPeer(invite.addresses).map((addresses) => dial(addresses)))
    options.onProgress?.({ stage: 'waiting', reached: dialed.filter((d) => d.status === 'fulfilled').length })
  }
  await waitForInvite(log, invite.inviteId, options.timeoutMs ?? JOIN_TIMEOUT_MS, options.signal)
  options.onProgress?.({ stage: 'joining' })
  await log.join(invite.inviteId)
  return log
}

/** The addresses grouped by the peer they reach (the last /p2p/ of each; a relayed address reaches its target). */
export function addressesByPeer(addresses: readonly string[]): string[][] {
  const byPeer = new Map<string, string[]>()
  for (const address of addresses) {
    const peer = address.slice(address.lastIndexOf('/p2p/') + 1)
    byPeer.set(peer, [...(byPeer.get(peer) ?? []), address])
  }
  return [...byPeer.values()]
}
