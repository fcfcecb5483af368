/**
 * Large logs for benchmarks, written straight with writeEntry: authors take
 * turns, each entry naming the previous one as its parent, as in a lively
 * group where everyone is online.
 */

import {
  type DeviceKey,
  type Entry,
  firstEpochKey,
  generateGroupSecret,
  memberKeyPair,
  newInviteId,
  type Operation,
  type Signatures,
  toHex,
  writeEntry
} from '@causette/core'
import { sha256 } from '@noble/hashes/sha2.js'

export interface SyntheticLog {
  genesis: Entry
  secret: Uint8Array
  /** Every entry after the genesis, in causal order: invites and joins of the authors, then the messages. */
  entries: Entry[]
}

export async function syntheticLog(authors: DeviceKey[], count: number, signatures: Signatures): Promise<SyntheticLog> {
  const secret = generateGroupSecret()
  const epochKey = firstEpochKey(secret)
  const creator = authors[0] as DeviceKey
  const genesis = await writeEntry(creator, signatures, {
    group: new Uint8Array(0),
    seq: 1,
    prev: null,
    clock: 1,
    parents: [],
    time: Date.now(),
    epoch: new Uint8Array(0),
    op: { type: 'create', name: 'bench', memberKey: memberKeyPair(creator).publicKey },
    epochKey
  })
  const latest = new Map<string, Entry>([[toHex(creator.publicKey), genesis]])
  const entries: Entry[] = []
  let parent = genesis
  const write = async (author: DeviceKey, op: Operation): Promise<Entry> => {
    const prev = latest.get(toHex(author.publicKey))
    const entry = await writeEntry(author, signatures, {
      group: genesis.id,
      seq: (prev?.seq ?? 0) + 1,
      prev: prev?.id ?? null,
      clock: parent.clock + 1,
      parents: [parent.id],
      time: Date.now(),
      epoch: new Uint8Array(0),
      op,
      epochKey
    })
    latest.set(toHex(author.publicKey), entry)
    entries.push(entry)
    parent = entry
    return entry
  }
  // everyone else joins with an invite from the creator, as in a real group
  for (const author of authors.slice(1)) {
    const inviteId = newInviteId()
    await write(creator, { type: 'invite', token: sha256(inviteId), singleUse: true })
    await write(author, { type: 'join', inviteId, memberKey: memberKeyPair(author).publicKey })
  }
  for (let i = 0; i < count; i++) await write(authors[i % authors.length] as DeviceKey, { type: 'message', text: messageText(i) })
  return { genesis, secret, entries }
}

export function messageText(i: number): string {
  return `message ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(4)}`.slice(0, 200)
}
