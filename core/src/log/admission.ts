/**
 * Deciding whether an entry joins the log, once its parents and previous
 * entry are present: structure (clock, author chain), then membership — the
 * author must be a member where the entry stands in the DAG, and a
 * membership operation must be allowed by the rules — then the body. Bodies
 * of the first epoch must open; bodies of later epochs open if this device
 * holds the key, else stay sealed until it does. Whether an entry is
 * admitted never depends on which keys this device holds, so every member
 * admits the same entries.
 */
import type { CreateGroupOperation, Operation } from '../chat/operations.ts'
import { decodeOperation } from '../chat/operations.ts'
import type { Entry } from '../codec/entry-codec.ts'
import { shortHex, toHex } from '../codec/hex.ts'
import { openBody, type XChaChaAead } from '../crypto/body-cipher.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import { InvalidChainError, InvalidGenesisError, UnknownEpochError } from '../errors.ts'
import { Frontier } from '../group/frontier.ts'
import { MEMBERSHIP_TYPES, type MembershipOperation, makesEpoch } from '../group/membership-operations.ts'
import type { EntryRef } from '../group/membership-state.ts'
import { actionOf } from '../group/standing.ts'
import { checkStructure, openOperation } from './entry-validation.ts'
import type { LogEntry } from './log-entry.ts'

export interface Admission {
  node: LogEntry
  /** Set when the entry is a membership operation: the new frontier it makes. */
  membership?: MembershipOperation | CreateGroupOperation
}

/** The keys a body may open with, and the cipher that opens it. */
export interface BodyKeys {
  keys: EpochKeys
  aead: XChaChaAead
}

export interface AdmissionContext extends BodyKeys {
  /** An accepted entry, in memory: admission runs once the log has loaded what the entry names. */
  node(idHex: string): LogEntry | undefined
  /** The log's one object for a frontier with this content. */
  frontier(frontier: Frontier): Frontier
}

export function admit(entry: Entry, idHex: string, ctx: AdmissionContext): Admission {
  const authorHex = internAuthor(toHex(entry.author))
  const prev = entry.prev === null ? undefined : (ctx.node(toHex(entry.prev)) as LogEntry)
  const parents = entry.parents.map((p) => ctx.node(toHex(p)) as LogEntry)
  checkStructure(entry, authorHex, { parentClocks: parents.map((p) => p.clock), ...(prev === undefined ? {} : { prev }) })
  const ref: EntryRef = { clock: entry.clock, authorHex, idHex, seq: entry.seq, time: entry.time }
  const base = {
    id: entry.id,
    idHex,
    authorHex,
    seq: entry.seq,
    clock: entry.clock,
    time: entry.time,
    shownTime: entry.time
  }

  if (entry.group.byteLength === 0) {
    const op = openOperation(entry, ctx.keys, ctx.aead)
    if (op.type !== 'create') throw new InvalidGenesisError(`genesis entry ${shortHex(entry.id)} does not create a group`)
    return { node: { ...base, epochHex: '', op, sealed: false, role: 'admin', frontier: ctx.frontier(Frontier.start(ref, op)) }, membership: op }
  }

  const before = ctx.frontier(Frontier.merge(parents.map((p) => p.frontier)))
  // a linked device writes as its person: edits and deletions of that person's messages are its own (view-render.ts)
  const person = before.state.personOf(authorHex)
  const writer = person === undefined || person === authorHex ? base : { ...base, person }
  // an author cannot un-see a membership change it had seen: that would be writing from the past
  if (prev !== undefined && !before.contains(prev.frontier)) {
    throw new InvalidChainError(`entry ${shortHex(entry.id)} names parents that miss membership changes its author had already seen`)
  }
  const epochHex = toHex(entry.epoch)
  if (entry.expires !== undefined) return { node: admitExpiring(entry, { ...writer, epochHex, expires: entry.expires }, before, ctx) }
  if (epochHex === '') {
    const op = openOperation(entry, ctx.keys, ctx.aead)
    if (MEMBERSHIP_TYPES.has(op.type)) {
      const membershipOp = op as MembershipOperation
      const state = before.state.apply(ref, membershipOp)
      const made = makesEpoch(membershipOp) ? state.epochs[state.epochs.length - 1] : undefined
      const frontier = ctx.frontier(before.extend({ ref, op: membershipOp, ...(made === undefined ? {} : { epoch: made }) }, state))
      return { node: { ...writer, epochHex, op, sealed: false, role: before.state.role(authorHex), frontier }, membership: membershipOp }
    }
    before.state.authorizeWriter(authorHex, actionOf(op.type))
    return { node: { ...writer, epochHex, op, sealed: false, role: before.state.role(authorHex), frontier: before } }
  }

  if (!before.state.epochs.some((e) => e.id === epochHex)) {
    throw new UnknownEpochError(`entry ${shortHex(entry.id)} names epoch ${epochHex.slice(0, 8)}, which no rekey before it made`)
  }
  before.state.authorizeWriter(authorHex)
  const node: LogEntry = { ...writer, epochHex, op: undefined, sealed: true, role: before.state.role(authorHex), frontier: before }
  unseal(node, entry.body, entry, ctx)
  return { node }
}

