/**
 * The Store conformance suite, reading the view as history and search do
 * (store.ts): forwards from an order key, counting what the reader sees,
 * ids by range (a shortened id), and word-search candidates — by a
 * message's own text or an edit's, case and accents folded, in one group
 * by order or across groups by time, a page at a time. Run by
 * runStoreConformance for every engine.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromHex, type HiddenRange, renderMessages, rowsOf, type Store, toHex, type ViewRow } from '@causette/core'
import { putRows } from '../fixtures/rows-with-entries.ts'
import { AUTHORS, type TestEntry } from '../fixtures/view-entries.ts'
import type { StoreHarness } from './store-conformance.ts'

const GROUP = new Uint8Array(32).fill(1)
const OTHER_GROUP = new Uint8Array(32).fill(2)
const [A, B] = AUTHORS.map(toHex) as [string, string]
const NONE: HiddenRange[] = []

/** A message entry: clock n, written at time `time` (default 1,000,000 + n), with the id byte `idByte` at its start. */
function message(n: number, author: string, text: string, options: { seq?: number; time?: number; idByte?: number } = {}): TestEntry {
  const id = new Uint8Array(32).fill(options.idByte ?? 0xa0)
  new DataView(id.buffer).setUint32(28, n)
  return {
    id,
    idHex: toHex(id),
    authorHex: author,
    clock: n,
    seq: options.seq ?? n,
    time: options.time ?? 1_000_000 + n,
    op: { type: 'message', text },
    role: 'member'
  }
}

function edit(n: number, author: string, target: TestEntry, text: string): TestEntry {
  const e = message(n, author, '')
  return { ...e, op: { type: 'edit', target: target.id, text } }
}

function rows(...entries: TestEntry[]): ViewRow[] {
  return entries.flatMap(rowsOf)
}

const keyOf = (e: TestEntry): Uint8Array => (rowsOf(e)[0] as ViewRow).key

