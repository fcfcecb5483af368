/**
 * The relay's answer to a request to keep a group (core's keep-frames.ts).
 * It cannot read the group's membership, so it goes by what it was told:
 *
 * - a capability it holds as a group's current one: kept; an admin's
 *   request also replaces the admins and members;
 * - a capability new to it, for a group it knows by one of the request's
 *   earlier capabilities: taken as the group's next capability, only from
 *   an admin; the old one stays known, for members who missed the rotation.
 *   A member the admin no longer names — removed — is served nothing more
 *   under any capability (mailbox-service.ts);
 * - a capability a group has moved on from: refused;
 * - otherwise a new mailbox, if the relay has room, whose admins and
 *   members are those the asker names (it must be one of the admins).
 *
 * Each request's earlier capabilities are recorded as other names of the
 * group, and the group's gossip topic an admin names is kept (the relay
 * follows it: mailbox-gossip.ts). Someone who is not a member can only make a mailbox of their own,
 * which serves only the devices they list.
 */
import { type KeepAnswer, type KeepRequest, syncTag } from '@causette/core/mailbox-serving'
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
  const earlier = request.earlier.map((capability) => ({ tag: syncTag(capability), capability }))
  const isAdmin = (m: MailboxRecord) => m.admins.some((a) => equals(a, asker))
  const known = store.find(tag)
  if (known !== undefined) {
    if (!equals(known.record.group, request.group)) return refuse('other-group', 'this capability belongs to another group')
    if (!equals(known.record.tag, tag))
      return refuse('replaced', "the group's admins have given this relay a newer capability; ask with the group's current epoch")
    if (isAdmin(known.record)) {
      store.setPeople(known.record, people)
      store.addAliases(known.record, earlier)
      if (request.topic !== undefined) store.topics.set(known.record.id, request.topic)
    }
    return answer(policy, store.get(known.record.id))
  }
  for (const old of earlier) {
    const previous = store.find(old.tag)?.record
    if (previous === undefined || !equals(previous.group, request.group)) continue
    if (!isAdmin(previous))
      return refuse(
        'not-admin',
        "only an admin of the group (as this relay was told when it began keeping it) may hand it the group's next capability"
      )
    store.replaceCapability(previous, tag, request.capability, people)
    store.addAliases(previous, earlier)
    if (request.topic !== undefined) store.topics.set(previous.id, request.topic)
    return answer(policy, store.get(previous.id))
  }
  if (!request.admins.some((a) => equals(a, asker)))
    return refuse('not-admin', 'the device asking a relay to keep a group must be one of the admins it names')
  if (store.count() >= policy.maxGroups)
    return refuse('full', `this relay keeps at most ${policy.maxGroups} groups and is full; ask its operator, or use another relay`)
  const created = store.create(request.group, tag, request.capability, people, now)
  store.addAliases(created, earlier)
  if (request.topic !== undefined) store.topics.set(created.id, request.topic)
  return answer(policy, created)
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