/**
 * An entry that expires is admitted on what every holder can check, with its
 * body or erased: its author is a member where it stands and its epoch
 * exists. Its body, when there and readable, only ever adds view rows: a
 * membership operation in it, or an operation its author may not make, is
 * ignored rather than refused, since a device holding it erased could not
 * refuse it, and every member must admit the same entries.
 */
function admitExpiring(entry: Entry, base: Omit<LogEntry, 'op' | 'sealed' | 'role' | 'frontier'>, before: Frontier, ctx: AdmissionContext): LogEntry {
  if (base.epochHex !== '' && !before.state.epochs.some((e) => e.id === base.epochHex)) {
    throw new UnknownEpochError(`entry ${shortHex(entry.id)} names epoch ${base.epochHex.slice(0, 8)}, which no rekey before it made`)
  }
  before.state.authorizeWriter(base.authorHex)
  const node: LogEntry = { ...base, op: undefined, sealed: entry.erased !== true, role: before.state.role(base.authorHex), frontier: before }
  if (entry.erased !== true) unseal(node, entry.body, entry, ctx)
  return node
}

/**
 * Opens a sealed entry if its epoch key is now held. A body that does not
 * open, or holds a membership operation (those belong in the first epoch),
 * is marked unreadable and ignored — not rejected, since other members may
 * not hold the key to know.
 */
export function unseal(
  node: Pick<LogEntry, 'epochHex'> & { sealed: boolean; op: Operation | undefined },
  body: Uint8Array,
  fields: Pick<Entry, 'group' | 'author' | 'seq' | 'epoch'>,
  { keys, aead }: BodyKeys
): boolean {
  const key = keys.getHex(node.epochHex)
  if (key === undefined) return false
  node.sealed = false
  let op: Operation | undefined
  try {
    op = decodeOperation(openBody(aead, key, { group: fields.group, author: fields.author, seq: fields.seq, epoch: fields.epoch }, body))
  } catch (err) {
    if (!['UndecryptableBodyError', 'MalformedOperationError'].includes((err as Error).name)) throw err
  }
  node.op = op === undefined || MEMBERSHIP_TYPES.has(op.type) ? undefined : op
  return node.op !== undefined
}

/** One string per author, shared by all their entries: a group's entries have few authors and many entries. */
const authors = new Map<string, string>()
const MAX_INTERNED = 100_000

function internAuthor(hex: string): string {
  const known = authors.get(hex)
  if (known !== undefined) return known
  if (authors.size >= MAX_INTERNED) authors.clear()
  authors.set(hex, hex)
  return hex
}
