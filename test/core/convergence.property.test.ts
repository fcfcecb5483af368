import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type GroupLog, type Message, type Operation, toHex } from '@causette/core'
import fc from 'fast-check'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { SeededRandom } from '../fixtures/random.ts'
import { fromTemplate, type GroupTemplate, groupTemplate, merge, openReplica, type Replica } from '../fixtures/replicas.ts'

const WRITERS = 3
const EMOJI = ['👍', '❤️', '😂']
const RUNS = 1000

type Kind =
  | 'message'
  | 'reply'
  | 'edit'
  | 'delete'
  | 'react'
  | 'unreact'
  | 'metadata'
  | 'read'
  | 'pin'
  | 'unpin'
  | 'poll'
  | 'vote'
  | 'close'
  | 'merge'
interface Action {
  writer: number
  kind: Kind
  pick: number
}

const action = fc.record({
  writer: fc.nat({ max: WRITERS - 1 }),
  kind: fc.constantFrom<Kind>(
    'message',
    'message',
    'reply',
    'edit',
    'delete',
    'react',
    'unreact',
    'metadata',
    'read',
    'pin',
    'unpin',
    'poll',
    'vote',
    'vote',
    'vote',
    'close',
    'merge',
    'merge'
  ),
  pick: fc.nat({ max: 1000 })
})

/** The writers' group before any script: built once, each run starting from a copy (fromTemplate). */
let template: Promise<GroupTemplate> | undefined
const moderatedGroup = (): Promise<GroupTemplate> =>
  (template ??= groupTemplate(WRITERS, async (writers) => {
    await (writers[0] as Replica).log.setRole(toHex((writers[1] as Replica).key.publicKey), 'moderator')
  }))

/**
 * Runs a script of writes and merges on the writers — writer 0 the group's
 * admin, writer 1 a moderator, writer 2 a member — and returns every entry
 * written. Votes and closes name a poll the writer sees, when there is one.
 * Nothing checks what is written: members' pins, votes for options a poll
 * lacks and closes by others are written as a modified client would.
 */
async function play(script: Action[]): Promise<{ writers: Replica[]; all: Uint8Array[] }> {
  const writers = await fromTemplate(await moderatedGroup())
  let n = 0
  for (const a of script) {
    const w = writers[a.writer] as Replica
    const messages = (await w.log.view.messages()).messages
    const polls = messages.filter((m) => m.poll !== undefined)
    const pool = (a.kind === 'vote' || a.kind === 'close') && polls.length > 0 ? polls : messages
    const target = pool.length > 0 ? hexToBytes((pool[a.pick % pool.length] as Message).id) : undefined
    const op = operationFor(a, n++, target, writers)
    if (op === 'merge') await merge(writers[a.pick % WRITERS] as Replica, w)
    else if (op !== undefined) await w.log.append(op)
  }
  const all = new Map<string, Uint8Array>()
  for (const w of writers) for (const bytes of await entryBytes(w.log)) all.set(toHex(bytes), bytes)
  return { writers, all: [...all.values()] }
}

function operationFor(a: Action, n: number, target: Uint8Array | undefined, writers: Replica[]): Operation | 'merge' | undefined {
  switch (a.kind) {
    case 'merge':
      return 'merge'
    case 'message':
      return { type: 'message', text: `message ${n}`, mentions: [(writers[a.pick % WRITERS] as Replica).key.publicKey] }
    case 'reply':
      return target === undefined ? undefined : { type: 'message', text: `reply ${n}`, replyTo: target }
    case 'edit':
      return target === undefined ? undefined : { type: 'edit', target, text: `edit ${n}` }
    case 'delete':
      return target === undefined ? undefined : { type: 'delete', target }
    case 'react':
    case 'unreact':
      return target === undefined ? undefined : { type: 'reaction', target, emoji: EMOJI[a.pick % EMOJI.length] as string, add: a.kind === 'react' }
    case 'metadata':
      return a.pick % 2 === 0 ? { type: 'metadata', name: `name ${n}` } : { type: 'metadata', topic: `topic ${n}` }
    case 'read':
      return target === undefined ? undefined : { type: 'read', upTo: target }
    case 'pin':
    case 'unpin':
      return target === undefined ? undefined : { type: 'pin', target, pinned: a.kind === 'pin' }
    case 'poll':
      return { type: 'message', text: `poll ${n}`, poll: { options: ['a', 'b', 'c'].slice(0, 2 + (a.pick % 2)), multiple: a.pick % 3 === 0 } }
    case 'vote': {
      // none (a withdrawal), one or two of the first four options: some a poll lacks, some too many for a single choice
      const choices = [...new Set([a.pick % 4, (a.pick >> 2) % 4].slice(0, a.pick % 3))].sort()
      return target === undefined ? undefined : { type: 'vote', poll: target, choices }
    }
    case 'close':
      return target === undefined ? undefined : { type: 'close-poll', poll: target }
  }
}

