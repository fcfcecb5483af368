/**
 * The capability a relay keeps a group with: a key derived from one of the
 * group's granted epoch keys for this purpose alone (its own HKDF label), so
 * holding it opens no body. Members derive it themselves from the epoch key
 * they hold; the relay is given it when asked to keep the group. A removed
 * member never gets the key of the epoch its removal starts, so it cannot
 * derive that epoch's capability.
 *
 * A member who holds no granted epoch's key yet (it joined and went offline
 * before the first message, say) names the group by its base capability,
 * derived from the group secret with its own label. Every invite link
 * carries the secret, so the base capability only names the group: the
 * relay serves a group only to the device keys an admin listed.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import type { EpochInfo } from '../group/membership-state.ts'
import { compareOrder } from '../log/order.ts'

const SALT = new TextEncoder().encode('causette/v1')
const LABEL = new TextEncoder().encode('mailbox-capability')
const BASE_LABEL = new TextEncoder().encode('mailbox-capability/base')
/** Capabilities a member tries, newest first: a relay not yet told of the latest epoch still knows an earlier one. */
export const MAILBOX_CAPABILITIES_TRIED = 4

export function mailboxCapability(epochKey: Uint8Array): Uint8Array {
  return hkdf(sha256, epochKey, SALT, LABEL, 32)
}

/** The group's base capability, from its secret: names the group to a relay, opens nothing. */
export function baseCapability(secret: Uint8Array): Uint8Array {
  return hkdf(sha256, secret, SALT, BASE_LABEL, 32)
}

export interface EpochCapability {
  /** The epoch's id (hex); '' for the base capability. */
  epoch: string
  capability: Uint8Array
}

/**
 * The capabilities of the granted epochs this device holds keys for, the
 * epoch new messages go under first, then the others newest first (at most
 * MAILBOX_CAPABILITIES_TRIED), then the base capability.
 */
export function mailboxCapabilities(
  epochs: readonly EpochInfo[],
  writing: EpochInfo | undefined,
  keys: EpochKeys,
  secret: Uint8Array
): EpochCapability[] {
  const granted = epochs.filter((e) => e.id !== '' && keys.has(e.id)).sort((a, b) => compareOrder(b.entry, a.entry))
  if (writing !== undefined && writing.id !== '' && keys.has(writing.id)) {
    granted.splice(granted.indexOf(writing), 1)
    granted.unshift(writing)
  }
  const epochCapabilities = granted
    .slice(0, MAILBOX_CAPABILITIES_TRIED)
    .map((e) => ({ epoch: e.id, capability: mailboxCapability(keys.getHex(e.id) as Uint8Array) }))
  return [...epochCapabilities, { epoch: '', capability: baseCapability(secret) }]
}
