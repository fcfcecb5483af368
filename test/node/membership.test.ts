/**
 * Membership through the CLI, as four people live it with four real
 * daemons: joining by link (and the links that cannot be used), display
 * names, comparing safety numbers, roles, removing a member — who then
 * reads nothing new and cannot write — and blocking. The daemons are
 * shared by the tests below, which run in order and build on each other,
 * as the people's group does.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type {
  BlockedResponse,
  GroupSummary,
  GroupsResponse,
  HistoryResponse,
  InviteResponse,
  JoinResponse,
  MembersResponse,
  ProfileChangeResponse,
  RoleResponse,
  SafetyNumberResponse,
  StatusResponse
} from '@causette/node'
import { cliError, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

const GROUP = 'Climbing club'

async function texts(daemon: DaemonProcess): Promise<string[]> {
  return (await daemon.cliJson<HistoryResponse>(['history', GROUP, '--limit', '1000'])).messages.map((m) => m.text)
}

async function members(daemon: DaemonProcess): Promise<MembersResponse> {
  return daemon.cliJson<MembersResponse>(['members', GROUP])
}

async function groupIds(daemon: DaemonProcess): Promise<string[]> {
  return (await daemon.cliJson<GroupsResponse>(['groups'])).groups.map((g) => g.id)
}

describe('membership through the CLI', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let carol: DaemonProcess
  let dave: DaemonProcess
  let groupId = ''
  const keys: Record<string, string> = {}

  before(async () => {
    dirs = await tempDir()
    ;[alice, bob, carol, dave] = await Promise.all([
      DaemonProcess.start(join(dirs.path, 'alice'), [...ISOLATED, '--name', 'Alice']),
      DaemonProcess.start(join(dirs.path, 'bob'), [...ISOLATED, '--name', 'Bob']),
      DaemonProcess.start(join(dirs.path, 'carol'), ISOLATED),
      DaemonProcess.start(join(dirs.path, 'dave'), [...ISOLATED, '--name', 'Dave'])
    ])
    const [created] = await Promise.all([
      alice.cliJson<{ group: GroupSummary }>(['create', GROUP]),
      ...Object.entries({ alice, bob, carol, dave }).map(async ([name, daemon]) => {
        keys[name] = (await daemon.cliJson<StatusResponse>(['status'])).key
      })
    ])
    groupId = created.group.id
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill(), carol?.kill(), dave?.kill()])
    await dirs?.remove()
  })

  it('joins by link through the CLI, saying what it waits for', async () => {
    const { link } = await alice.cliJson<InviteResponse>(['invite', GROUP, '--single-use'])
    const joined = await bob.cli(['join', link])
    assert.equal(joined.code, 0, joined.stderr)
    assert.match(joined.stdout, new RegExp(`^Joined ${GROUP} \\(${groupId.slice(0, 12)}\\)\\.$`, 'm'))
    assert.match(joined.stderr, new RegExp(`Joining ${GROUP}: reaching the 2 addresses in the invite \\(waiting up to 60 s\\)…`))
    assert.match(joined.stderr, /Reached a member \(…\w{8}\); waiting for the invite to arrive with the group's history…/)
    assert.match(joined.stderr, /Found the invite; writing your join…/)
    assert.deepEqual((await members(bob)).membership, 'member')

    const reused = await cliError(dave.home, ['join', link])
    assert.equal(reused.name, 'InviteUsedError')
    assert.match(reused.message, /This single-use invite has already been used: ask a member of the group for a new one/)
    assert.deepEqual(await groupIds(dave), [], 'a failed join leaves no group behind')
  })

  it('gives up after --timeout when no member holding the invite answers, and says so', async () => {
    const { link } = await alice.cliJson<InviteResponse>(['invite', GROUP, '--no-addresses'])
    const started = Date.now()
    const timedOut = await cliError(carol.home, ['join', link, '--timeout', '1s'])
    assert.equal(timedOut.name, 'JoinTimeoutError')
    assert.match(
      timedOut.message,
      /could not reach a member of the group who has this invite within 1 s: check that the inviter is online, or try again later/
    )
    assert.ok(Date.now() - started < 15_000, 'it waited about as long as it was told')
    assert.deepEqual(await groupIds(carol), [])
    const help = (await carol.cli(['join', '--help'])).stdout.replace(/\s+/g, ' ')
    assert.match(help, /--timeout <duration> how long to wait for a member who has the invite to answer, from 1s to 4m \(default: "60s"\)/)
  })

  it("shows the names given with start --name and causette profile in the other daemons' members and history", async () => {
    const { link } = await alice.cliJson<InviteResponse>(['invite', GROUP])
    await Promise.all([carol.cliJson<JoinResponse>(['join', link]), dave.cliJson<JoinResponse>(['join', link])])
    const named = await carol.cliJson<ProfileChangeResponse>(['profile', 'Carol'])
    assert.deepEqual(
      named.published.map((g) => g.id),
      [groupId],
      'written into the group Carol is in'
    )
    await bob.cliJson(['send', GROUP, 'Bob here'])
    await carol.cliJson(['send', GROUP, 'Carol here'])
    await eventually(async () => (await texts(alice)).length === 2, 'both messages to reach Alice')

    await eventually(async () => (await members(alice)).members.every((m) => m.name !== undefined), "every member's name to reach Alice")
    const list = await members(alice)
    assert.deepEqual(
      list.members.map((m) => [m.name, m.role, m.you]),
      [
        ['Alice', 'admin', true],
        ['Bob', 'member', false],
        ['Carol', 'member', false],
        ['Dave', 'member', false]
      ]
    )
    const history = await alice.cli(['history', GROUP])
    assert.match(history.stdout, /\] Bob: Bob here\n.*\] Carol: Carol here\n$/)
    const shown = await alice.cli(['members', GROUP])
    assert.match(shown.stdout, new RegExp(`^  ${keys.carol?.slice(0, 8)}  \\d{5}( \\d{5}){5}  Carol +member +1 message, .*online$`, 'm'))
  })

  it('tells apart two members who chose the same name by their fingerprints', async () => {
    await dave.cliJson(['profile', 'Bob'])
    await dave.cliJson(['send', GROUP, 'I am Bob too'])
    await eventually(async () => (await texts(alice)).includes('I am Bob too'), "Dave's message to reach Alice")
    const history = await alice.cliJson<HistoryResponse>(['history', GROUP])
    const [bobView, daveView] = [history.authors[keys.bob as string], history.authors[keys.dave as string]]
    assert.equal(bobView?.name, 'Bob')
    assert.equal(daveView?.name, 'Bob')
    assert.equal(daveView?.nameShared, true)
    assert.notEqual(bobView?.fingerprint, daveView?.fingerprint)
    const shown = await alice.cli(['history', GROUP])
    assert.ok(shown.stdout.includes(`] Bob (${bobView?.fingerprint.slice(0, 11)}): Bob here`), shown.stdout)
    assert.ok(shown.stdout.includes(`] Bob (${daveView?.fingerprint.slice(0, 11)}): I am Bob too`), shown.stdout)

    const ambiguous = await cliError(alice.home, ['verify', GROUP, 'bob'])
    assert.equal(ambiguous.name, 'AmbiguousMemberError')
    assert.match(ambiguous.message, /"bob" could be any of 2 people in Climbing club: .*; name one by the start of their key/)
    assert.ok(ambiguous.message.includes(`key ${keys.bob?.slice(0, 8)}`) && ambiguous.message.includes(`key ${keys.dave?.slice(0, 8)}`))
    const byKey = await alice.cliJson<SafetyNumberResponse>(['verify', GROUP, (keys.dave as string).slice(0, 6)])
    assert.equal(byKey.member.key, keys.dave)
    const unknown = await cliError(alice.home, ['verify', GROUP, 'Mallory'])
    assert.equal(unknown.name, 'UnknownMemberError')
    assert.match(
      unknown.message,
      /no one in Climbing club goes by "Mallory" or has a key starting with it; `causette members "Climbing club"` lists the members/
    )

    await dave.cliJson(['profile', 'Dave'])
    await eventually(async () => (await members(alice)).members.some((m) => m.name === 'Dave'), "Dave's new name to reach Alice")
  })

  it('shows the same safety number on both sides, and records a member as verified only when the digits match', async () => {
    const [fromAlice, fromBob] = await Promise.all([
      alice.cliJson<SafetyNumberResponse>(['verify', GROUP, 'Bob']),
      bob.cliJson<SafetyNumberResponse>(['verify', GROUP, 'Alice'])
    ])
    assert.match(fromAlice.safetyNumber, /^\d{5}( \d{5}){11}$/)
    assert.equal(fromAlice.safetyNumber, fromBob.safetyNumber)
    assert.equal(fromAlice.verified, false)

    const wrong = fromBob.safetyNumber.replace(/^\d/, (d) => String((Number(d) + 1) % 10))
    const mismatch = await cliError(alice.home, ['verify', GROUP, 'Bob', '--confirm', wrong])
    assert.equal(mismatch.name, 'SafetyNumberMismatchError')
    assert.match(mismatch.message, /does not match the one this device computes with Bob: nothing was recorded/)
    assert.equal((await members(alice)).members.find((m) => m.name === 'Bob')?.verified, false)

    // read aloud and typed with spaces of its own
    const spoken = fromBob.safetyNumber.replaceAll(' ', '').replace(/(\d{3})/g, '$1 ')
    const confirmed = await alice.cli(['verify', GROUP, 'Bob', '--confirm', spoken])
    assert.equal(confirmed.code, 0, confirmed.stderr)
    assert.match(confirmed.stdout, /The safety numbers match: Bob is verified on this device\./)
    assert.equal((await members(alice)).members.find((m) => m.name === 'Bob')?.verified, true)
    assert.match((await alice.cli(['members', GROUP])).stdout, /Bob +member +verified, /)

    await alice.cliJson(['unverify', GROUP, 'Bob'])
    assert.equal((await members(alice)).members.find((m) => m.name === 'Bob')?.verified, false)
  })

  it('refuses removals and role changes by a member who is not an admin, with a 403 from the API', async () => {
    const remove = await bob.cli(['remove', GROUP, 'Dave'])
    assert.equal(remove.code, 1)
    assert.equal(remove.stderr, 'causette: only admins may remove members in Climbing club, and you are a member; ask its admin: Alice\n')
    const role = await cliError(bob.home, ['role', GROUP, 'Carol', 'admin'])
    assert.equal(role.name, 'AdminOnlyError')
    assert.match(role.message, /^only admins may change roles in Climbing club, and you are a member/)

    const token = (await readFile(join(bob.home, 'api-token'), 'utf8')).trim()
    const res = await fetch(`${bob.ready.api}/v1/groups/${groupId}/members/Dave`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })
    assert.equal(res.status, 403)
    assert.equal(((await res.json()) as { error: { name: string } }).error.name, 'AdminOnlyError')

    const lastAdmin = await cliError(alice.home, ['leave', GROUP])
    assert.equal(lastAdmin.name, 'LastAdminError')
    assert.match(lastAdmin.message, /you are the only admin of Climbing club: .*first make another member admin/)
    assert.deepEqual(
      (await members(alice)).members.map((m) => m.role),
      ['admin', 'member', 'member', 'member'],
      'nothing changed'
    )
  })

  it('promotes a member with role, who can then remove another', async () => {
    const promoted = await alice.cliJson<RoleResponse>(['role', GROUP, 'Bob', 'admin'])
    assert.equal(promoted.changed, true)
    await eventually(async () => (await members(bob)).members.find((m) => m.you)?.role === 'admin', 'Bob to learn he is an admin')

    const removed = await bob.cli(['remove', GROUP, (keys.dave as string).slice(0, 8)])
    assert.equal(removed.code, 0, removed.stderr)
    assert.match(removed.stdout, /^Removed Dave from Climbing club\. What is written from now on uses a new key Dave does not have\.$/m)
    for (const daemon of [alice, bob, carol]) {
      await eventually(async () => !(await members(daemon)).members.some((m) => m.key === keys.dave), 'the removal to reach everyone')
    }
    const again = await cliError(bob.home, ['remove', GROUP, 'Dave'])
    assert.equal(again.name, 'UnknownMemberError')
    assert.match(again.message, /^Dave was removed from Climbing club already$/)
  })

  it('leaves a removed member unable to read what is written after the removal, or to send, while the others chat on', async () => {
    await eventually(async () => (await members(dave)).membership === 'removed', 'Dave to see his removal')
    assert.match((await dave.cli(['members', GROUP])).stderr, /You were removed from Climbing club\./)

    await bob.cliJson(['send', GROUP, 'Now that Dave is gone'])
    await carol.cliJson(['send', GROUP, 'We go on'])
    for (const daemon of [alice, bob, carol]) {
      await eventually(
        async () => (await texts(daemon)).includes('We go on') && (await texts(daemon)).includes('Now that Dave is gone'),
        'the new messages'
      )
    }
    // Dave's daemon holds the new entries, sealed under a key it was never given
    const entries = async (daemon: DaemonProcess) =>
      (await daemon.cliJson<GroupsResponse>(['groups'])).groups.find((g) => g.id === groupId)?.entries ?? 0
    const written = await alice.cliJson<GroupsResponse>(['groups']).then((r) => r.groups[0]?.entries ?? 0)
    await eventually(async () => (await entries(dave)) >= written, "the new entries to reach Dave's daemon")
    assert.deepEqual(await texts(dave), ['Bob here', 'Carol here', 'I am Bob too'])

    const send = await dave.cli(['send', GROUP, 'Can you hear me?'])
    assert.equal(send.code, 1)
    assert.equal(
      send.stderr,
      'causette: you were removed from Climbing club: you can no longer send messages to it; to come back, ask a member for a new invite\n'
    )
  })

  it('hides a blocked member’s messages in history, also after a restart, and shows them again once unblocked', async () => {
    const blocked = await alice.cli(['block', GROUP, 'Carol'])
    assert.equal(blocked.code, 0, blocked.stderr)
    assert.match(blocked.stdout, /^Blocked Carol: their messages are hidden on this device/)
    assert.deepEqual(await texts(alice), ['Bob here', 'I am Bob too', 'Now that Dave is gone'])
    assert.equal((await members(alice)).members.find((m) => m.key === keys.carol)?.blocked, true)
    const list = await alice.cliJson<BlockedResponse>(['blocked'])
    assert.deepEqual(
      list.blocked.map((b) => [b.key, b.name]),
      [[keys.carol, 'Carol']]
    )

    await alice.stop()
    alice = await DaemonProcess.start(alice.home)
    assert.deepEqual(await texts(alice), ['Bob here', 'I am Bob too', 'Now that Dave is gone'], 'still hidden after a restart')

    const unblocked = await alice.cli(['unblock', GROUP, 'Carol'])
    assert.match(unblocked.stdout, /^Unblocked Carol: their messages show again\.$/m)
    assert.deepEqual(await texts(alice), ['Bob here', 'Carol here', 'I am Bob too', 'Now that Dave is gone', 'We go on'])
    assert.deepEqual((await alice.cliJson<BlockedResponse>(['blocked'])).blocked, [])
  })
})
