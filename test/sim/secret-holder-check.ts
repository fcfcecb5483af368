/**
 * An invite link is a capability to join, never to read: once a run has
 * healed, a device that holds the group secret (every link carries it) but
 * never validly joined can open no message body. Checked two ways on every
 * seed:
 *
 * - an eavesdropper: a fresh device that takes the group id and secret, as
 *   from a link it saw, and receives every entry the members hold (as the
 *   sync protocol, whose membership proof only needs the secret, gives
 *   them); it admits them all, yet every entry other than a membership
 *   operation stays sealed;
 * - the run's own peers that hold the group's log but never wrote a join
 *   and were never linked as a person's device (an invitee whose invite
 *   turned out used or void): the same holds of their logs.
 */
import { GroupLog, generateDeviceKey, MEMBERSHIP_TYPES, MemoryStore, type Signatures, toHex } from '@causette/core'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { holders } from './convergence-check.ts'
import type { SimPeer } from './sim-peer.ts'

export async function secretHolderProblems(
  peers: readonly SimPeer[],
  group: { id: Uint8Array; secret: Uint8Array },
  signatures: Signatures
): Promise<string[]> {
  const problems: string[] = []
  const reference = (holders(peers)[0] as SimPeer).runningLog
  const eavesdropper = await GroupLog.open({
    groupId: group.id,
    secret: group.secret,
    key: await generateDeviceKey(),
    store: new MemoryStore(),
    signatures
  })
  const result = await eavesdropper.add(await entryBytes(reference))
  if (eavesdropper.size !== reference.size) {
    const why = result.rejected[0] === undefined ? '' : ` (${result.rejected[0].error.name}: ${result.rejected[0].error.message})`
    problems.push(`a device holding only the secret admitted ${eavesdropper.size} of the ${reference.size} entries${why}`)
  }
  problems.push(...(await readable(eavesdropper, 'a device holding only the secret')))

  for (const peer of peers) {
    const log = peer.log
    if (log === undefined || peer.joined) continue
    const me = toHex(peer.key.publicKey)
    if (log.latestOf(me) !== undefined) continue
    // a device its person linked is a member without writing a join; like a join that turned out void, a link that did
    // (its linker removed first) may still have been granted keys by a rekey that saw it hold
    if (peer.person !== undefined) continue
    problems.push(...(await readable(log, `${peer.name}, which holds the secret and never joined,`)))
  }
  return problems
}

/** Problems if `log` opened any body other than a membership operation's. */
async function readable(log: GroupLog, who: string): Promise<string[]> {
  const problems: string[] = []
  for (const e of await logEntries(log)) {
    if (e.op === undefined || MEMBERSHIP_TYPES.has(e.op.type)) continue
    problems.push(`${who} can read ${e.op.type} ${e.idHex.slice(0, 12)} by ${e.authorHex.slice(0, 8)} under epoch '${e.epochHex.slice(0, 8)}'`)
  }
  const held = ['', ...log.keys.leaves().map((r) => toHex(r.epoch))].filter((id) => log.keys.has(id))
  if (held.length > 1)
    problems.push(
      `${who} holds keys of granted epochs: ${held
        .slice(1)
        .map((id) => id.slice(0, 8))
        .join(', ')}`
    )
  return problems
}
