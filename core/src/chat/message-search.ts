/**
 * Searching messages by words, in one group or in all: the store finds
 * candidates with its word index (Store.searchMessageRows: messages whose
 * text, or an edit of which, holds the words), and each candidate is
 * rendered by its group's view and kept only if what the reader sees holds
 * the words — not hidden, not deleted, its current text (after edits)
 * matching (search-words.ts). Candidates are read in rounds, each twice the
 * last, so that a search still fills its page when many candidates fail the
 * check; the rounds are bounded, so a search where nearly every candidate
 * fails may return fewer than it could.
 *
 * ```ts
 * const hits = await searchMessages(store, ['sunday'], { limit: 20 }, (groupId) => peer.group(groupId).view)
 * ```
 */
import { toHex } from '../codec/hex.ts'
import type { Store } from '../store/store.ts'
import { textHasWords } from './search-words.ts'
import type { KeyedMessage, StoredView } from './stored-view.ts'

/** Rounds of candidates a search reads at most. */
const MAX_ROUNDS = 6

export interface SearchHit extends KeyedMessage {
  /** Hex id of the message's group. */
  groupId: string
}

export interface SearchOptions {
  /** One group (its id); all groups when absent. */
  group?: Uint8Array
  limit: number
}

/**
 * The newest `limit` messages holding every word, newest first: in one
 * group by order, across groups by time. `viewOf` gives the view of an open
 * group by hex id; candidates of groups it does not know are left out.
 */
export async function searchMessages(
  store: Pick<Store, 'searchMessageRows'>,
  words: readonly string[],
  options: SearchOptions,
  viewOf: (groupId: string) => Pick<StoredView, 'keyedMessage'> | undefined
): Promise<SearchHit[]> {
  const hits: SearchHit[] = []
  const seen = new Set<string>()
  let offset = 0
  let batch = Math.max(2 * options.limit, 32)
  for (let round = 0; round < MAX_ROUNDS && hits.length < options.limit; round++) {
    const candidates = await store.searchMessageRows(words, {
      limit: batch,
      offset,
      ...(options.group === undefined ? {} : { group: options.group })
    })
    for (const { group, id } of candidates) {
      const groupId = toHex(group)
      const idHex = toHex(id)
      if (seen.has(`${groupId}/${idHex}`)) continue
      seen.add(`${groupId}/${idHex}`)
      const found = await viewOf(groupId)?.keyedMessage(idHex)
      if (found === undefined || found.message.deleted || !textHasWords(found.message.text, words)) continue
      hits.push({ groupId, ...found })
      if (hits.length === options.limit) break
    }
    if (candidates.length < batch) break
    offset += batch
    batch *= 2
  }
  return hits
}