/** Delivers the entries shuffled, with duplicates, in batches of random sizes. */
async function deliver(log: GroupLog, entries: Uint8Array[], random: SeededRandom): Promise<void> {
  const stream = random.shuffle([...entries, ...entries.filter(() => random.chance(0.3))])
  while (stream.length > 0) {
    const batch = stream.splice(0, 1 + random.int(6))
    const result = await log.add(batch)
    assert.deepEqual(result.rejected, [], 'no honest entry is rejected')
  }
}

interface Folded extends Message {
  reactionLog: Map<string, { add: boolean; at: number; emoji: string; author: string }>
  pinAt: number
  spec?: { options: string[]; multiple: boolean }
  ballots: Map<string, { choices: number[]; at: number }>
}

/**
 * An independent oracle: sort the entries by (clock, author, id) and fold the
 * operations naively; later in the order overwrites, deletes (by the author,
 * a moderator or an admin) win, and a deletion by someone other than the
 * author names them; pins by a moderator or an admin; a poll takes each
 * member's latest vote that names only options it has (one, unless
 * multiple choice) until its author or an admin closes it.
 */
async function oracle(log: GroupLog): Promise<{ messages: Message[]; pinned: string[] }> {
  const sorted = [...(await logEntries(log))].sort((a, b) =>
    a.clock !== b.clock ? a.clock - b.clock : a.authorHex < b.authorHex ? -1 : a.authorHex > b.authorHex ? 1 : a.idHex < b.idHex ? -1 : 1
  )
  const messages = new Map<string, Folded>()
  sorted.forEach((e, position) => {
    const op = e.op
    assert.ok(op !== undefined, 'every entry of this group is readable')
    if (op.type === 'message') {
      messages.set(e.idHex, {
        id: e.idHex,
        author: e.authorHex,
        time: e.time,
        text: op.text,
        edited: false,
        deleted: false,
        mentions: (op.mentions ?? []).map(toHex),
        reactions: [],
        reactionLog: new Map(),
        pinned: false,
        pinAt: -1,
        ballots: new Map(),
        ...(op.replyTo === undefined ? {} : { replyTo: toHex(op.replyTo) }),
        ...(op.poll === undefined ? {} : { spec: op.poll })
      })
      return
    }
    const moderates = e.role === 'admin' || e.role === 'moderator'
    if (op.type === 'vote' || op.type === 'close-poll') {
      const poll = messages.get(toHex(op.poll))
      assert.ok(poll !== undefined, 'a poll always precedes what acts on it')
      if (poll.spec === undefined || poll.poll?.closed === true) return
      if (op.type === 'close-poll') {
        if (e.authorHex === poll.author || e.role === 'admin')
          poll.poll = { options: [], multiple: poll.spec.multiple, closed: true, closedBy: e.authorHex }
        return
      }
      const options = poll.spec.options.length
      if (op.choices.every((c) => c < options) && (poll.spec.multiple || op.choices.length <= 1)) {
        poll.ballots.set(e.authorHex, { choices: op.choices, at: position })
      }
      return
    }
    if (op.type !== 'edit' && op.type !== 'delete' && op.type !== 'reaction' && op.type !== 'pin') return
    const m = messages.get(toHex(op.target))
    assert.ok(m !== undefined, 'a target always precedes what acts on it')
    if (op.type === 'edit' && e.authorHex === m.author && !m.deleted) {
      m.text = op.text
      m.edited = true
    } else if (op.type === 'delete' && (e.authorHex === m.author || e.role === 'admin' || e.role === 'moderator')) {
      m.deleted = true
      m.edited = false
      m.text = ''
      // the latest deletion says who: someone other than the author is named
      if (e.authorHex === m.author) delete m.deletedBy
      else m.deletedBy = e.authorHex
    } else if (op.type === 'reaction') {
      m.reactionLog.set(`${e.authorHex}/${op.emoji}`, { add: op.add, at: position, emoji: op.emoji, author: e.authorHex })
    } else if (op.type === 'pin' && moderates) {
      m.pinned = op.pinned
      m.pinAt = position
      if (op.pinned) m.pinnedBy = e.authorHex
      else delete m.pinnedBy
    }
  })
  const folded = [...messages.values()]
  const rendered = folded.map(({ reactionLog, pinAt: _pinAt, spec, ballots, ...m }) => {
    const present = [...reactionLog.values()].filter((r) => r.add).sort((a, b) => a.at - b.at)
    const byEmoji = new Map<string, string[]>()
    for (const r of present) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.author])
    const message: Message = { ...m, reactions: m.deleted ? [] : [...byEmoji].map(([emoji, authors]) => ({ emoji, authors })) }
    if (m.deleted) {
      message.pinned = false
      delete message.pinnedBy
      delete message.poll
    } else if (spec !== undefined) {
      const counted = [...ballots].sort(([, a], [, b]) => a.at - b.at)
      const options = spec.options.map((text, i) => {
        const voters = counted.filter(([, b]) => b.choices.includes(i)).map(([author]) => author)
        return { text, votes: voters.length, voters }
      })
      message.poll = { ...(m.poll ?? { closed: false }), options, multiple: spec.multiple }
    }
    return message
  })
  const pinned = folded
    .filter((m) => m.pinned && !m.deleted)
    .sort((a, b) => b.pinAt - a.pinAt)
    .map((m) => m.id)
  return { messages: rendered, pinned }
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
}

