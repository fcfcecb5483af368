/**
 * A measurement, not a benchmark of the suite: how long the SQLite store
 * takes to read the view's last page of a large group (docs/store-backed-log.md,
 * "Opening": a target of ≤ 100 ms to the last 50 messages of a
 * 100,000-message group, of which this read is one part).
 *
 * `node_modules/.bin/node test/bench/view-page.ts [--messages N]`
 *
 * Writes N messages by five authors into a fresh store, with changes in the
 * proportions of test/bench/realistic-group.ts (per message: ~0.2 reactions,
 * ~0.08 edits, ~0.03 deletes, ~0.07 read markers) aimed at random messages, most
 * of them recent; then times, with no hidden range and with one blocked author
 * and one gap: the newest page of 50, a page from the middle, one message, and
 * the registers. Prints the median and the slowest of repeated reads, and the
 * first (cold) read.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type HiddenRange, type Operation, rowsOf, toHex, type ViewRow } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { SeededRandom } from '../fixtures/random.ts'
import { putRows } from '../fixtures/rows-with-entries.ts'

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' } } })
const MESSAGES = Number(values.messages)
const AUTHORS = Array.from({ length: 5 }, (_, i) => toHex(new Uint8Array(32).fill(0x10 * (i + 1))))
const GROUP = new Uint8Array(32).fill(1)
const random = new SeededRandom(13)

const dir = await mkdtemp(join(tmpdir(), 'causette-view-page-'))
const store = await SqliteStore.open(join(dir, 'causette.db'))
try {
  const keys = await write()
  const middle = keys[Math.floor(keys.length / 2)] as { key: Uint8Array; id: Uint8Array }
  const none: HiddenRange[] = []
  const hiding: HiddenRange[] = [
    { author: AUTHORS[4] as string, after: -1, until: Number.POSITIVE_INFINITY },
    { author: AUTHORS[3] as string, after: 1000, until: 3000 }
  ]
  for (const [which, before] of [['newest', undefined] as const, ['middle', middle.key] as const]) {
    const page = await store.messageRows(GROUP, { limit: 50, hidden: none, ...(before === undefined ? {} : { before }) })
    console.log(`the ${which} page: ${page.messages.length} messages, ${page.changes.length} changes; hasOlder ${page.hasOlder}`)
  }
  for (const [what, hidden] of [
    ['no hidden range', none],
    ['one blocked author (1/5 of messages) and one gap', hiding]
  ] as const) {
    console.log(`${what}:`)
    await time('  newest 50 messages', () => store.messageRows(GROUP, { limit: 50, hidden }))
    await time('  50 messages from the middle', () => store.messageRows(GROUP, { limit: 50, hidden, before: middle.key }))
    await time('  one message', () => store.messageRowsById(GROUP, [middle.id], hidden))
    await time('  registers', () => store.registerRows(GROUP, hidden))
  }
} finally {
  await store.close()
  await rm(dir, { recursive: true, force: true })
}

/** Writes the group's rows in batches of 1,000 entries; returns the messages' keys and ids. */
async function write(): Promise<Array<{ key: Uint8Array; id: Uint8Array }>> {
  const started = performance.now()
  const messages: Array<{ key: Uint8Array; id: Uint8Array }> = []
  const seqs = new Map<string, number>()
  let batch: ViewRow[] = []
  let n = 0
  const add = (op: Operation): ViewRow[] => {
    n++
    const id = new Uint8Array(32)
    new DataView(id.buffer).setUint32(0, random.int(2 ** 32))
    new DataView(id.buffer).setUint32(28, n)
    const author = random.pick(AUTHORS)
    const seq = (seqs.get(author) ?? 0) + 1
    seqs.set(author, seq)
    const rows = rowsOf({ id, idHex: toHex(id), authorHex: author, clock: n, seq, time: 1_700_000_000_000 + n * 1000, op, role: 'admin' })
    batch.push(...rows)
    return rows
  }
  /** A message, most often a recent one. */
  const target = (): Uint8Array => {
    const back = random.chance(0.8) ? random.int(Math.min(200, messages.length)) : random.int(messages.length)
    return (messages[messages.length - 1 - back] as { id: Uint8Array }).id
  }
  while (messages.length < MESSAGES) {
    const text = 'x'.repeat(150 + random.int(100))
    const [row] = add({ type: 'message', text }) as [ViewRow & { id: Uint8Array }]
    messages.push({ key: row.key, id: row.id })
    if (random.chance(0.2)) add({ type: 'reaction', target: target(), emoji: random.pick(['👍', '❤️', '😂']), add: random.chance(0.9) })
    if (random.chance(0.08)) add({ type: 'edit', target: target(), text: `${text} (edited)` })
    if (random.chance(0.03)) add({ type: 'delete', target: target() })
    if (random.chance(0.07)) add({ type: 'read', upTo: target() })
    if (batch.length >= 1000) {
      await putRows(store, GROUP, batch)
      batch = []
    }
  }
  await putRows(store, GROUP, batch)
  console.log(`wrote ${n} entries' rows (${MESSAGES} messages) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return messages
}

async function time(what: string, read: () => Promise<unknown>): Promise<void> {
  let start = performance.now()
  await read()
  const cold = performance.now() - start
  const runs: number[] = []
  for (let i = 0; i < 200; i++) {
    start = performance.now()
    await read()
    runs.push(performance.now() - start)
  }
  runs.sort((a, b) => a - b)
  const ms = (x: number): string => `${x.toFixed(2)} ms`
  console.log(`${what}: median ${ms(runs[100] as number)}, slowest ${ms(runs[199] as number)}, first ${ms(cold)}`)
}
