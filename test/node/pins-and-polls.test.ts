/**
 * Pinned messages and polls, through the CLI of two real daemons on
 * 127.0.0.1: Alice (the group's admin) and Bob (a member, later a
 * moderator). What one does, both see the same way; what a person may not
 * do is refused with an error that says why, and writes nothing.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { HistoryResponse, MessageView, PinsResponse, PollResponse, SendResponse } from '@causette/node'
import { aliceAndBob, cliError, type DaemonProcess, eventually, type TempDir, tempDir } from './fixtures/daemons.ts'

describe('pins and polls, between two daemons', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''
  let aliceKey = ''
  let bobKey = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Climbing'))
    aliceKey = (await alice.cliJson<{ key: string }>(['status'])).key
    bobKey = (await bob.cliJson<{ key: string }>(['status'])).key
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  const shown = async (daemon: DaemonProcess, id: string): Promise<MessageView | undefined> =>
    (await daemon.cliJson<HistoryResponse>(['history', groupId])).messages.find((m) => m.id === id)
  const pinned = async (daemon: DaemonProcess): Promise<string[]> =>
    (await daemon.cliJson<PinsResponse>(['pins', groupId])).messages.map((m) => m.text)
  const bothSee = async (what: string, holds: (daemon: DaemonProcess) => Promise<boolean>) => {
    for (const daemon of [alice, bob]) await eventually(() => holds(daemon), `${what} at ${daemon === alice ? 'Alice' : 'Bob'}'s`)
  }

  it("refuses a member's pin, saying who may; lets an admin and a moderator pin, the latest pin listed first on both daemons", async () => {
    const rules = (await alice.cliJson<SendResponse>(['send', groupId, 'Rules: bring your own chalk'])).message
    const meeting = (await alice.cliJson<SendResponse>(['send', groupId, 'We meet at the gym on Sundays'])).message
    await bothSee('both messages', async (d) => (await shown(d, meeting.id)) !== undefined && (await shown(d, rules.id)) !== undefined)
    await eventually(
      async () => (await bob.cliJson<HistoryResponse>(['history', groupId])).authors[aliceKey]?.name === 'Alice',
      "Alice's name at Bob's"
    )

    const refused = await cliError(bob.home, ['pin', groupId, rules.id.slice(0, 8)])
    assert.equal(refused.name, 'ModeratorOnlyError')
    assert.match(refused.message, /only moderators and admins may pin messages in Climbing, and you are a member; ask Alice$/)
    assert.deepEqual(await pinned(bob), [], 'nothing was written')

    const done = await alice.cli(['pin', groupId, rules.id.slice(0, 8)])
    assert.equal(done.code, 0, done.stderr)
    assert.match(done.stdout, /^Pinned [0-9a-f]{12} in Climbing\.$/m)
    await bothSee('the pin', async (d) => (await pinned(d)).join() === rules.text)
    const seen = await shown(bob, rules.id)
    assert.deepEqual([seen?.pinned, seen?.pinnedBy], [true, aliceKey])
    assert.match((await bob.cli(['history', groupId])).stdout, /Alice: 📌 Rules: bring your own chalk/)
    assert.match((await alice.cli(['pin', groupId, rules.id.slice(0, 8)])).stdout, /was pinned already/)

    await alice.cliJson(['role', groupId, 'Bob', 'moderator'])
    await eventually(async () => {
      const result = await bob.cli(['--json', 'pin', groupId, meeting.id.slice(0, 8)])
      return result.code === 0
    }, "Bob's pin once he is a moderator at his daemon")
    await bothSee('both pins, the latest first', async (d) => (await pinned(d)).join('|') === `${meeting.text}|${rules.text}`)
    const listed = await alice.cli(['pins', groupId])
    assert.match(
      listed.stdout,
      /We meet at the gym on Sundays\n {4}pinned by Bob \([0-9a-f]{12}\)\n.*Rules: bring your own chalk\n {4}pinned by Alice \(you\)/
    )

    await bob.cliJson(['unpin', groupId, rules.id.slice(0, 8)])
    await bothSee('the unpin', async (d) => (await pinned(d)).join('|') === meeting.text)
    await alice.cliJson(['delete', groupId, meeting.id.slice(0, 8)])
    await bothSee('no deleted message among the pins', async (d) => (await pinned(d)).length === 0)
    assert.match((await alice.cli(['pins', groupId])).stderr, /Nothing is pinned in Climbing\./)
    const unknown = await cliError(alice.home, ['pin', groupId, 'ffff0000'])
    assert.equal(unknown.name, 'UnknownMessageError')
  })

  it('counts votes from both daemons, a changed vote and a close, the same on both; refuses what would count for nothing', async () => {
    const made = await alice.cli(['poll', groupId, 'Which day?', 'Sunday', 'Saturday', 'Friday night'])
    assert.equal(made.code, 0, made.stderr)
    assert.match(made.stdout, /^Asked Climbing \([0-9a-f]{12}\); vote with: causette vote/m)
    assert.match(made.stdout, /^ {4}▸ 1\. Sunday — 0 votes$/m)
    const { message: poll } = await alice.cliJson<PollResponse>(['poll', groupId, 'Rope or boulder?', 'Rope', 'Boulder'])
    assert.deepEqual(poll.poll, {
      options: [
        { text: 'Rope', votes: 0, voters: [] },
        { text: 'Boulder', votes: 0, voters: [] }
      ],
      multiple: false,
      closed: false
    })
    const id = poll.id.slice(0, 8)
    await bothSee('the poll', async (d) => (await shown(d, poll.id))?.poll !== undefined)

    await bob.cliJson(['vote', groupId, id, '1'])
    await alice.cliJson(['vote', groupId, id, '2'])
    await bob.cliJson(['vote', groupId, id, '2']) // Bob changes his mind
    const results = (m: MessageView | undefined) => m?.poll?.options.map((o) => [o.text, o.votes, [...o.voters].sort()])
    const expected = [
      ['Rope', 0, []],
      ['Boulder', 2, [aliceKey, bobKey].sort()]
    ]
    await bothSee('both votes, Bob changed', async (d) => JSON.stringify(results(await shown(d, poll.id))) === JSON.stringify(expected))
    assert.match(
      (await bob.cli(['history', groupId])).stdout,
      /Alice: 📊 Rope or boulder\? \(poll, one choice\)\n {4}▸ 1\. Rope — 0 votes\n {4}▸ 2\. Boulder — 2 votes \((Alice, Bob \(you\)|Bob \(you\), Alice)\)/
    )

    const many = await cliError(bob.home, ['vote', groupId, id, '1', '2'])
    assert.equal(many.name, 'InvalidVoteError')
    assert.match(many.message, /poll [0-9a-f]{12} \(Alice's\) takes one choice, and 2 were given/)
    const missing = await cliError(bob.home, ['vote', groupId, id, '3'])
    assert.equal(missing.name, 'InvalidVoteError')
    assert.match(missing.message, /has no option 3: its options are numbered 1 to 2/)
    const plain = (await alice.cliJson<SendResponse>(['send', groupId, 'not a poll'])).message
    const notPoll = await cliError(bob.home, ['vote', groupId, plain.id.slice(0, 8), '1'])
    assert.equal(notPoll.name, 'NotAPollError')
    assert.match(notPoll.message, /message [0-9a-f]{12} \(Alice's\) is not a poll/)
    const notBob = await cliError(bob.home, ['close-poll', groupId, id])
    assert.equal(notBob.name, 'NotYourMessageError')
    assert.match(notBob.message, /only its author or an admin may close poll [0-9a-f]{12} \(Alice's\); you are a moderator of this group/)

    const closed = await alice.cli(['close-poll', groupId, id])
    assert.equal(closed.code, 0, closed.stderr)
    assert.match(closed.stdout, /^Closed [0-9a-f]{12} in Climbing\.$/m)
    await bothSee('the close', async (d) => (await shown(d, poll.id))?.poll?.closed === true)
    const late = await cliError(bob.home, ['vote', groupId, id, '1'])
    assert.equal(late.name, 'PollClosedError')
    assert.match(late.message, /poll [0-9a-f]{12} \(Alice's\) was closed by Alice: votes no longer count/)
    for (const d of [alice, bob]) {
      const m = await shown(d, poll.id)
      assert.deepEqual(results(m), expected, 'the same results on both daemons')
      assert.equal(m?.poll?.closedBy, aliceKey)
    }
    assert.match((await alice.cli(['history', groupId])).stdout, /Rope or boulder\? \(poll, one choice, closed\)/)
  })

  it('takes several choices on a multiple-choice poll, and a withdrawn vote counts for nothing', async () => {
    const { message: poll } = await bob.cliJson<PollResponse>(['poll', groupId, 'What to bring?', 'Rope', 'Chalk', 'Snacks', '--multiple'])
    const id = poll.id.slice(0, 8)
    await bothSee('the poll', async (d) => (await shown(d, poll.id))?.poll?.multiple === true)
    const voted = await alice.cliJson<PollResponse>(['vote', groupId, id, '3', '1'])
    assert.deepEqual(
      voted.message.poll?.options.map((o) => o.voters),
      [[aliceKey], [], [aliceKey]]
    )
    assert.equal(voted.authors[aliceKey]?.name, 'Alice')
    await bob.cliJson(['vote', groupId, id, '2'])
    await alice.cliJson(['vote', groupId, id, '--withdraw'])
    await bothSee('only Bob’s vote', async (d) => {
      const counts = (await shown(d, poll.id))?.poll?.options.map((o) => o.votes)
      return JSON.stringify(counts) === '[0,1,0]'
    })
    const usage = await cliError(alice.home, ['vote', groupId, id])
    assert.equal(usage.name, 'UsageError')
    const tooFew = await cliError(alice.home, ['poll', groupId, 'Yes?', 'Yes'])
    assert.equal(tooFew.name, 'InvalidRequestError')
    assert.match(tooFew.message, /a poll has 2 to 10 options; 1 given/)
    const twice = await cliError(alice.home, ['poll', groupId, 'Day?', 'Sunday', 'sunday'])
    assert.match(twice.message, /option 2 \("sunday"\) is given twice/)
  })
})
