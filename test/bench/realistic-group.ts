/**
 * A group as people use it, written straight into a store for measuring:
 * a few members who joined by invite, messages with replies and mentions,
 * edits, deletes, reactions, read markers and display names, and now and
 * then two members writing at once (two heads, merged by the next entry).
 * Seeded, so two runs measure the same group.
 */
import {
  type DeviceKey,
  type Entry,
  firstEpochKey,
  generateDeviceKey,
  generateGroupSecret,
  memberKeyPair,
  newInviteId,
  nobleXChaCha,
  type Operation,
  type Signatures,
  type Store,
  storedEntryOf,
  toHex,
  writeEntry,
  type XChaChaAead
} from '@causette/core'
import { sha256 } from '@noble/hashes/sha2.js'
import { compare } from 'uint8arrays/compare'
import { SeededRandom } from '../fixtures/random.ts'
import { messageText } from './synthetic-log.ts'

export interface RealisticGroup {
  groupId: Uint8Array
  secret: Uint8Array
  /** The creator: the device that opens the group when measuring. */
  creator: DeviceKey
  /** Entries written, the genesis included. */
  count: number
}

/** Entries put into the store per transaction. */
const BATCH = 1000
const EMOJI = ['👍', '❤️', '😂', '🎉', '👀']

/** Writes a group of about `count` entries by `members` members into `store`, and its record. */
export async function writeRealisticGroup(
  store: Store,
  count: number,
  members: number,
  signatures: Signatures,
  aead: XChaChaAead = nobleXChaCha
): Promise<RealisticGroup> {
  const random = new SeededRandom(13)
  const keys: DeviceKey[] = []
  for (let i = 0; i < members; i++) keys.push(await generateDeviceKey())
  const creator = keys[0] as DeviceKey
  const secret = generateGroupSecret()
  const epochKey = firstEpochKey(secret)
  const latest = new Map<string, Entry>()
  let heads: Entry[] = []
  let groupId: Uint8Array = new Uint8Array(0)
  let batch: Entry[] = []
  let written = 0
  const flush = async (): Promise<void> => {
    await store.putEntries(
      groupId,
      batch.map((e) => storedEntryOf(e))
    )
    batch = []
  }
  /** Writes on `parents` (the current heads unless given); returns the entry, not yet a head. */
  const write = async (author: DeviceKey, op: Operation, parents = heads): Promise<Entry> => {
    const prev = latest.get(toHex(author.publicKey))
    const entry = await writeEntry(
      author,
      signatures,
      {
        group: groupId,
        seq: (prev?.seq ?? 0) + 1,
        prev: prev?.id ?? null,
        clock: 1 + Math.max(0, ...parents.map((p) => p.clock)),
        parents: parents.map((p) => p.id).sort(compare),
        time: Date.now() + written,
        epoch: new Uint8Array(0),
        op,
        epochKey
      },
      aead
    )
    latest.set(toHex(author.publicKey), entry)
    batch.push(entry)
    written++
    if (batch.length >= BATCH) await flush()
    return entry
  }
  const genesis = await write(creator, { type: 'create', name: 'measured', memberKey: memberKeyPair(creator).publicKey })
  groupId = genesis.id
  heads = [genesis]
  for (const member of keys.slice(1)) {
    const inviteId = newInviteId()
    heads = [await write(creator, { type: 'invite', token: sha256(inviteId), singleUse: true })]
    heads = [await write(member, { type: 'join', inviteId, memberKey: memberKeyPair(member).publicKey })]
  }
  for (const [i, member] of keys.entries()) heads = [await write(member, { type: 'profile', displayName: `member ${i}` })]

  const messages: Uint8Array[] = []
  const recent = (): Uint8Array => messages[Math.max(0, messages.length - 1 - random.int(50))] as Uint8Array
  while (written < count) {
    const author = random.pick(keys)
    const op = nextOperation(random, author, keys, messages.length === 0 ? undefined : recent, written)
    if (random.chance(0.05) && messages.length > 0) {
      // two members write at once on the same heads; the next entry merges them
      const other = keys[(keys.indexOf(author) + 1) % keys.length] as DeviceKey
      const a = await write(author, op)
      const b = await write(other, { type: 'reaction', target: recent(), emoji: random.pick(EMOJI), add: true })
      heads = [a, b]
      if (op.type === 'message') messages.push(a.id)
      continue
    }
    const entry = await write(author, op)
    heads = [entry]
    if (op.type === 'message') messages.push(entry.id)
  }
  if (batch.length > 0) await flush()
  await store.putGroup({ id: groupId, secret, name: 'measured', addedAt: Date.now() })
  return { groupId, secret, creator, count: written }
}

/** Mostly messages; the rest touch recent messages, as replies, reactions and edits do. */
function nextOperation(random: SeededRandom, author: DeviceKey, keys: DeviceKey[], recent: (() => Uint8Array) | undefined, i: number): Operation {
  const roll = random.next()
  if (recent === undefined || roll < 0.72) {
    const op: Operation = { type: 'message', text: messageText(i) }
    if (recent !== undefined && random.chance(0.15)) op.replyTo = recent()
    if (random.chance(0.05)) op.mentions = [random.pick(keys.filter((k) => k !== author)).publicKey]
    return op
  }
  if (roll < 0.87) return { type: 'reaction', target: recent(), emoji: random.pick(EMOJI), add: !random.chance(0.1) }
  if (roll < 0.93) return { type: 'edit', target: recent(), text: `${messageText(i).slice(0, 80)} (edited)` }
  if (roll < 0.95) return { type: 'delete', target: recent() }
  return { type: 'read', upTo: recent() }
}
