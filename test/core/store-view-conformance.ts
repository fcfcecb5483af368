/**
 * The Store conformance suite, view rows (store.ts, "The view as rows"):
 * paging by order key, changes read with their messages, hidden ranges
 * applied by the read, idempotent writes, shown times, registers, polls
 * with their votes and closes, pins, deletion and, for durable engines, a
 * reopen; then random cases checked against GroupView. Run by runStoreConformance for every engine.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type HiddenRange,
  latestPins,
  type Operation,
  readPinned,
  renderMessages,
  renderPage,
  renderRegisters,
  rowsOf,
  type Store,
  toHex,
  type ViewRow
} from '@causette/core'
import { SeededRandom } from '../fixtures/random.ts'
import { putRows } from '../fixtures/rows-with-entries.ts'
import { assertSameView } from '../fixtures/view-compare.ts'
import { AUTHORS, buildCase, hidingOf, randomHidingSpecs, randomSpecs, type TestEntry } from '../fixtures/view-entries.ts'
import type { StoreHarness } from './store-conformance.ts'

const GROUP = new Uint8Array(32).fill(1)
const OTHER_GROUP = new Uint8Array(32).fill(2)
const [A, B, C] = AUTHORS.map(toHex) as [string, string, string]
const NONE: HiddenRange[] = []

/** Entries written one after another (clock = position), each author's seqs counted from 1. */
class Script {
  readonly entries: TestEntry[] = []
  private readonly seqs = new Map<string, number>()

  add(author: string, op: Operation, role = 'member'): TestEntry {
    const n = this.entries.length + 1
    const id = new Uint8Array(32).fill(0xa0)
    new DataView(id.buffer).setUint32(28, n)
    const seq = (this.seqs.get(author) ?? 0) + 1
    this.seqs.set(author, seq)
    const e: TestEntry = { id, idHex: toHex(id), authorHex: author, clock: n, seq, time: 1_000_000 + n, op, role }
    this.entries.push(e)
    return e
  }

  message(author: string, text: string): TestEntry {
    return this.add(author, { type: 'message', text })
  }

  rows(): ViewRow[] {
    return this.entries.flatMap(rowsOf)
  }
}

/** Texts of a page, newest last. */
async function texts(store: Store, options: { before?: Uint8Array; limit: number; hidden?: HiddenRange[] }) {
  const rows = await store.messageRows(GROUP, { hidden: NONE, ...options })
  return { texts: renderMessages(rows).map((m) => m.text), hasOlder: rows.hasOlder, rows }
}

function keyOf(e: TestEntry): Uint8Array {
  return (rowsOf(e)[0] as ViewRow).key
}

