/**
 * How a person names a member of a group: by the start of its device key
 * (at least 4 hex digits) or by the display name it goes by there (any
 * case). Former members (removed, left) and blocked devices count too, so
 * one can still be verified, blocked or unblocked. A name two people share,
 * or that is also the start of another's key, is ambiguous: the error
 * lists them with their fingerprints, and the key tells them apart.
 */
import type { Names } from '../api/error-messages.ts'
import { AmbiguousMemberError, InvalidRequestError, UnknownMemberError } from '../errors.ts'
import { type Authors, type GroupAuthors, sameName } from './authors.ts'
import type { GroupDirectory } from './group-directory.ts'

const MIN_KEY_PREFIX = 4

export interface MemberLookup {
  /** The group's name, for messages. */
  groupName: string
  /** Device keys (hex) a reference may pick from. */
  keys: Iterable<string>
  people: GroupAuthors
  /** The person a device is (their first device's key): a person's devices are one member (docs/devices.md). */
  personOf?: (device: string) => string
}

/** The key `ref` names among `lookup.keys`: the person's, when the device is linked to one. */
export function findMember(lookup: MemberLookup, ref: string): string {
  const wanted = ref.trim()
  if (wanted === '') throw new InvalidRequestError('name a member: their display name, or the start of their key (`causette members` lists both)')
  const lower = wanted.toLowerCase()
  const isPrefix = lower.length >= MIN_KEY_PREFIX && /^[0-9a-f]+$/.test(lower)
  const byName = sameName(wanted)
  const personOf = lookup.personOf ?? ((device: string) => device)
  const matching = [...new Set(lookup.keys)].filter((key) => {
    const name = lookup.people.name(key)
    return (name !== undefined && sameName(name) === byName) || (isPrefix && (key.startsWith(lower) || personOf(key).startsWith(lower)))
  })
  const candidates = [...new Set(matching.map(personOf))]
  if (candidates.length === 1) return candidates[0] as string
  if (candidates.length === 0) {
    throw new UnknownMemberError(
      `no one in ${lookup.groupName} goes by "${wanted}" or has a key starting with it; \`causette members ${asArgument(lookup.groupName)}\` lists the members`
    )
  }
  const listed = candidates.map((key) => `${describe(lookup.people, key)} (key ${key.slice(0, 8)})`).join(', ')
  throw new AmbiguousMemberError(
    `"${wanted}" could be any of ${candidates.length} people in ${lookup.groupName}: ${listed}; name one by the start of their key`
  )
}

/** A member as a message names them: display name, else the start of the fingerprint. */
export function describe(people: GroupAuthors, key: string): string {
  const view = people.view(key)
  const fingerprint = view.fingerprint.slice(0, 11)
  if (view.name === undefined) return fingerprint
  return view.nameShared === true ? `${view.name} (${fingerprint})` : view.name
}

/** How this daemon names its groups and their people, for error messages (api/error-messages.ts). */
export function namesOf(directory: GroupDirectory, authors: Authors): Names {
  const known = (groupHex: string) => directory.list().find((g) => g.idHex === groupHex)
  return {
    self: authors.self,
    group: (groupHex) => known(groupHex)?.name,
    person: (groupHex, key) => describe(authors.of(known(groupHex)?.log), key)
  }
}

/** A group or member name as it would be typed in a command suggested to the person. */
export function asArgument(name: string): string {
  return /^[\p{L}\p{N}._-]+$/u.test(name) ? name : JSON.stringify(name)
}
