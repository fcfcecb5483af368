/**
 * Large logs for benchmarks, written straight with writeEntry: authors take
 * turns, each entry naming the previous one as its parent, as in a lively
 * group where everyone is online.
 */
import { type DeviceKey, type Entry, firstEpochKey, generateGroupSecret, type Signatures, toHex, writeEntry } from '@causette/core'

export interface SyntheticLog {
  genesis: Entry
  secret: Uint8Array
  /** Every entry after the genesis, in causal order. */
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
    op: { type: 'create', name: 'bench' },
    epochKey
  })
  const latest = new Map<string, Entry>([[toHex(creator.publicKey), genesis]])
  const entries: Entry[] = []
  let parent = genesis
  for (let i = 0; i < count; i++) {
    const author = authors[i % authors.length] as DeviceKey
    const prev = latest.get(toHex(author.publicKey))
    const entry = await writeEntry(author, signatures, {
      group: genesis.id,
      seq: (prev?.seq ?? 0) + 1,
      prev: prev?.id ?? null,
      clock: parent.clock + 1,
      parents: [parent.id],
      time: Date.now(),
      epoch: new Uint8Array(0),
      op: { type: 'message', text: messageText(i) },
      epochKey
    })
    latest.set(toHex(author.publicKey), entry)
    entries.push(entry)
    parent = entry
  }
  return { genesis, secret, entries }
}

export function messageText(i: number): string {
  return `message ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(4)}`.slice(0, 200)
}