export function runViewConformance(engine: string, setup: () => Promise<StoreHarness>): void {
  async function withStore(work: (store: Store, h: StoreHarness) => Promise<void>): Promise<void> {
    const h = await setup()
    try {
      await work(h.store, h)
    } finally {
      await h.cleanup?.()
    }
  }

  describe(`Store conformance, view rows: ${engine}`, () => {
    it('pages messages newest last, before an order key, saying whether older ones exist', () =>
      withStore(async (store) => {
        const s = new Script()
        const m = Array.from({ length: 7 }, (_, i) => s.message(i % 2 === 0 ? A : B, `m${i}`))
        // written newest first: the store orders them
        await putRows(store, GROUP, s.rows().reverse())
        assert.deepEqual(await texts(store, { limit: 3 }).then((p) => [p.texts, p.hasOlder]), [['m4', 'm5', 'm6'], true])
        const older = await texts(store, { limit: 3, before: keyOf(m[4] as TestEntry) })
        assert.deepEqual([older.texts, older.hasOlder], [['m1', 'm2', 'm3'], true])
        const oldest = await texts(store, { limit: 3, before: keyOf(m[1] as TestEntry) })
        assert.deepEqual([oldest.texts, oldest.hasOlder], [['m0'], false])
        assert.deepEqual((await texts(store, { limit: 7 })).hasOlder, false, 'exactly all: nothing older')
        assert.deepEqual((await texts(store, { limit: 0 })).hasOlder, true)
        assert.deepEqual(await store.messageRows(OTHER_GROUP, { limit: 5, hidden: NONE }), { messages: [], changes: [], hasOlder: false })
      }))

    it("reads with a page only the changes naming the page's messages", () =>
      withStore(async (store) => {
        const s = new Script()
        const old = s.message(A, 'old')
        const recent = s.message(A, 'recent')
        s.add(A, { type: 'edit', target: old.id, text: 'old, edited' })
        s.add(B, { type: 'reaction', target: old.id, emoji: '👍', add: true })
        s.add(B, { type: 'reaction', target: recent.id, emoji: '🎉', add: true })
        s.add(A, { type: 'edit', target: recent.id, text: 'recent, edited' })
        s.add(C, { type: 'delete', target: new Uint8Array(32).fill(9) })
        await putRows(store, GROUP, s.rows())
        const page = await texts(store, { limit: 1 })
        assert.deepEqual(page.texts, ['recent, edited'])
        assert.deepEqual(page.rows.changes.map((c) => c.kind).sort(), ['edit', 'reaction'])
        assert.ok(page.rows.changes.every((c) => toHex(c.target) === recent.idHex))
        const [one] = renderMessages(await store.messageRowsById(GROUP, [old.id], NONE))
        assert.deepEqual([one?.text, one?.reactions], ['old, edited', [{ emoji: '👍', authors: [B] }]])
      }))

    it('reads many messages by id at once: in log order, each once, leaving out what is not held or hidden', () =>
      withStore(async (store) => {
        const s = new Script()
        const m = Array.from({ length: 6 }, (_, i) => s.message(i < 3 ? A : B, `m${i}`))
        s.add(B, { type: 'edit', target: (m[4] as TestEntry).id, text: 'm4, edited' })
        s.add(B, { type: 'reaction', target: (m[1] as TestEntry).id, emoji: '👍', add: true })
        s.add(A, { type: 'reaction', target: (m[2] as TestEntry).id, emoji: '🎉', add: true })
        await putRows(store, GROUP, s.rows())
        const [m0, m1, m2, m3, m4] = m as [TestEntry, TestEntry, TestEntry, TestEntry, TestEntry]
        const unknown = new Uint8Array(32).fill(7)
        // asked out of order, one twice, one never written
        const ids = [m4.id, unknown, m1.id, m4.id, m0.id, m3.id]
        const hidden: HiddenRange[] = [{ author: B, after: 0, until: 2 }] // B's first message, m3
        const rows = await store.messageRowsById(GROUP, ids, hidden)
        const shown = renderMessages(rows)
        assert.deepEqual(
          shown.map((x) => [x.text, x.reactions.length]),
          [
            ['m0', 0],
            ['m1', 1],
            ['m4, edited', 0]
          ]
        )
        assert.equal(rows.hasOlder, false)
        // the changes read are those naming the messages read: not m2's reaction
        assert.ok(rows.changes.every((c) => [m1.idHex, m4.idHex].includes(toHex(c.target))))
        assert.equal(rows.changes.length, 2)
        assert.deepEqual(await store.messageRowsById(GROUP, [], NONE), { messages: [], changes: [], hasOlder: false })
        assert.deepEqual(await store.messageRowsById(OTHER_GROUP, [m0.id, m2.id], NONE), { messages: [], changes: [], hasOlder: false })
      }))

    it('leaves out what hidden ranges cover, messages and changes alike, without rewriting rows', () =>
      withStore(async (store) => {
        const s = new Script()
        const a1 = s.message(A, 'a1') // A seq 1
        s.message(B, 'b1') // B seq 1
        const a2 = s.message(A, 'a2') // A seq 2: in A's gap
        s.add(A, { type: 'edit', target: a1.id, text: 'a1 edited in the gap' }) // A seq 3: in the gap
        s.add(A, { type: 'reaction', target: a1.id, emoji: '👍', add: true }) // A seq 4: after it
        s.add(C, { type: 'delete', target: a1.id }, 'admin') // C is blocked
        s.message(C, 'c1')
        await putRows(store, GROUP, s.rows())
        const hidden: HiddenRange[] = [
          { author: A, after: 1, until: 4 },
          { author: C, after: -1, until: Number.POSITIVE_INFINITY }
        ]
        const page = await store.messageRows(GROUP, { limit: 10, hidden })
        assert.deepEqual(
          renderPage(page).messages.map((m) => [m.text, m.deleted, m.reactions.length]),
          [
            ['a1', false, 1],
            ['b1', false, 0]
          ]
        )
        assert.deepEqual((await store.messageRows(GROUP, { limit: 1, hidden })).hasOlder, true, 'hasOlder counts visible messages only')
        assert.deepEqual((await store.messageRowsById(GROUP, [a2.id], hidden)).messages, [])
        // the same rows, read without hiding: everything is back
        assert.deepEqual(
          renderMessages(await store.messageRows(GROUP, { limit: 10, hidden: NONE })).map((m) => [m.text, m.deleted]),
          [
            ['', true],
            ['b1', false],
            ['a2', false],
            ['c1', false]
          ]
        )
      }))

    it('keeps one row for a row written twice', () =>
      withStore(async (store) => {
        const s = new Script()
        const m = s.message(A, 'once')
        s.add(B, { type: 'reaction', target: m.id, emoji: '👍', add: true })
        s.add(A, { type: 'metadata', topic: 'Crags' }, 'admin')
        await putRows(store, GROUP, s.rows())
        await putRows(store, GROUP, [...s.rows(), ...s.rows()])
        const page = await store.messageRows(GROUP, { limit: 10, hidden: NONE })
        assert.deepEqual([page.messages.length, page.changes.length], [1, 1])
        assert.deepEqual(renderMessages(page)[0]?.reactions, [{ emoji: '👍', authors: [B] }])
        assert.equal(renderRegisters(await store.registerRows(GROUP, NONE)).metadata.topic, 'Crags')
      }))

    it('sets shown times of held messages', () =>
      withStore(async (store) => {
        const s = new Script()
        const m = s.message(A, 'from a clock ahead')
        await putRows(store, GROUP, s.rows())
        await store.setShownTimes(GROUP, [
          { id: m.id, shownTime: m.time - 500 },
          { id: new Uint8Array(32).fill(3), shownTime: 1 }
        ])
        const [shown] = renderMessages(await store.messageRowsById(GROUP, [m.id], NONE))
        assert.deepEqual([shown?.time, shown?.claimedTime], [m.time - 500, m.time])
      }))

    it('keeps the files a message carries, and a disappearing message its deadline', () =>
      withStore(async (store) => {
        const s = new Script()
        const file = {
          name: 'topo.pdf',
          type: 'application/pdf',
          size: 1_234_567,
          root: new Uint8Array(32).fill(5),
          key: new Uint8Array(32).fill(6),
          thumb: new Uint8Array([1, 2, 3]),
          width: 800,
          height: 600
        }
        const m = s.add(A, { type: 'message', text: 'the topo', files: [file, { ...file, name: 'b.txt', type: '', thumb: undefined as never }] })
        const timed = { ...s.message(B, 'soon gone'), expires: 2_000_000_000_000 }
        await putRows(store, GROUP, [...rowsOf(m), ...rowsOf(timed)])
        const [shown] = renderMessages(await store.messageRowsById(GROUP, [m.id], NONE))
        assert.deepEqual(shown?.files, [
          {
            name: 'topo.pdf',
            type: 'application/pdf',
            size: 1_234_567,
            root: '05'.repeat(32),
            key: '06'.repeat(32),
            thumb: 'AQID',
            width: 800,
            height: 600
          },
          { name: 'b.txt', type: '', size: 1_234_567, root: '05'.repeat(32), key: '06'.repeat(32), width: 800, height: 600 }
        ])
        const [gone] = renderMessages(await store.messageRowsById(GROUP, [timed.id], NONE))
        assert.equal(gone?.expires, 2_000_000_000_000)
      }))

    it('keeps the person of a linked device’s rows: that person’s other device edits and deletes the message, no one else does', () =>
      withStore(async (store) => {
        const s = new Script()
        // A's laptop is device C, linked as A: its rows carry A as their person
        const asA = (e: TestEntry): TestEntry => Object.assign(e, { person: A })
        const first = s.message(A, 'written on the phone')
        const second = asA(s.message(C, 'written on the laptop'))
        const byLaptop = asA(s.add(C, { type: 'edit', target: first.id, text: 'edited on the laptop' }))
        s.add(A, { type: 'edit', target: second.id, text: 'edited on the phone' })
        s.add(B, { type: 'edit', target: second.id, text: 'Bob may not' })
        const third = s.message(A, 'deleted from the laptop')
        asA(s.add(C, { type: 'delete', target: third.id }))
        await putRows(store, GROUP, s.rows())
        const shown = renderMessages(await store.messageRows(GROUP, { hidden: NONE, limit: 10 }))
        assert.deepEqual(
          shown.map((m) => [m.text, m.edited, m.deleted, m.deletedBy]),
          [
            ['edited on the laptop', true, false, undefined],
            ['edited on the phone', true, false, undefined],
            ['', false, true, undefined]
          ]
        )
        assert.equal(byLaptop.person, A)
      }))

    it('keeps the person of a linked device’s reactions, votes and closes: one register per person', () =>
      withStore(async (store) => {
        const s = new Script()
        const asA = (e: TestEntry): TestEntry => Object.assign(e, { person: A })
        const hello = s.message(B, 'lunch?')
        const poll = asA(s.add(C, { type: 'message', text: 'Where?', poll: { options: ['Crags', 'Gym'], multiple: false } }))
        s.add(A, { type: 'reaction', target: hello.id, emoji: '👍', add: true })
        asA(s.add(C, { type: 'reaction', target: hello.id, emoji: '👍', add: true }))
        s.add(B, { type: 'reaction', target: hello.id, emoji: '👍', add: true })
        s.add(A, { type: 'reaction', target: poll.id, emoji: '🎉', add: true })
        asA(s.add(C, { type: 'reaction', target: poll.id, emoji: '🎉', add: false }))
        s.add(A, { type: 'vote', poll: poll.id, choices: [0] })
        asA(s.add(C, { type: 'vote', poll: poll.id, choices: [1] }))
        s.add(A, { type: 'close-poll', poll: poll.id })
        await putRows(store, GROUP, s.rows())
        const [lunch, where] = renderMessages(await store.messageRows(GROUP, { hidden: NONE, limit: 10 }))
        assert.deepEqual(lunch?.reactions, [{ emoji: '👍', authors: [A, B] }], 'A’s thumbs from two devices count once, as A')
        assert.deepEqual(where?.reactions, [], 'added on one device, taken back on the other')
        assert.deepEqual(
          where?.poll?.options.map((o) => o.voters),
          [[], [A]],
          'the later vote, from the other device, replaced the first'
        )
        assert.equal(where?.poll?.closed, true, 'closed by its author from another device')
      }))

    it('reads registers under hidden ranges, display names never hidden', () =>
      withStore(async (store) => {
        const s = new Script()
        const m = s.message(B, 'hello')
        s.add(A, { type: 'metadata', name: 'Climbers', topic: 'Crags' }, 'admin')
        s.add(B, { type: 'profile', displayName: 'Bea' })
        s.add(B, { type: 'read', upTo: m.id })
        s.add(A, { type: 'metadata', topic: 'Boulders', disappearing: 3600 }, 'admin') // A seq 2: hidden below
        s.add(B, { type: 'profile', displayName: 'Bea (blocked)' })
        s.add(B, { type: 'read', upTo: new Uint8Array(32).fill(4) })
        s.add(C, { type: 'metadata', name: 'Not an admin' })
        await putRows(store, GROUP, s.rows())
        const hidden: HiddenRange[] = [
          { author: A, after: 1, until: Number.POSITIVE_INFINITY },
          { author: B, after: -1, until: Number.POSITIVE_INFINITY }
        ]
        const shown = renderRegisters(await store.registerRows(GROUP, hidden))
        assert.deepEqual(shown.metadata, { name: 'Climbers', topic: 'Crags', description: '', disappearing: 0 })
        assert.deepEqual([...shown.displayNames], [[B, 'Bea (blocked)']])
        assert.deepEqual(shown.readMarkers.size, 0)
        const all = renderRegisters(await store.registerRows(GROUP, NONE))
        assert.deepEqual(all.metadata, { name: 'Climbers', topic: 'Boulders', description: '', disappearing: 3600 })
        assert.deepEqual([...all.readMarkers], [[B, toHex(new Uint8Array(32).fill(4))]])
        assert.deepEqual(await store.registerRows(OTHER_GROUP, NONE), [])
      }))

    it('keeps a poll with its votes and closes, read with the poll as any change is', () =>
      withStore(async (store, h) => {
        const s = new Script()
        const poll = s.add(A, { type: 'message', text: 'Where?', poll: { options: ['Crags', 'Gym', 'Pub'], multiple: false } })
        s.add(B, { type: 'vote', poll: poll.id, choices: [0] })
        s.add(C, { type: 'vote', poll: poll.id, choices: [1] })
        s.add(B, { type: 'vote', poll: poll.id, choices: [2] }) // B changes their vote
        s.add(C, { type: 'vote', poll: poll.id, choices: [0, 1] }) // several on a single-choice poll: counts for nothing
        s.add(C, { type: 'close-poll', poll: poll.id }) // not the author, not an admin: closes nothing
        s.add(A, { type: 'close-poll', poll: poll.id })
        s.add(A, { type: 'vote', poll: poll.id, choices: [0] }) // after the close
        await putRows(store, GROUP, s.rows())
        const shown = async (from: Store) => renderMessages(await from.messageRowsById(GROUP, [poll.id], NONE))[0]?.poll
        const expected = {
          options: [
            { text: 'Crags', votes: 0, voters: [] },
            { text: 'Gym', votes: 1, voters: [C] },
            { text: 'Pub', votes: 1, voters: [B] }
          ],
          multiple: false,
          closed: true,
          closedBy: A
        }
        assert.deepEqual(await shown(store), expected)
        assert.deepEqual(renderMessages(await store.messageRows(GROUP, { limit: 1, hidden: NONE }))[0]?.poll, expected, 'the same in a page')
        // C hidden: C's vote and C's close are left out with the rest of C's entries
        const withoutC = renderMessages(await store.messageRowsById(GROUP, [poll.id], [{ author: C, after: -1, until: Number.POSITIVE_INFINITY }]))
        assert.deepEqual(
          withoutC[0]?.poll?.options.map((o) => o.voters),
          [[], [], [B]]
        )
        if (h.reopen !== undefined) assert.deepEqual(await shown(await h.reopen()), expected, 'kept across a reopen')
      }))

    it('lists the latest pin of each message, newest first, from moderators and admins only, under hidden ranges', () =>
      withStore(async (store, h) => {
        const s = new Script()
        const [m1, m2, m3, m4] = ['first', 'second', 'third', 'fourth'].map((t) => s.message(C, t)) as [TestEntry, TestEntry, TestEntry, TestEntry]
        s.add(B, { type: 'pin', target: m1.id, pinned: true }, 'moderator')
        s.add(A, { type: 'pin', target: m2.id, pinned: true }, 'admin')
        s.add(C, { type: 'pin', target: m3.id, pinned: true }) // a member: makes no row at all
        s.add(A, { type: 'pin', target: m4.id, pinned: true }, 'admin')
        s.add(B, { type: 'pin', target: m4.id, pinned: false }, 'moderator') // unpinned again
        s.add(A, { type: 'pin', target: m1.id, pinned: true }, 'admin') // pinned again, by A: now the latest pin
        s.add(B, { type: 'pin', target: new Uint8Array(32).fill(8), pinned: true }, 'moderator') // a message not held
        await putRows(store, GROUP, s.rows())
        const pinned = async (from: Store, hidden = NONE) => (await readPinned(from, GROUP, hidden)).map((m) => [m.text, m.pinnedBy])
        assert.deepEqual(await pinned(store), [
          ['first', A],
          ['second', A]
        ])
        const rows = await store.pinRows(GROUP, NONE)
        assert.ok(
          rows.every((r) => r.kind === 'pin'),
          'pin rows only'
        )
        // the latest pin first, the one naming a message not held too: readPinned leaves that out
        assert.deepEqual(
          latestPins(rows).map((p) => p.target),
          [toHex(new Uint8Array(32).fill(8)), m1.idHex, m2.idHex]
        )
        const [third] = renderMessages(await store.messageRowsById(GROUP, [m3.id], NONE))
        assert.deepEqual([third?.pinned, third?.pinnedBy], [false, undefined], "a member's pin counts for nothing")
        // A hidden from seq 1 on: only B's pins count, and B unpinned m4
        assert.deepEqual(await pinned(store, [{ author: A, after: 0, until: Number.POSITIVE_INFINITY }]), [['first', B]])
        assert.deepEqual(await store.pinRows(OTHER_GROUP, NONE), [])
        if (h.reopen !== undefined)
          assert.deepEqual(
            await pinned(await h.reopen()),
            [
              ['first', A],
              ['second', A]
            ],
            'kept across a reopen'
          )
      }))

    it('lists no deleted message as pinned', () =>
      withStore(async (store) => {
        const s = new Script()
        const kept = s.message(A, 'kept')
        const gone = s.message(B, 'gone')
        s.add(A, { type: 'pin', target: kept.id, pinned: true }, 'admin')
        s.add(A, { type: 'pin', target: gone.id, pinned: true }, 'admin')
        s.add(B, { type: 'delete', target: gone.id })
        await putRows(store, GROUP, s.rows())
        assert.deepEqual(
          (await readPinned(store, GROUP, NONE)).map((m) => m.text),
          ['kept']
        )
        const [deleted] = renderMessages(await store.messageRowsById(GROUP, [gone.id], NONE))
        assert.deepEqual([deleted?.deleted, deleted?.pinned], [true, false])
      }))

    it("deletes a group's view rows with the group, and no other group's", () =>
      withStore(async (store) => {
        const s = new Script()
        const m = s.message(A, 'gone')
        s.add(B, { type: 'reaction', target: m.id, emoji: '👍', add: true })
        s.add(B, { type: 'profile', displayName: 'Bea' })
        await putRows(store, GROUP, s.rows())
        await putRows(store, OTHER_GROUP, s.rows())
        await store.deleteGroup(GROUP)
        assert.deepEqual(await store.messageRows(GROUP, { limit: 10, hidden: NONE }), { messages: [], changes: [], hasOlder: false })
        assert.deepEqual(await store.messageRowsById(GROUP, [m.id], NONE), { messages: [], changes: [], hasOlder: false })
        assert.deepEqual(await store.registerRows(GROUP, NONE), [])
        assert.equal(await store.countMessageRows(GROUP, NONE), 0)
        // written again, the message has none of its old changes, and counts once
        await putRows(store, GROUP, s.rows().slice(0, 1))
        assert.deepEqual((await store.messageRowsById(GROUP, [m.id], NONE)).changes, [])
        assert.equal(await store.countMessageRows(GROUP, NONE), 1)
        assert.equal((await store.messageRows(OTHER_GROUP, { limit: 10, hidden: NONE })).changes.length, 1)
      }))

    it('keeps view rows across a reopen', async (t) => {
      const h = await setup()
      try {
        if (h.reopen === undefined) {
          t.diagnostic(`${engine} keeps nothing across a reopen by design`)
          return
        }
        const s = new Script()
        const m = s.message(A, 'durable')
        s.add(A, { type: 'edit', target: m.id, text: 'durable, edited' })
        s.add(B, { type: 'profile', displayName: 'Bea' })
        await putRows(h.store, GROUP, s.rows())
        await h.store.setShownTimes(GROUP, [{ id: m.id, shownTime: 5 }])
        const reopened = await h.reopen()
        const [shown] = renderMessages(await reopened.messageRows(GROUP, { limit: 10, hidden: NONE }))
        assert.deepEqual([shown?.text, shown?.time], ['durable, edited', 5])
        assert.deepEqual([...renderRegisters(await reopened.registerRows(GROUP, NONE)).displayNames], [[B, 'Bea']])
      } finally {
        await h.cleanup?.()
      }
    })

    it('renders random cases as GroupView does', async () => {
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const random = new SeededRandom(seed)
        const h = await setup()
        try {
          const entries = buildCase(randomSpecs(random, 20 + random.int(60)))
          await assertSameView(h.store, GROUP, entries, hidingOf(randomHidingSpecs(random)), random)
        } finally {
          await h.cleanup?.()
        }
      }
    })
  })
}
