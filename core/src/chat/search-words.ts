/**
 * Words of a search, and whether a text holds them, as every store's word
 * index understands them: each word must appear as the start of a word of
 * the text ("climb" finds "climbing"), case and accents folded ("ECOLE"
 * finds "école"), punctuation ignored. SQLite's FTS5 index (unicode61,
 * remove_diacritics 2) finds candidates; `textHasWords` is the rule core
 * checks each rendered message against (message-search.ts), so every store
 * answers alike, and a message whose current text no longer holds the
 * words (an edit changed it) is not returned.
 */

/** More words than this in one search are refused by those who take searches (a person types a few). */
export const MAX_SEARCH_WORDS = 16

/** The words a person typed: runs of letters, digits and combining marks; everything else separates them. */
export function searchWords(typed: string): string[] {
  return typed.normalize('NFC').match(/[\p{L}\p{N}\p{M}]+/gu) ?? []
}

/** A word as indexes compare it: accents removed, lower case. */
export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
}

/** Whether every word starts some word of `text` (folded alike). */
export function textHasWords(text: string, words: readonly string[]): boolean {
  const tokens = foldWord(text).match(/[\p{L}\p{N}]+/gu) ?? []
  return words.every((w) => {
    const folded = foldWord(w)
    return folded === '' || tokens.some((t) => t.startsWith(folded))
  })
}
