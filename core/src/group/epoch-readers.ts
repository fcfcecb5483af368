/**
 * Who can read which epoch of a group, and so which epoch new messages go
 * under: derived from a membership state's members, departures, grants and
 * key histories.
 */
import type { EpochInfo, MembershipState } from './membership-state.ts'

/**
 * The epoch new messages go under: the latest made by an entry that had
 * every departure in its causal past, and whose key no departed member
 * holds (granted, or in a history), nor any other device outside the group;
 * undefined when a rekey must come first.
 * Never the first epoch: its key derives from the group secret, which every
 * invite link carries, so what it seals is readable by anyone who saw a link.
 * Only holders of an epoch's key can pass it on in a history, and they have
 * its entry: so a key made after a departure reaches nobody who had not seen
 * it, while one made concurrently may yet reach the departed device through
 * a rekey not seen here (seeds 1475, 426).
 */
export function writingEpochOf(state: MembershipState): EpochInfo | undefined {
  const outsidersRead = readableBy(state.epochs, outsiders(state))
  const departures = [...state.departed.values()].map((d) => d.at.idHex)
  for (let i = state.epochs.length - 1; i >= 0; i--) {
    const epoch = state.epochs[i] as EpochInfo
    if (epoch.recipients === null) return undefined
    if (!outsidersRead.has(epoch.id) && departures.every((d) => epoch.after.includes(d))) return epoch
  }
  return undefined
}

/**
 * Devices that are not members but were granted a key: departed ones, and
 * those whose join turned out void (a rekey they wrote, or one written by a
 * member who took their join for valid, granted them its key). No new
 * message goes under a key one of them can read.
 */
function outsiders(state: MembershipState): string[] {
  const out = new Set(state.departed.keys())
  for (const e of state.epochs) for (const r of e.recipients ?? []) if (!state.members.has(r)) out.add(r)
  return [...out]
}

/**
 * Ids of the epochs any of these devices can read: the group's first (the
 * secret's, which every device that ever joined holds), those granted to
 * one of them, and those their key histories cover.
 */
export function readableBy(epochs: readonly EpochInfo[], devices: readonly string[]): Set<string> {
  const byId = new Map(epochs.map((e) => [e.id, e]))
  const readable = new Set<string>()
  const visit = (id: string) => {
    if (readable.has(id)) return
    readable.add(id)
    for (const c of byId.get(id)?.covers ?? []) visit(c)
  }
  for (const e of epochs) {
    if (e.recipients === null ? devices.length > 0 : devices.some((d) => e.recipients?.includes(d))) visit(e.id)
  }
  return readable
}

/**
 * Epochs (ids) that members cannot read though another member can, by
 * member. (An epoch no current member can read is lost; nobody can pass it
 * on.)
 */
export function unreadableOf(state: MembershipState): Map<string, string[]> {
  const readableByMember = new Map<string, Set<string>>()
  const held = new Set<string>()
  for (const member of state.members.keys()) {
    const readable = readableBy(state.epochs, [member])
    readableByMember.set(member, readable)
    for (const id of readable) held.add(id)
  }
  const result = new Map<string, string[]>()
  for (const [member, readable] of readableByMember) {
    const missing = [...held].filter((id) => !readable.has(id))
    if (missing.length > 0) result.set(member, missing)
  }
  return result
}
