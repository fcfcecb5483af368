/**
 * Entries as records of the IndexedDB store and back: the bytes made
 * compact, parents concatenated, facts kept with only the fields that are
 * set, and the sparse index fields (`lacking`, `membership`) that follow
 * from them.
 */
import { type EntryFacts, fromOrderKey, joinEntryIds, type StoredEntry, type StoredFacts, splitEntryIds } from '@causette/core'
import { type Bytes, compact } from './idb-ranges.ts'
import type { EntryRecord } from './idb-schema.ts'

export function entryRecord(group: Bytes, e: StoredEntry): EntryRecord {
  const record: EntryRecord = {
    group,
    id: compact(e.id),
    key: compact(e.key),
    author: compact(e.author),
    seq: e.seq,
    parents: joinEntryIds(e.parents),
    bytes: compact(e.bytes)
  }
  if (e.expires !== undefined) record.expires = e.expires
  return withFacts(record, e.facts)
}

/** The record with these facts (or none), and the sparse index fields that follow from them. */
export function withFacts(record: EntryRecord, facts: EntryFacts | undefined): EntryRecord {
  const { facts: _facts, lacking: _lacking, membership: _membership, ...base } = record
  if (facts === undefined) return { ...base, lacking: base.group }
  const kept: EntryFacts = { time: facts.time, shownTime: facts.shownTime, epoch: facts.epoch, frontier: facts.frontier }
  if (facts.role !== undefined) kept.role = facts.role
  if (facts.person !== undefined) kept.person = facts.person
  if (facts.membership === true) kept.membership = true
  return facts.membership === true ? { ...base, facts: kept, membership: base.group } : { ...base, facts: kept }
}

export function storedFactsOf(r: EntryRecord, facts: EntryFacts): StoredFacts {
  return { ...facts, id: r.id, author: r.author, seq: r.seq, clock: fromOrderKey(r.key).clock, parents: splitEntryIds(r.parents) }
}
