/**
 * View rows (core's chat/view-rows.ts) as records of the IndexedDB store
 * and back: the group and, for texts, their words added for the index, the
 * bytes made compact, optional fields present only when set.
 */
import { type ChangeRow, foldWord, type MessageRow, type RegisterRow } from '@causette/core'
import { type Bytes, compact } from './idb-ranges.ts'
import type { ChangeRecord, MessageRecord, RegisterRecord, WordKey } from './idb-schema.ts'

/** The words of a text as the index holds them: each folded word once, as textHasWords splits them (core's search-words.ts). */
export function wordsOf(group: Bytes, text: string): WordKey[] {
  const words = new Set(foldWord(text).match(/[\p{L}\p{N}]+/gu) ?? [])
  return [...words].map((word): WordKey => [group, word])
}

export function messageRecord(group: Bytes, row: MessageRow): MessageRecord {
  const record: MessageRecord = {
    group,
    id: compact(row.id),
    key: compact(row.key),
    author: row.author,
    seq: row.seq,
    time: row.time,
    shownTime: row.shownTime,
    text: row.text,
    mentions: [...row.mentions],
    words: wordsOf(group, row.text)
  }
  if (row.replyTo !== undefined) record.replyTo = compact(row.replyTo)
  if (row.poll !== undefined) record.poll = { options: [...row.poll.options], multiple: row.poll.multiple }
  if (row.expires !== undefined) record.expires = row.expires
  if (row.files !== undefined) record.files = row.files.map((f) => ({ ...f }))
  if (row.person !== undefined) record.person = row.person
  return record
}

export function messageRowOf(r: MessageRecord): MessageRow {
  const row: MessageRow = {
    kind: 'message',
    id: r.id,
    key: r.key,
    author: r.author,
    seq: r.seq,
    time: r.time,
    shownTime: r.shownTime,
    text: r.text,
    mentions: r.mentions
  }
  if (r.replyTo !== undefined) row.replyTo = r.replyTo
  if (r.poll !== undefined) row.poll = r.poll
  if (r.expires !== undefined) row.expires = r.expires
  if (r.files !== undefined) row.files = r.files
  if (r.person !== undefined) row.person = r.person
  return row
}

export function changeRecord(group: Bytes, row: ChangeRow): ChangeRecord {
  const record: ChangeRecord = { group, key: compact(row.key), target: compact(row.target), author: row.author, seq: row.seq, kind: row.kind }
  if (row.kind !== 'pin' && row.person !== undefined) record.person = row.person
  switch (row.kind) {
    case 'edit':
      return Object.assign(record, { text: row.text, words: wordsOf(group, row.text) })
    case 'reaction':
      return Object.assign(record, { emoji: row.emoji, add: row.add })
    case 'pin':
      return Object.assign(record, { pinned: row.pinned, pin: group })
    case 'vote':
      return Object.assign(record, { choices: [...row.choices] })
    case 'delete':
    case 'close':
      if (row.role !== undefined) record.role = row.role
      return record
  }
}

export function changeRowOf(r: ChangeRecord): ChangeRow {
  const by = { target: r.target, key: r.key, author: r.author, seq: r.seq }
  const person = r.person === undefined ? {} : { person: r.person }
  switch (r.kind) {
    case 'edit':
      return { kind: 'edit', ...by, ...person, text: r.text ?? '' }
    case 'reaction':
      return { kind: 'reaction', ...by, ...person, emoji: r.emoji ?? '', add: r.add === true }
    case 'pin':
      return { kind: 'pin', ...by, pinned: r.pinned === true }
    case 'vote':
      return { kind: 'vote', ...by, ...person, choices: r.choices ?? [] }
    case 'delete':
    case 'close':
      return r.role === undefined ? { kind: r.kind, ...by, ...person } : { kind: r.kind, ...by, ...person, role: r.role }
  }
}

export function registerRecord(group: Bytes, row: RegisterRow): RegisterRecord {
  return { group, name: row.name, author: row.author, key: compact(row.key), seq: row.seq, value: row.value }
}

export function registerRowOf(r: RegisterRecord): RegisterRow {
  return { kind: 'register', name: r.name, key: r.key, author: r.author, seq: r.seq, value: r.value }
}