export function runSearchConformance(engine: string, setup: () => Promise<StoreHarness>): void {
  async function withStore(work: (store: Store) => Promise<void>): Promise<void> {
    const h = await setup()
    try {
      await work(h.store)
    } finally {
      await h.cleanup?.()
    }
  }

  /** Texts of the candidates, as `message n` ids name them. */
  async function candidates(store: Store, words: string[], options: { group?: Uint8Array; limit?: number; offset?: number } = {}) {
    const found = await store.searchMessageRows(words, {
      limit: options.limit ?? 10,
      offset: options.offset ?? 0,
      ...(options.group === undefined ? {} : { group: options.group })
    })
    return found.map(({ group, id }) => `${toHex(group).slice(0, 2)}:${new DataView(id.buffer, id.byteOffset).getUint32(28)}`)
  }

  describe(`Store conformance, reading history and search: ${engine}`, () => {
    it('reads messages forwards from an order key, oldest first, leaving out hidden ones, with their changes', () =>
      withStore(async (store) => {
        const m = [message(1, A, 'one'), message(2, B, 'two', { seq: 1 }), message(3, A, 'three'), message(4, A, 'four')]
        await putRows(store, GROUP, rows(...m, edit(5, B, m[2] as TestEntry, 'not the author'), edit(6, A, m[2] as TestEntry, 'three, edited')))
        const first = await store.messageRowsAfter(GROUP, { after: new Uint8Array(0), limit: 2, hidden: NONE })
        assert.deepEqual(
          renderMessages(first).map((x) => x.text),
          ['one', 'two']
        )
        assert.equal(first.hasOlder, false)
        const next = await store.messageRowsAfter(GROUP, { after: keyOf(m[1] as TestEntry), limit: 5, hidden: NONE })
        assert.deepEqual(
          renderMessages(next).map((x) => x.text),
          ['three, edited', 'four']
        )
        const hidingB = [{ author: B, after: 0, until: Number.POSITIVE_INFINITY }]
        assert.deepEqual(
          renderMessages(await store.messageRowsAfter(GROUP, { after: new Uint8Array(0), limit: 5, hidden: hidingB })).map((x) => x.text),
          ['one', 'three, edited', 'four']
        )
        assert.deepEqual((await store.messageRowsAfter(GROUP, { after: keyOf(m[3] as TestEntry), limit: 5, hidden: NONE })).messages, [])
        assert.deepEqual((await store.messageRowsAfter(OTHER_GROUP, { after: new Uint8Array(0), limit: 5, hidden: NONE })).messages, [])
      }))

    it('counts the messages the reader sees, each once however its hidden ranges overlap', () =>
      withStore(async (store) => {
        await putRows(store, GROUP, rows(...Array.from({ length: 6 }, (_, i) => message(i + 1, A, `a${i + 1}`)), message(7, B, 'b', { seq: 1 })))
        await putRows(store, OTHER_GROUP, rows(message(1, A, 'elsewhere')))
        assert.equal(await store.countMessageRows(GROUP, NONE), 7)
        assert.equal(await store.countMessageRows(GROUP, [{ author: A, after: 1, until: 4 }]), 5, 'seqs 2 and 3 hidden')
        const overlapping = [
          { author: A, after: 1, until: 4 },
          { author: A, after: 2, until: 6 },
          { author: B, after: 0, until: Number.POSITIVE_INFINITY }
        ]
        assert.equal(await store.countMessageRows(GROUP, overlapping), 2, 'A seqs 2..5 and B hidden: a1 and a6 seen')
        assert.equal(await store.countMessageRows(OTHER_GROUP, NONE), 1)
      }))

    it('lists message ids in a range, in order, as a shortened id is resolved', () =>
      withStore(async (store) => {
        const m = [message(1, A, 'x', { idByte: 0x12 }), message(2, A, 'y', { idByte: 0x12 }), message(3, A, 'z', { idByte: 0x13 })]
        await putRows(store, GROUP, rows(...m))
        const hex = async (range: { from: Uint8Array; to?: Uint8Array; limit: number }) => (await store.messageIds(GROUP, range)).map(toHex)
        assert.deepEqual(await hex({ from: fromHex('12'), to: fromHex('13'), limit: 5 }), [m[0]?.idHex, m[1]?.idHex])
        assert.deepEqual(await hex({ from: fromHex('12'), to: fromHex('13'), limit: 1 }), [m[0]?.idHex])
        assert.deepEqual(await hex({ from: fromHex('13'), limit: 5 }), [m[2]?.idHex], 'no upper end')
        assert.deepEqual(await hex({ from: fromHex('14'), limit: 5 }), [])
        assert.deepEqual(await store.messageIds(OTHER_GROUP, { from: new Uint8Array(0), limit: 5 }), [])
      }))

    it('finds candidates by a message text or an edit text, every word as the start of a word, case and accents folded', () =>
      withStore(async (store) => {
        const cafe = message(1, A, 'Rendez-vous au Café des Sports')
        const ridge = message(2, B, 'On the ridge at dawn', { seq: 1 })
        const unrelated = message(3, A, 'nothing here')
        await putRows(store, GROUP, rows(cafe, ridge, unrelated, edit(4, A, unrelated, 'Cafeteria closed')))
        assert.deepEqual(await candidates(store, ['cafe']), ['01:3', '01:1'], 'newest first; an edit makes its message a candidate')
        assert.deepEqual(await candidates(store, ['CAFÉ', 'sport']), ['01:1'])
        assert.deepEqual(await candidates(store, ['ridge', 'sport']), [], 'every word')
        assert.deepEqual(await candidates(store, ['idge']), [], 'the start of a word')
        assert.deepEqual(await candidates(store, ['dawn'], { group: OTHER_GROUP }), [])
      }))

    it('orders candidates by key in a group and by time across groups, a page at a time, and forgets a deleted group', () =>
      withStore(async (store) => {
        // clocks and times disagree across groups: the other group's message has the higher key but is older
        await putRows(store, GROUP, rows(message(1, A, 'summit one', { time: 3000 }), message(2, A, 'summit two', { time: 5000 })))
        await putRows(store, OTHER_GROUP, rows(message(9, B, 'summit elsewhere', { seq: 1, time: 4000 })))
        assert.deepEqual(await candidates(store, ['summit']), ['01:2', '02:9', '01:1'], 'by time across groups')
        assert.deepEqual(await candidates(store, ['summit'], { group: GROUP }), ['01:2', '01:1'])
        assert.deepEqual(await candidates(store, ['summit'], { limit: 1, offset: 1 }), ['02:9'])
        assert.deepEqual(await candidates(store, ['summit'], { offset: 3 }), [])
        await store.deleteGroup(GROUP)
        assert.deepEqual(await candidates(store, ['summit']), ['02:9'])
        await putRows(store, GROUP, rows(message(3, A, 'summit again')))
        assert.deepEqual(await candidates(store, ['summit']), ['01:3', '02:9'], 'a group written again is found again')
      }))
  })
}
