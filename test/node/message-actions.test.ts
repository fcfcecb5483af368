/**
 * Changing a message after it was sent, through the CLI of two real daemons
 * on 127.0.0.1: Alice (the group's admin) and Bob (a member). Each action is
 * seen by both; what a person may not do is refused with an error that says
 * whose message it is and who may, and writes nothing.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, MessageView, SendResponse } from '@causette/node'
import { aliceAndBob, cliError, type DaemonProcess, eventually, type TempDir, tempDir } from './fixtures/daemons.ts'

describe('edit, delete and react, between two daemons', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Lunch'))
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  const shown = async (daemon: DaemonProcess, id: string): Promise<MessageView | undefined> =>
    (await daemon.cliJson<HistoryResponse>(['history', groupId])).messages.find((m) => m.id === id)
  const bothSee = async (id: string, what: string, holds: (m: MessageView | undefined) => boolean) => {
    for (const daemon of [alice, bob])
      await eventually(async () => holds(await shown(daemon, id)), `${what} at ${daemon === alice ? 'Alice' : 'Bob'}'s`)
  }

  it('lets the author edit a message, and no one else', async () => {
    const { message } = await alice.cliJson<SendResponse>(['send', groupId, 'Lunch at noon?'])
    await bothSee(message.id, 'the message', (m) => m?.text === 'Lunch at noon?')
    await eventually(
      async () => (await bob.cliJson<HistoryResponse>(['history', groupId])).authors[message.author]?.name === 'Alice',
      "Alice's name at Bob's"
    )

    const refused = await cliError(bob.home, ['edit', groupId, message.id.slice(0, 8), 'Lunch never'])
    assert.equal(refused.name, 'NotYourMessageError')
    assert.match(refused.message, /you can only edit your own messages; message [0-9a-f]{12} \(Alice's\) is not yours/)

    const edited = await alice.cli(['edit', groupId, message.id.slice(0, 8), 'Lunch at one?'])
    assert.equal(edited.code, 0, edited.stderr)
    assert.match(edited.stdout, /^Edited [0-9a-f]{12} in Lunch\.$/m)
    await bothSee(message.id, 'the edit', (m) => m?.text === 'Lunch at one?' && m.edited)
    const history = await bob.cli(['history', groupId])
    assert.match(history.stdout, /Alice.*: Lunch at one\? \(edited\)/)
  })

  it('adds and takes back reactions, seen by both', async () => {
    const { message } = await alice.cliJson<SendResponse>(['send', groupId, 'Pizza or salad?'])
    await bothSee(message.id, 'the message', (m) => m !== undefined)
    const reacted = await bob.cli(['react', groupId, message.id.slice(0, 10), '🍕'])
    assert.equal(reacted.code, 0, reacted.stderr)
    assert.match(reacted.stdout, /Reacted 🍕 to [0-9a-f]{12} in Lunch\./)
    const bobKey = (await bob.cliJson<{ key: string }>(['status'])).key
    await bothSee(message.id, 'the reaction', (m) => m?.reactions.some((r) => r.emoji === '🍕' && r.authors.includes(bobKey)) === true)
    assert.match((await alice.cli(['history', groupId])).stdout, /Pizza or salad\? \[🍕 1\]/)

    await bob.cliJson(['react', groupId, message.id.slice(0, 10), '🍕', '--remove'])
    await bothSee(message.id, 'the reaction taken back', (m) => m?.reactions.length === 0)
    const tooLong = await cliError(bob.home, ['react', groupId, message.id.slice(0, 10), 'x'.repeat(40)])
    assert.equal(tooLong.name, 'InvalidRequestError')
  })

  it("lets a member delete only their own messages, and an admin anyone's, shown as deleted by them", async () => {
    const first = (await alice.cliJson<SendResponse>(['send', groupId, 'Meet at the fountain'])).message
    const spam = (await bob.cliJson<SendResponse>(['send', groupId, 'BUY CHEAP WATCHES'])).message
    await bothSee(spam.id, 'the spam', (m) => m !== undefined)
    await bothSee(first.id, "Alice's message", (m) => m !== undefined)

    const refused = await cliError(bob.home, ['delete', groupId, first.id.slice(0, 8)])
    assert.equal(refused.name, 'NotYourMessageError')
    assert.match(
      refused.message,
      /only its author, a moderator or an admin may delete message [0-9a-f]{12} \(Alice's\); you are a member of this group/
    )

    const deleted = await alice.cli(['delete', groupId, spam.id.slice(0, 8)])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.match(deleted.stdout, /Deleted [0-9a-f]{12} in Lunch \(as a moderator\)\./)
    const aliceKey = (await alice.cliJson<{ key: string }>(['status'])).key
    await bothSee(spam.id, 'the deletion', (m) => m?.deleted === true && m.text === '' && m.deletedBy === aliceKey)
    assert.match((await bob.cli(['history', groupId])).stdout, /Bob \(you\).*: \(deleted by Alice/)

    const again = await cliError(alice.home, ['edit', groupId, spam.id.slice(0, 8), 'nothing'])
    assert.equal(again.name, 'MessageDeletedError')
    const unknown = await cliError(alice.home, ['delete', groupId, 'ffff0000'])
    assert.equal(unknown.name, 'UnknownMessageError')
    assert.match(unknown.message, /this group has no message ffff0000/)
    // Bob deletes his own message: allowed, and no "by" (the author deleted it)
    const own = (await bob.cliJson<SendResponse>(['send', groupId, 'typo'])).message
    await bob.cliJson(['delete', groupId, own.id.slice(0, 8)])
    await bothSee(own.id, "Bob's own deletion", (m) => m?.deleted === true && m.deletedBy === undefined)
  })

  it("lets admins change the group's name, topic and description, and refuses members", async () => {
    const refused = await cliError(bob.home, ['about', groupId, '--topic', 'Free lunch'])
    assert.equal(refused.name, 'AdminOnlyError')
    assert.match(refused.message, /only admins may change the group's name, topic or description/)

    const changed = await alice.cli(['about', groupId, '--name', 'Lunch crew', '--topic', 'Where and when we eat'])
    assert.equal(changed.code, 0, changed.stderr)
    assert.match(changed.stdout, /^Lunch crew\n {2}topic: Where and when we eat$/m)
    await eventually(async () => {
      const about = await bob.cliJson<{ name: string; topic: string }>(['about', groupId])
      return about.name === 'Lunch crew' && about.topic === 'Where and when we eat'
    }, "the new name and topic at Bob's")
    await eventually(
      async () => (await bob.cliJson<{ groups: GroupSummary[] }>(['groups'])).groups.some((g) => g.id === groupId && g.name === 'Lunch crew'),
      "the new name in Bob's list of groups"
    )
    const blank = await cliError(alice.home, ['about', groupId, '--name', ' '])
    assert.equal(blank.name, 'InvalidRequestError')
  })

  it('mentions members named @Name, marks what mentions you, and lists it', async () => {
    const { message } = await alice.cliJson<SendResponse>(['send', groupId, '@Bob can you book a table? (mail me at alice@example.org)'])
    const bobKey = (await bob.cliJson<{ key: string }>(['status'])).key
    assert.deepEqual(message.mentions, [bobKey], 'Bob is mentioned by key; an e-mail address is no mention')
    await bothSee(message.id, 'the mention', (m) => m?.mentions.includes(bobKey) === true)
    assert.match((await bob.cli(['history', groupId])).stdout, /@Bob can you book a table\?.*\(mentions you\)/)
    const listed = await bob.cliJson<{ results: Array<{ message: { id: string } }> }>(['mentions'])
    assert.deepEqual(
      listed.results.map((r) => r.message.id),
      [message.id]
    )
    assert.equal((await alice.cliJson<{ results: unknown[] }>(['mentions', groupId])).results.length, 0, 'Alice is mentioned nowhere')
    const unknown = await cliError(alice.home, ['send', groupId, 'hi', '--mention', 'Zed'])
    assert.equal(unknown.name, 'UnknownMemberError')
  })

  it('counts unread messages and mentions until the group is read, or one writes in it', async () => {
    const unread = async (daemon: DaemonProcess) =>
      (await daemon.cliJson<{ groups: GroupSummary[] }>(['groups'])).groups.find((g) => g.id === groupId) as GroupSummary
    await bob.cliJson(['read', groupId])
    assert.deepEqual({ unread: (await unread(bob)).unread, mentions: (await unread(bob)).unreadMentions }, { unread: 0, mentions: 0 })
    assert.match((await bob.cli(['read', groupId])).stdout, /Nothing unread in Lunch crew\./)

    const last = (await alice.cliJson<SendResponse>(['send', groupId, 'Table for two at 1'])).message
    await alice.cliJson(['send', groupId, '@Bob bring cash'])
    await eventually(async () => (await unread(bob)).unread === 2, "two unread at Bob's")
    assert.equal((await unread(bob)).unreadMentions, 1)
    assert.match((await bob.cli(['groups'])).stdout, /Lunch crew .*2 unread \(1 mentions you\)/)

    const read = await bob.cliJson<{ upTo?: string }>(['read', groupId])
    assert.notEqual(read.upTo, undefined)
    assert.notEqual(read.upTo, last.id, 'read up to the newest message')
    assert.equal((await unread(bob)).unread, 0)
    await alice.cliJson(['send', groupId, 'One more'])
    await eventually(async () => (await unread(bob)).unread === 1, "one unread at Bob's")
    await bob.cliJson(['send', groupId, 'On my way'])
    assert.equal((await unread(bob)).unread, 0, 'writing in a group reads it')
  })

  it("says under Alice's newest message who has seen it, once Bob reads the group", async () => {
    const { message } = await alice.cliJson<SendResponse>(['send', groupId, 'Dessert?'])
    const seenAtAlice = async () => (await alice.cliJson<HistoryResponse>(['history', groupId])).seen
    assert.deepEqual(await seenAtAlice(), { message: message.id, by: [], of: 1 })
    assert.doesNotMatch((await alice.cli(['history', groupId])).stdout, /seen by/, 'nothing said while no one has seen it')
    await eventually(async () => (await bob.cli(['history', groupId])).stdout.includes('Dessert?'), "the message at Bob's")
    await bob.cliJson(['read', groupId])
    await eventually(async () => ((await seenAtAlice())?.by.length ?? 0) === 1, "Bob's read marker at Alice's")
    assert.match((await alice.cli(['history', groupId])).stdout, /Dessert\?\n {4}seen by Bob\n/)
  })
})
