import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toHex } from '@causette/core'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'

describe('group view', () => {
  it('shows a reply with its target and mentions', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const question = await a.log.append({ type: 'message', text: 'Who has the rope?' })
    await a.log.append({ type: 'message', text: 'I do', replyTo: question.id, mentions: [b.key.publicKey] })
    const [, reply] = (await a.log.view.messages()).messages
    assert.equal(reply?.replyTo, question.idHex)
    assert.deepEqual(reply?.mentions, [toHex(b.key.publicKey)])
  })

  it('lets only the author edit a message, the latest edit winning', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const m = await a.log.append({ type: 'message', text: 'v1' })
    await a.log.append({ type: 'edit', target: m.id, text: 'v2' })
    await a.log.append({ type: 'edit', target: m.id, text: 'v3' })
    await merge(a, b)
    await b.log.append({ type: 'edit', target: m.id, text: 'hijacked' })
    await merge(b, a)
    const shown = await a.log.view.message(m.idHex)
    assert.deepEqual({ text: shown?.text, edited: shown?.edited }, { text: 'v3', edited: true })
  })

  it('lets a delete win over every edit, even a later one', async () => {
    const [a] = (await replicas(1)) as [Replica]
    const m = await a.log.append({ type: 'message', text: 'secret plan' })
    await a.log.append({ type: 'delete', target: m.id })
    await a.log.append({ type: 'edit', target: m.id, text: 'back again' })
    const shown = await a.log.view.message(m.idHex)
    assert.deepEqual({ text: shown?.text, deleted: shown?.deleted, edited: shown?.edited }, { text: '', deleted: true, edited: false })
  })

  it('keeps one reaction per author and emoji, taken back by a later remove', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const m = await a.log.append({ type: 'message', text: 'Pizza?' })
    await merge(a, b)
    await a.log.append({ type: 'reaction', target: m.id, emoji: '👍', add: true })
    await a.log.append({ type: 'reaction', target: m.id, emoji: '👍', add: true })
    await b.log.append({ type: 'reaction', target: m.id, emoji: '👍', add: true })
    await b.log.append({ type: 'reaction', target: m.id, emoji: '🍕', add: true })
    await b.log.append({ type: 'reaction', target: m.id, emoji: '🍕', add: false })
    await merge(b, a)
    assert.deepEqual(
      (await a.log.view.message(m.idHex))?.reactions.map((r) => [r.emoji, r.authors.length]),
      [['👍', 2]]
    )
  })

  it('reads several messages by id at once, as each alone shows it, leaving out a deleted-for-good or unknown one', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const first = await a.log.append({ type: 'message', text: 'first' })
    const second = await a.log.append({ type: 'message', text: 'second' })
    await merge(a, b)
    await a.log.append({ type: 'edit', target: second.id, text: 'second, edited' })
    await b.log.append({ type: 'reaction', target: first.id, emoji: '🎉', add: true })
    await merge(b, a)
    const unknown = 'ab'.repeat(32)
    const shown = await a.log.view.messagesById([second.idHex, unknown, first.idHex])
    assert.deepEqual([...shown.keys()].sort(), [first.idHex, second.idHex].sort())
    assert.deepEqual(shown.get(first.idHex), await a.log.view.message(first.idHex))
    assert.deepEqual(shown.get(second.idHex), await a.log.view.message(second.idHex))
    assert.equal(shown.get(second.idHex)?.text, 'second, edited')
    assert.equal(shown.get(first.idHex)?.reactions.length, 1)
    assert.equal((await a.log.view.messagesById([])).size, 0)
  })

  it('pages back through history', async () => {
    const [a] = (await replicas(1)) as [Replica]
    for (let i = 0; i < 25; i++) await a.log.append({ type: 'message', text: `m${i}` })
    const last = await a.log.view.messages({ limit: 10 })
    assert.deepEqual(
      last.messages.map((m) => m.text),
      Array.from({ length: 10 }, (_, i) => `m${15 + i}`)
    )
    assert.equal(last.hasOlder, true)
    const older = await a.log.view.messages({ limit: 10, before: last.messages[0]?.id as string })
    assert.equal(older.messages.at(-1)?.text, 'm14')
    const oldest = await a.log.view.messages({ limit: 10, before: older.messages[0]?.id as string })
    assert.deepEqual({ count: oldest.messages.length, hasOlder: oldest.hasOlder }, { count: 5, hasOlder: false })
  })

  it('takes name, topic and description from the latest change by an admin, ignoring members', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await merge(a, b)
    await a.log.append({ type: 'metadata', topic: 'Crags near Lyon' })
    await b.log.append({ type: 'metadata', name: 'Renamed by a member' })
    await merge(a, b)
    await merge(b, a)
    assert.deepEqual(a.log.view.metadata(), { name: 'Test group', topic: 'Crags near Lyon', description: '', disappearing: 0 })
    await a.log.setRole(toHex(b.key.publicKey), 'admin')
    await merge(a, b)
    await b.log.append({ type: 'metadata', name: 'Climbers' })
    await merge(b, a)
    assert.deepEqual(a.log.view.metadata(), { name: 'Climbers', topic: 'Crags near Lyon', description: '', disappearing: 0 })
    assert.deepEqual(b.log.view.metadata(), a.log.view.metadata())
  })
})

describe('times', () => {
  it('never shows a message as written after the messages that answer it', async () => {
    let now = 1_800_000_000_000
    const [a, b] = (await replicas(2, { now: () => now })) as [Replica, Replica]
    await merge(a, b)
    const tenYears = 10 * 365 * 24 * 3600_000
    now += tenYears
    const ahead = await a.log.append({ type: 'message', text: 'from a clock ten years ahead' })
    now -= tenYears
    assert.equal((await a.log.view.message(ahead.idHex))?.time, ahead.time, 'alone, it shows its claimed time')
    await merge(a, b)
    const answer = await b.log.append({ type: 'message', text: 'answer', replyTo: ahead.id })
    await merge(b, a)
    for (const log of [a.log, b.log]) {
      const shown = await log.view.message(ahead.idHex)
      assert.equal(shown?.time, answer.time, 'capped at the answer')
      assert.equal(shown?.claimedTime, ahead.time, 'the claimed time is kept, flagged')
    }
    assert.deepEqual(
      (await a.log.view.messages()).messages.map((m) => m.text),
      ['from a clock ten years ahead', 'answer'],
      'order follows causality, not time'
    )
  })
})
