/**
 * The relay's answer to a request to keep a group (core's keep-frames.ts).
 * It cannot read the group's membership, so it goes by what it was told:
 *
 * - a new group: a mailbox, if the relay has room, whose admins and members
 *   are those the asker names (it must be one of the admins);
 * - a capability it holds already: kept; an admin's request also replaces
 *   the admins and members;
 * - a capability that replaces the one it holds (`replaces` names the old
 *   tag): taken only from an admin, the old one kept for members who missed
 *   the rotation. A member the admin no longer names — removed — is served
 *   nothing more under any capability (mailbox-service.ts);
 * - a capability already replaced: refused.
 *
 * Someone who is not a member can only make a mailbox of their own: members
 * prove the group's capability, not theirs, so they never use it.
 */
import { type KeepAnswer, type KeepRequest, syncTag } from '@causette/core'
import { equals } from 'uint8arrays/equals'
import type { KeepRefusal, MailboxCounters } from './mailbox-counters.ts'
import type { MailboxLimits } from './mailbox-log.ts'
import type { MailboxRecord, MailboxStore, People } from './mailbox-store.ts'

export interface KeepPolicy {
  maxGroups: number
  limits: MailboxLimits
}

export function answerKeep(
  store: MailboxStore,
  policy: KeepPolicy,
  counters: MailboxCounters,
  request: KeepRequest,
  asker: Uint8Array,
  now: number
): KeepAnswer {
  const refuse = (why: KeepRefusal, reason: string): KeepAnswer => {
    counters.keepRefused(why)
    return answer(policy, undefined, reason)
  }
  const tag = syncTag(request.capability)
  const people: People = { admins: request.admins, members: request.members }
  if (store.isRetired(tag))
    return refuse('replaced', "the group's admins have given this relay a newer capability; ask with the group's current epoch")
  const isAdmin = (m: MailboxRecord) => m.admins.some((a) => equals(a, asker))
  const existing = store.byTag(tag)
  if (existing !== undefined) {
    if (!equals(existing.group, request.group)) return refuse('other-group', 'this capability belongs to another group')
    if (isAdmin(existing)) store.setPeople(existing, people)
    return answer(policy, store.get(existing.id))
  }
  for (const old of request.replaces) {
    const previous = store.byTag(old)
    if (previous === undefined || !equals(previous.group, request.group)) continue
    if (!isAdmin(previous))
      return refuse(
        'not-admin',
        "only an admin of the group (as this relay was told when it began keeping it) may hand it the group's next capability"
      )
    store.replaceCapability(previous, tag, request.capability, people)
    return answer(policy, store.get(previous.id))
  }
  if (!request.admins.some((a) => equals(a, asker)))
    return refuse('not-admin', 'the device asking a relay to keep a group must be one of the admins it names')
  if (store.count() >= policy.maxGroups)
    return refuse('full', `this relay keeps at most ${policy.maxGroups} groups and is full; ask its operator, or use another relay`)
  return answer(policy, store.create(request.group, tag, request.capability, people, now))
}

function answer(policy: KeepPolicy, record: MailboxRecord | undefined, reason = ''): KeepAnswer {
  return {
    kept: record !== undefined && reason === '',
    reason,
    entries: record?.entries ?? 0,
    bytes: record?.bytes ?? 0,
    maxEntries: policy.limits.maxEntries,
    maxBytes: policy.limits.maxBytes
  }
}
