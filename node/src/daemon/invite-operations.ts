/**
 * InviteOperations: making invite links, listing the invites a group's log
 * records, revoking one (admins only), and rekeying a group by hand. An
 * invite is named by its id: the hex of its token, the hash of what its link
 * carries, which is all the log shows of it (docs/keys-and-invites.md).
 */
import { type InviteView as CoreInviteView, fromHex, type GroupLog, inviteLink, inviteToken, listInvites } from '@causette/core'
import type { InviteResponse, InvitesResponse, InviteView, RekeyResponse, RevokeInviteResponse } from '../api/api-types.ts'
import { AmbiguousInviteError, InvalidRequestError, UnknownInviteError } from '../errors.ts'
import type { GroupAuthors } from './authors.ts'
import type { DaemonParts } from './daemon.ts'
import type { KnownGroup } from './group-directory.ts'
import { asArgument } from './member-lookup.ts'

const MIN_ID_PREFIX = 4

export interface InviteOptions {
  expiresInMs?: number
  singleUse: boolean
  /** Put this device's addresses in the link (else members find it by mDNS or through others). */
  withAddresses: boolean
}

export class InviteOperations {
  private readonly parts: Pick<DaemonParts, 'directory' | 'peer' | 'authors'>

  constructor(parts: Pick<DaemonParts, 'directory' | 'peer' | 'authors'>) {
    this.parts = parts
  }

  async create(ref: string, options: InviteOptions): Promise<InviteResponse> {
    const known = this.parts.directory.resolve(ref)
    const log = await this.parts.directory.openLog(known)
    const made = await this.parts.peer.createInvite(log.idHex, {
      singleUse: options.singleUse,
      ...(options.expiresInMs === undefined ? {} : { expires: Date.now() + options.expiresInMs })
    })
    const invite = options.withAddresses ? made : { ...made, addresses: [] }
    return {
      group: known.ref,
      id: inviteToken(invite.inviteId),
      link: inviteLink(invite),
      ...(invite.expires === undefined ? {} : { expires: invite.expires }),
      singleUse: invite.singleUse,
      addresses: invite.addresses
    }
  }

  async list(ref: string): Promise<InvitesResponse> {
    const { known, log, people } = await this.open(ref)
    return { group: known.ref, invites: listInvites(log.membership()?.invites ?? new Map()).map((i) => this.view(log, people, i)) }
  }

  /** Revokes the invite whose id starts with `idPrefix` (admins only): joins with it that come after have no effect. */
  async revoke(ref: string, idPrefix: string): Promise<RevokeInviteResponse> {
    const { known, log, people } = await this.open(ref)
    const invite = this.find(known, log, idPrefix)
    if (invite.revoked !== undefined) return { group: known.ref, invite: this.view(log, people, invite), changed: false }
    await this.parts.peer.send(log.idHex, { type: 'revoke-invite', token: fromHex(invite.token) })
    const now = this.find(known, log, invite.token)
    return { group: known.ref, invite: this.view(log, people, now), changed: true }
  }

  /** Starts a new epoch: a fresh key granted to the members of now, with the keys of earlier epochs in its history. */
  async rekey(ref: string): Promise<RekeyResponse> {
    const { known, log } = await this.open(ref)
    const entry = await this.parts.peer.rekey(log.idHex)
    return { group: known.ref, epoch: entry.idHex.slice(0, 32) }
  }

  private async open(ref: string): Promise<{ known: KnownGroup; log: GroupLog; people: GroupAuthors }> {
    const known = this.parts.directory.resolve(ref)
    const log = await this.parts.directory.openLog(known)
    return { known, log, people: this.parts.authors.of(log) }
  }

  private find(known: KnownGroup, log: GroupLog, idPrefix: string): CoreInviteView {
    const wanted = idPrefix.trim().toLowerCase()
    if (!new RegExp(`^[0-9a-f]{${MIN_ID_PREFIX},64}$`).test(wanted)) {
      throw new InvalidRequestError(`an invite id is hex: give at least its first ${MIN_ID_PREFIX} digits, as \`causette invites\` shows them`)
    }
    const matches = listInvites(log.membership()?.invites ?? new Map()).filter((i) => i.token.startsWith(wanted))
    const list = `\`causette invites ${asArgument(known.name)}\` lists them`
    if (matches.length === 0) throw new UnknownInviteError(`no invite of ${known.name} has an id starting with ${wanted}; ${list}`)
    if (matches.length > 1)
      throw new AmbiguousInviteError(`${matches.length} invites of ${known.name} have ids starting with ${wanted}: give more digits; ${list}`)
    return matches[0] as CoreInviteView
  }

  private view(log: GroupLog, people: GroupAuthors, invite: CoreInviteView): InviteView {
    const person = (key: string) => ({ key, ...people.view(key) })
    const used = invite.usedBy !== undefined
    return {
      id: invite.token,
      by: person(invite.by),
      made: invite.at.time,
      ...(invite.expires === undefined ? {} : { expires: invite.expires }),
      singleUse: invite.singleUse,
      used,
      ...(invite.revoked === undefined ? {} : { revokedBy: person(invite.revoked.by) }),
      state: stateOf(invite, log.membership()?.members.has(invite.by) === true, Date.now())
    }
  }
}

/** Whether a join with the invite would hold now, or why not. */
function stateOf(invite: CoreInviteView, makerIsMember: boolean, now: number): InviteView['state'] {
  if (invite.revoked !== undefined) return 'revoked'
  if (!makerIsMember) return 'maker gone'
  if (invite.singleUse && invite.usedBy !== undefined) return 'used'
  if (invite.expires !== undefined && invite.expires <= now) return 'expired'
  return 'usable'
}
