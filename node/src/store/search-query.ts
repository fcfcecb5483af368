/**
 * Turns what a person types into a search box into an FTS5 query: every
 * word must appear, each as the start of a word ("climb" finds "climbing"),
 * and nothing typed is read as FTS5 syntax, so quotes, stars, NEAR or a
 * stray parenthesis never make a search fail. Case and accents are folded
 * by the index's tokenizer (schema.ts), so "ECOLE" finds "école".
 */
import { InvalidRequestError } from '../errors.ts'

const MAX_WORDS = 16

export function searchQuery(text: string): string {
  // letters, digits and combining marks: what the unicode61 tokenizer keeps in a token
  const words = text.normalize('NFC').match(/[\p{L}\p{N}\p{M}]+/gu) ?? []
  if (words.length === 0) throw new InvalidRequestError('search for at least one word (letters or digits)')
  if (words.length > MAX_WORDS) throw new InvalidRequestError(`search for at most ${MAX_WORDS} words`)
  return words.map((w) => `"${w}"*`).join(' ')
}
