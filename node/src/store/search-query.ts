/**
 * What a person types into a search box, as the words of a search (core's
 * chat/search-words.ts): every word must appear, each as the start of a
 * word ("climb" finds "climbing"), case and accents folded ("ECOLE" finds
 * "école"); punctuation only separates words, so quotes, stars or a stray
 * parenthesis never make a search fail.
 */
import { MAX_SEARCH_WORDS, searchWords } from '@causette/core'
import { InvalidRequestError } from '../errors.ts'

export function searchQuery(typed: string): string[] {
  const words = searchWords(typed)
  if (words.length === 0) throw new InvalidRequestError('search for at least one word (letters or digits)')
  if (words.length > MAX_SEARCH_WORDS) throw new InvalidRequestError(`search for at most ${MAX_SEARCH_WORDS} words`)
  return words
}
