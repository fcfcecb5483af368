/**
 * Word search over the view rows of the IndexedDB store (Store.searchMessageRows):
 * the multiEntry index `words` of message and edit records holds
 * [group, word] for each folded word of their text (idb-rows.ts), so the
 * texts holding a word's prefix are a range of it. The longest word of a
 * search picks the texts; each is checked for every word with core's
 * textHasWords, as the other stores' indexes do, and an edit stands for
 * the message it names. Candidates are kept newest first, at most
 * offset + limit of them: memory is bounded by the page, time by the
 * texts holding that one word.
 */
import { foldWord, type SearchRowsOptions, textHasWords, toHex } from '@causette/core'
import type { Connection } from './idb-connection.ts'
import { type Bytes, bytesOf, keyBytes, startingWith } from './idb-ranges.ts'
import type { MessageRecord, Transaction } from './idb-schema.ts'

/** Above every code unit a word (letters, digits) holds: `word + END` bounds the words it starts. */
const END = '\uffff'

interface Candidate {
  group: Uint8Array
  message: MessageRecord
}

export class IdbSearch {
  private readonly connection: Connection

  constructor(connection: Connection) {
    this.connection = connection
  }

  async candidates(words: readonly string[], options: SearchRowsOptions): Promise<Array<{ group: Uint8Array; id: Uint8Array }>> {
    // the longest folded word is usually the rarest; none (no letters left once folded) matches every text
    const word = words
      .map(foldWord)
      .filter((w) => w !== '')
      .sort((a, b) => b.length - a.length)[0]
    return this.connection.read(['messages', 'changes'], async (tx) => {
      const top = new TopCandidates(options.offset + options.limit, options.group === undefined)
      const groups = options.group === undefined ? await groupsWithMessages(tx) : [keyBytes(options.group)]
      await Promise.all(groups.map((group) => (word === undefined ? everyMessage(tx, group, top) : holdingWords(tx, group, word, words, top))))
      return top.page(options.offset).map((c) => ({ group: c.group, id: c.message.id }))
    })
  }
}

/** Messages of `group` whose text, or an edit's, holds every word; `word` (folded) picks the texts to check. */
async function holdingWords(tx: Transaction, group: Bytes, word: string, words: readonly string[], top: TopCandidates): Promise<void> {
  const range = IDBKeyRange.bound([group, word], [group, word + END])
  const messages = tx.objectStore('messages')
  const own = async () => {
    for (let cursor = await messages.index('words').openCursor(range); cursor !== null; cursor = await cursor.continue()) {
      if (textHasWords(cursor.value.text, words)) top.add({ group, message: cursor.value })
    }
  }
  const edited = async () => {
    const targets: Array<Promise<MessageRecord | undefined>> = []
    for (let cursor = await tx.objectStore('changes').index('words').openCursor(range); cursor !== null; cursor = await cursor.continue()) {
      if (textHasWords(cursor.value.text ?? '', words)) targets.push(messages.index('by-id').get([group, cursor.value.target]))
    }
    for (const message of await Promise.all(targets)) if (message !== undefined) top.add({ group, message })
  }
  await Promise.all([own(), edited()])
}

/** Every message of `group`: what a search whose words fold to nothing matches. */
async function everyMessage(tx: Transaction, group: Bytes, top: TopCandidates): Promise<void> {
  for (let cursor = await tx.objectStore('messages').openCursor(startingWith(group)); cursor !== null; cursor = await cursor.continue()) {
    top.add({ group, message: cursor.value })
  }
}

/** The groups holding message rows: one step per group, each jumping past the group's rows. */
async function groupsWithMessages(tx: Transaction): Promise<Bytes[]> {
  const groups: Bytes[] = []
  for (let cursor = await tx.objectStore('messages').openKeyCursor(); cursor !== null; ) {
    const group = keyBytes(bytesOf(cursor.key[0]))
    groups.push(group)
    // an array sorts after every binary key: the first key past the group's
    cursor = await cursor.continue([group, []] as unknown as [Bytes, Bytes])
  }
  return groups
}

/**
 * The best `size` candidates seen, each once: in one group by order key,
 * newest first; across groups by time, then key. A candidate dropped for
 * lack of room and found again is dropped again: its rank does not change.
 */
class TopCandidates {
  private readonly size: number
  private readonly byTime: boolean
  private kept = new Map<string, Candidate>()

  constructor(size: number, byTime: boolean) {
    this.size = size
    this.byTime = byTime
  }

  add(c: Candidate): void {
    if (this.size <= 0) return
    this.kept.set(`${toHex(c.group)}/${toHex(c.message.key)}`, c)
    if (this.kept.size >= 2 * this.size + 64) this.trim()
  }

  /** The kept candidates from `offset` on, best first. */
  page(offset: number): Candidate[] {
    this.trim()
    return [...this.kept.values()].slice(offset)
  }

  private trim(): void {
    const sorted = [...this.kept].sort(([, a], [, b]) => this.rank(a, b)).slice(0, this.size)
    this.kept = new Map(sorted)
  }

  private rank(a: Candidate, b: Candidate): number {
    if (this.byTime && a.message.time !== b.message.time) return b.message.time - a.message.time
    return indexedDB.cmp(b.message.key, a.message.key)
  }
}
