/**
 * Two real daemons on 127.0.0.1, each in its own data directory, driven
 * only through the `causette` command: what two people do with it, from
 * creating a group to reading each other's messages.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type {
  GroupSummary,
  GroupsResponse,
  HistoryResponse,
  InviteResponse,
  JoinResponse,
  MembersResponse,
  PeersResponse,
  SearchResponse,
  SendResponse,
  StatusResponse
} from '@causette/node'
import { DaemonProcess, eventually, ISOLATED, type LiveCommand, type TempDir, tempDir } from './fixtures/daemons.ts'

async function texts(daemon: DaemonProcess, group: string): Promise<string[]> {
  const page = await daemon.cliJson<HistoryResponse>(['history', group, '--limit', '1000'])
  return page.messages.map((m) => m.text)
}

describe('two daemons on one machine, driven through the CLI', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''

  before(async () => {
    dirs = await tempDir()
    ;[alice, bob] = await Promise.all([
      DaemonProcess.start(join(dirs.path, 'alice'), [...ISOLATED, '--name', 'Alice']),
      DaemonProcess.start(join(dirs.path, 'bob'), [...ISOLATED, '--name', 'Bob'])
    ])
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  it('lets Alice create a group and an invite link, and Bob join with the link', async () => {
    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Climbing club'])
    groupId = group.id
    assert.equal(group.name, 'Climbing club')

    const invite = await alice.cliJson<InviteResponse>(['invite', 'Climbing club', '--expires', '1h'])
    assert.match(invite.link, /^causette:join\/[A-Za-z0-9_-]+$/)
    assert.ok(
      invite.addresses.some((a) => a.includes(alice.ready.peerId)),
      'the link says where to reach Alice'
    )
    assert.ok((invite.expires ?? 0) > Date.now() + 59 * 60_000, 'it expires in an hour')

    const joined = await bob.cliJson<JoinResponse>(['join', invite.link])
    assert.deepEqual(joined.group.id, groupId)
    assert.equal(joined.alreadyMember, false)
    await eventually(
      async () => (await bob.cliJson<GroupsResponse>(['groups'])).groups.some((g) => g.id === groupId && g.name === 'Climbing club' && g.entries > 0),
      "the group's history to reach Bob"
    )
    const again = await bob.cliJson<JoinResponse>(['join', invite.link])
    assert.equal(again.alreadyMember, true, 'joining twice is harmless')
  })

  it('shows both people both messages in history, in one order, with who wrote each', async () => {
    const first = await alice.cliJson<SendResponse>(['send', 'Climbing club', 'Sunday', 'at', '10?'])
    assert.equal(first.message.text, 'Sunday at 10?')
    await eventually(async () => (await texts(bob, groupId)).includes('Sunday at 10?'), "Alice's message to reach Bob")
    await bob.cliJson<SendResponse>(['send', groupId.slice(0, 8), 'Yes, see you there'])
    const expected = ['Sunday at 10?', 'Yes, see you there']
    await eventually(async () => (await texts(alice, groupId)).join('|') === expected.join('|'), "Bob's reply to reach Alice")
    assert.deepEqual(await texts(bob, groupId), expected)

    const shown = await alice.cli(['history', 'Climbing club'])
    assert.equal(shown.code, 0)
    const lines = shown.stdout.trim().split('\n')
    assert.equal(lines.length, 2)
    assert.match(lines[0] as string, /^\[\d{4}-\d\d-\d\d \d\d:\d\d\] Alice \(you\): Sunday at 10\?$/)
    assert.match(lines[1] as string, /^\[.*\] Bob: Yes, see you there$/, 'Bob shows by the name he gave with start --name')
  })

  it('pages back through history with --limit and --before', async () => {
    const newest = await alice.cliJson<HistoryResponse>(['history', groupId, '--limit', '1'])
    assert.deepEqual(
      newest.messages.map((m) => m.text),
      ['Yes, see you there']
    )
    assert.equal(newest.hasOlder, true)
    const older = await alice.cliJson<HistoryResponse>(['history', groupId, '--limit', '1', '--before', (newest.messages[0]?.id ?? '').slice(0, 10)])
    assert.deepEqual(
      older.messages.map((m) => m.text),
      ['Sunday at 10?']
    )
    assert.equal(older.hasOlder, false)
  })

  it('follows new messages live in tail, on both sides', async () => {
    const tails: LiveCommand[] = [alice.follow(['tail', 'Climbing club', '--lines', '1']), bob.follow(['tail', groupId.slice(0, 6), '--lines', '1'])]
    try {
      // the last message comes first; tail is subscribed to new ones before it prints it
      await Promise.all(tails.map((t) => t.waitForEvent((e) => (e.message as { text: string }).text === 'Yes, see you there', 'the latest message')))
      await bob.cliJson<SendResponse>(['send', groupId, 'I will bring the rope'])
      await alice.cliJson<SendResponse>(['send', groupId, 'Perfect'])
      for (const tail of tails) {
        for (const text of ['I will bring the rope', 'Perfect']) {
          await tail.waitForEvent((e) => (e.message as { text: string } | undefined)?.text === text && e.isNew === true, `"${text}" in tail`)
        }
      }
    } finally {
      await Promise.all(tails.map((t) => t.kill('SIGINT')))
    }
  })

  it('finds messages by their words, whatever the case and accents', async () => {
    await alice.cliJson<SendResponse>(['send', groupId, "Le café de l'École est fermé"])
    await alice.cliJson<SendResponse>(['send', groupId, 'Trip to ZÜRICH in June'])
    await eventually(async () => (await texts(bob, groupId)).includes('Trip to ZÜRICH in June'), 'the messages to reach Bob')
    for (const daemon of [alice, bob]) {
      for (const [query, expected] of [
        ['ecole', "Le café de l'École est fermé"],
        ['CAFE FERME', "Le café de l'École est fermé"],
        ['zurich', 'Trip to ZÜRICH in June'],
        ['Zür', 'Trip to ZÜRICH in June'],
        ['rope', 'I will bring the rope']
      ] as const) {
        const found = await daemon.cliJson<SearchResponse>(['search', 'Climbing club', query])
        assert.deepEqual(
          found.results.map((r) => r.message.text),
          [expected],
          `"${query}"`
        )
      }
    }
    const everywhere = await bob.cliJson<SearchResponse>(['search', '--all', 'see', 'you'])
    assert.deepEqual(
      everywhere.results.map((r) => [r.group.name, r.message.text]),
      [['Climbing club', 'Yes, see you there']]
    )
    const nothing = await bob.cli(['search', 'Climbing club', 'avalanche'])
    assert.equal(nothing.code, 0)
    assert.equal(nothing.stdout, '')
    assert.match(nothing.stderr, /Nothing found for "avalanche"/)
    const shown = await alice.cli(['search', groupId, 'école'])
    assert.match(shown.stdout, /Alice \(you\): Le café de l'École est fermé/)
  })

  it("lists the group's members with safety-number fingerprints each person can compare", async () => {
    const [aliceStatus, bobStatus] = await Promise.all([alice.cliJson<StatusResponse>(['status']), bob.cliJson<StatusResponse>(['status'])])
    const members = await alice.cliJson<MembersResponse>(['members', 'Climbing club'])
    assert.deepEqual(members.members.map((m) => m.fingerprint).sort(), [aliceStatus.fingerprint, bobStatus.fingerprint].sort())
    const bobSeenByAlice = members.members.find((m) => !m.you)
    assert.equal(bobSeenByAlice?.fingerprint, bobStatus.fingerprint, 'what Alice reads for Bob is what Bob reads for himself')
    assert.equal(bobSeenByAlice?.connected, true)
    assert.equal(members.members.find((m) => m.you)?.name, 'Alice')
    const shown = await bob.cli(['members', groupId])
    assert.match(shown.stdout, new RegExp(`${aliceStatus.fingerprint}  .*online`))
    assert.match(shown.stdout, new RegExp(`${bobStatus.fingerprint}  Bob \\(you\\) +member +.*this device`))
  })

  it('shows the connected peers and, per group, members online, entries and sync state', async () => {
    const { peers } = await alice.cliJson<PeersResponse>(['peers'])
    const bobPeer = peers.find((p) => p.peer === bob.ready.peerId)
    assert.ok(bobPeer !== undefined, 'Bob is among the peers')
    assert.deepEqual(bobPeer.groups, [groupId])
    assert.ok(bobPeer.addresses[0]?.startsWith('/ip4/127.0.0.1/'))

    await eventually(async () => {
      const status = await bob.cliJson<StatusResponse>(['status'])
      const group = status.groups.find((g) => g.id === groupId)
      return group?.connectedMembers === 1 && group.online === 1 && group.sync === 'up to date' && group.messages === 6
    }, "Bob's status to show the group up to date with Alice")
    const shown = await bob.cli(['status'])
    assert.match(shown.stdout, /Climbing club: \d+ entries, up to date/)
    assert.match(shown.stdout, /^ +1 of 1 other member online$/m)
  })

  it("exports the group's readable history as JSON lines, oldest first", async () => {
    const exported = await bob.cli(['export', 'Climbing club'])
    assert.equal(exported.code, 0)
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { text: string; fingerprint: string; time: string })
    assert.deepEqual(
      lines.map((l) => l.text),
      await texts(alice, groupId)
    )
    assert.ok(lines.every((l) => /^\d{5}( \d{5}){5}$/.test(l.fingerprint) && !Number.isNaN(Date.parse(l.time))))
  })

  it('stops cleanly with causette stop, and says so', async () => {
    const result = await bob.cli(['stop'])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /Stopped the daemon of /)
    await bob.exited
    assert.equal(bob.process.exitCode, 0)
    assert.deepEqual(bob.events().at(-1), { type: 'stopped' })
    const after = await bob.cli(['groups'])
    assert.match(after.stderr, /the Causette daemon is not running/)
  })
})