async function fingerprintOf(log: GroupLog) {
  return {
    order: (await logEntries(log)).map((e) => e.idHex),
    heads: log.heads().map(toHex),
    view: await log.view.snapshot(),
    pinned: (await log.view.pinnedMessages()).map((m) => m.id)
  }
}

describe('convergence', () => {
  it(`every delivery order, with duplicates and delays, gives every replica the same order, heads and view (${RUNS} runs)`, async () => {
    let entriesSeen = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 8, maxLength: 40 }),
        fc.array(fc.integer(), { minLength: 3, maxLength: 3 }),
        async (script, seeds) => {
          const { writers, all } = await play(script)
          entriesSeen += all.length
          const reference = await openReplica(writers[0]?.log as GroupLog, writers[0]?.key as Replica['key'])
          await reference.log.add(all)
          const expected = await fingerprintOf(reference.log)
          assert.equal(expected.order.length, all.length)
          for (const seed of seeds) {
            const replica = await openReplica(writers[0]?.log as GroupLog, writers[1]?.key as Replica['key'])
            await deliver(replica.log, all, new SeededRandom(seed))
            assert.equal(replica.log.pendingCount, 0)
            assert.deepEqual(await fingerprintOf(replica.log), expected, `seed ${seed}`)
          }
          // the writers themselves converge once they have merged everything
          for (const w of writers) {
            await w.log.add(all)
            assert.deepEqual(await fingerprintOf(w.log), expected)
          }
        }
      ),
      { numRuns: RUNS }
    )
    assert.ok(entriesSeen > RUNS * 5, `the runs covered ${entriesSeen} entries`)
  })

  it(`edits, deletes, reactions, pins and polls resolve as a naive fold in entry order does (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 8, maxLength: 40 }), fc.integer(), async (script, seed) => {
        const { writers, all } = await play(script)
        const replica = await openReplica(writers[0]?.log as GroupLog, writers[2]?.key as Replica['key'])
        await deliver(replica.log, all, new SeededRandom(seed))
        const expected = await oracle(replica.log)
        assert.deepEqual((await replica.log.view.messages()).messages, expected.messages)
        assert.deepEqual(
          (await replica.log.view.pinnedMessages()).map((m) => m.id),
          expected.pinned
        )
      }),
      { numRuns: RUNS }
    )
  })
})
