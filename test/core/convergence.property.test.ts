import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type GroupLog, type Message, type Operation, toHex } from '@causette/core'
import fc from 'fast-check'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { SeededRandom } from '../fixtures/random.ts'
import { merge, openReplica, type Replica, replicas } from '../fixtures/replicas.ts'

const WRITERS = 3
const EMOJI = ['👍', '❤️', '😂']
const RUNS = 1000

type Kind = 'message' | 'reply' | 'edit' | 'delete' | 'react' | 'unreact' | 'metadata' | 'read' | 'merge'
interface Action {
  writer: number
  kind: Kind
  pick: number
}

const action = fc.record({
  writer: fc.nat({ max: WRITERS - 1 }),
  kind: fc.constantFrom<Kind>('message', 'message', 'reply', 'edit', 'delete', 'react', 'unreact', 'metadata', 'read', 'merge', 'merge'),
  pick: fc.nat({ max: 1000 })
})

/** Runs a script of writes and merges on the writers; returns every entry written. */
async function play(script: Action[]): Promise<{ writers: Replica[]; all: Uint8Array[] }> {
  const writers = await replicas(WRITERS)
  for (const w of writers.slice(1)) await merge(writers[0] as Replica, w)
  let n = 0
  for (const a of script) {
    const w = writers[a.writer] as Replica
    const messages = (await w.log.view.messages()).messages
    const target = messages.length > 0 ? hexToBytes((messages[a.pick % messages.length] as Message).id) : undefined
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

/**
 * An independent oracle: sort the entries by (clock, author, id) and fold the
 * operations naively; later in the order overwrites, deletes (by the author
 * or an admin — writer 0 created the group) win, and a deletion by someone
 * other than the author names them.
 */
async function oracle(log: GroupLog): Promise<Message[]> {
  const sorted = [...(await logEntries(log))].sort((a, b) =>
    a.clock !== b.clock ? a.clock - b.clock : a.authorHex < b.authorHex ? -1 : a.authorHex > b.authorHex ? 1 : a.idHex < b.idHex ? -1 : 1
  )
  const messages = new Map<string, Message & { reactionLog: Map<string, { add: boolean; at: number; emoji: string; author: string }> }>()
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
        ...(op.replyTo === undefined ? {} : { replyTo: toHex(op.replyTo) })
      })
      return
    }
    if (op.type !== 'edit' && op.type !== 'delete' && op.type !== 'reaction') return
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
    }
  })
  return [...messages.values()].map(({ reactionLog, ...m }) => {
    const present = [...reactionLog.values()].filter((r) => r.add).sort((a, b) => a.at - b.at)
    const byEmoji = new Map<string, string[]>()
    for (const r of present) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.author])
    return { ...m, reactions: m.deleted ? [] : [...byEmoji].map(([emoji, authors]) => ({ emoji, authors })) }
  })
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
}

async function fingerprintOf(log: GroupLog) {
  return {
    order: (await logEntries(log)).map((e) => e.idHex),
    heads: log.heads().map(toHex),
    view: await log.view.snapshot()
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

  it(`edits, deletes and reactions resolve as a naive fold in entry order does (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 8, maxLength: 40 }), fc.integer(), async (script, seed) => {
        const { writers, all } = await play(script)
        const replica = await openReplica(writers[0]?.log as GroupLog, writers[2]?.key as Replica['key'])
        await deliver(replica.log, all, new SeededRandom(seed))
        assert.deepEqual((await replica.log.view.messages()).messages, await oracle(replica.log))
      }),
      { numRuns: RUNS }
    )
  })
})
