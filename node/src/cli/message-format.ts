/** How messages, authors, times and suggested commands read in a terminal. */
import { disappearsIn } from '@causette/core/disappearing-words'
import type { AuthorView, MessageView, PollView } from '../api/api-types.ts'

export function formatTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** A name where one is known (with the start of the fingerprint when another member has it too), else the start of the fingerprint. */
export function authorLabel(author: AuthorView | undefined, key: string): string {
  if (author === undefined) return key.slice(0, 8)
  const fingerprint = author.fingerprint.slice(0, 11)
  const label = author.name === undefined ? fingerprint : author.nameShared === true ? `${author.name} (${fingerprint})` : author.name
  return author.you ? `${label} (you)` : label
}

/**
 * One line, `[2026-11-25 11:40] Alice (you): Sunday at 10? (edited) [👍 2]`,
 * marked `📌` when pinned; a poll is its question marked `📊`, then a line
 * per option: `    ▸ 1. Sunday — 2 votes (Alice, Bob)`.
 */
export function formatMessage(m: MessageView, authors: Record<string, AuthorView>): string {
  const deleter = m.deletedBy === undefined ? undefined : authors[m.deletedBy]
  const deleted =
    m.deletedBy === undefined ? '(deleted)' : `(deleted by ${deleter === undefined ? 'a moderator' : authorLabel(deleter, m.deletedBy)})`
  const body = m.deleted ? deleted : `${m.poll === undefined ? '' : '📊 '}${m.text.replaceAll('\n', '\n    ')}`
  const reply = m.replyTo === undefined ? '' : `↪ ${m.replyTo.slice(0, 8)} `
  const pin = m.pinned ? '📌 ' : ''
  const edited = m.edited ? ' (edited)' : ''
  const kind = m.poll === undefined ? '' : ` (poll, ${m.poll.multiple ? 'several choices' : 'one choice'}${m.poll.closed ? ', closed' : ''})`
  const reactions = m.reactions.length === 0 ? '' : ` [${m.reactions.map((r) => `${r.emoji} ${r.authors.length}`).join(', ')}]`
  const toYou = !m.deleted && m.mentions.some((key) => authors[key]?.you === true) ? ' (mentions you)' : ''
  const timer = m.expires === undefined ? '' : ` (disappears ${disappearsIn(m.expires, Date.now())})`
  const files = (m.files ?? []).map((f) => `${body === '' ? '' : ' '}📎 ${f.name} (${fileSize(f.size)})`).join('')
  const line = `[${formatTime(m.time)}] ${authorLabel(authors[m.author], m.author)}: ${pin}${reply}${body}${files}${edited}${kind}${reactions}${toYou}${timer}`
  return m.poll === undefined ? line : [line, ...pollLines(m.poll, authors)].join('\n')
}

/** Each option of a poll, numbered as `causette vote` takes them: `    ▸ 1. Sunday — 2 votes (Alice, Bob)`. */
export function pollLines(poll: PollView, authors: Record<string, AuthorView>): string[] {
  return poll.options.map((o, i) => {
    const voters = o.voters.length === 0 ? '' : ` (${o.voters.map((key) => authorLabel(authors[key], key)).join(', ')})`
    return `    ▸ ${i + 1}. ${o.text} — ${count(o.votes, 'vote')}${voters}`
  })
}

/** A group timer (seconds) in words: "off", "5 minutes", "1 day", "4 weeks". */
export function timerWords(seconds: number): string {
  if (seconds === 0) return 'off'
  for (const [unit, size] of [
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60]
  ] as const) {
    if (seconds % size === 0) return count(seconds / size, unit)
  }
  return count(seconds, 'second')
}

/** A file's size as a person reads it: "812 B", "45.2 kB", "12.3 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

export function shortId(id: string): string {
  return id.slice(0, 12)
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${thousands(n)} ${n === 1 ? one : many}`
}

/**
 * A whole number with a comma between thousands, as `toLocaleString('en-US')`
 * writes it, without ICU's number formatting: that loads ~5 MiB of locale
 * data into the daemon, which prints these counts as it starts.
 */
export function thousands(n: number): string {
  return Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toLocaleString('en-US')
}

/** A word of a command suggested to the person, quoted if a shell would split it. */
export function shellWord(text: string): string {
  return /^[\p{L}\p{N}._:/@-]+$/u.test(text) ? text : JSON.stringify(text)
}

/** Under this device's newest message, once someone has seen it: "seen by Bob", "seen by 2 of 3". */
export function seenLine(seen: { by: readonly string[]; of: number }, authors: Record<string, AuthorView>): string {
  if (seen.by.length <= 2)
    return `seen by ${seen.by.map((k) => authorLabel(authors[k], k)).join(' and ')}${seen.by.length === seen.of ? '' : ` (of ${seen.of})`}`
  return `seen by ${seen.by.length} of ${seen.of}`
}
