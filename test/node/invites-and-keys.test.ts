/**
 * Invites and keys through real daemons on 127.0.0.1: an invite's id, the
 * list of a group's invites, revoking one (admins only), a manual rekey,
 * and how soon a device joined with a valid link reads the history (the
 * join carries no key; a member who sees it grants one).
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, InviteResponse, InvitesResponse, RekeyResponse, RevokeInviteResponse } from '@causette/node'
import { DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

const HISTORY = 40
const TARGET_MS = 2000

/** A request to a daemon's control API, as the CLI makes it. */
async function api<T>(daemon: DaemonProcess, method: string, path: string, body?: object): Promise<T> {
  const { url } = JSON.parse(await readFile(join(daemon.home, 'api.json'), 'utf8')) as { url: string }
  const token = (await readFile(join(daemon.home, 'api-token'), 'utf8')).trim()
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const value = (await res.json()) as T
  assert.ok(res.ok, `${method} ${path}: ${JSON.stringify(value)}`)
  return value
}

async function texts(daemon: DaemonProcess, group: string): Promise<string[]> {
  const page = await api<HistoryResponse>(daemon, 'GET', `/v1/groups/${group}/messages?limit=1000`)
  return page.messages.map((m) => m.text)
}

describe('invites and keys, driven through the daemons', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let carol: DaemonProcess
  let groupId = ''

  before(async () => {
    dirs = await tempDir()
    ;[alice, bob, carol] = (await Promise.all(
      ['Alice', 'Bob', 'Carol'].map((name) => DaemonProcess.start(join(dirs.path, name.toLowerCase()), [...ISOLATED, '--name', name]))
    )) as [DaemonProcess, DaemonProcess, DaemonProcess]
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill(), carol?.kill()])
    await dirs?.remove()
  })

  it(`prints an invite's id, lists it, and lets a device joined with the link read a ${HISTORY}-message history within ${TARGET_MS / 1000} s of its join`, async () => {
    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Climbing club'])
    groupId = group.id
    for (let i = 0; i < HISTORY; i++) await api(alice, 'POST', `/v1/groups/${groupId}/messages`, { text: `message ${i}` })

    const printed = await alice.cli(['invite', 'Climbing club'])
    assert.equal(printed.code, 0, printed.stderr)
    const invite = await alice.cliJson<InviteResponse>(['invite', 'Climbing club', '--single-use'])
    assert.match(invite.id, /^[0-9a-f]{64}$/)
    assert.match(
      printed.stderr + printed.stdout,
      /Invite [0-9a-f]{12} to Climbing club.*--revoke [0-9a-f]{12}/s,
      'the id is shown with how to revoke it'
    )
    const listed = await alice.cliJson<InvitesResponse>(['invites', 'Climbing club'])
    const mine = listed.invites.find((i) => i.id === invite.id)
    assert.deepEqual(
      { by: mine?.by.name, singleUse: mine?.singleUse, used: mine?.used, state: mine?.state },
      { by: 'Alice', singleUse: true, used: false, state: 'usable' }
    )

    await api(bob, 'POST', '/v1/join', { link: invite.link, timeoutMs: 30_000 })
    const joined = performance.now()
    await eventually(async () => (await texts(bob, groupId)).length === HISTORY, `Bob to read all ${HISTORY} messages`, 15_000)
    const ms = Math.round(performance.now() - joined)
    console.log(`two daemons: time to read ${HISTORY} messages after a valid join ${ms} ms (target ${TARGET_MS})`)
    assert.ok(ms <= TARGET_MS, `Bob read the history ${ms} ms after his join`)
    await eventually(
      async () => (await alice.cliJson<InvitesResponse>(['invites', 'Climbing club'])).invites.some((i) => i.id === invite.id && i.state === 'used'),
      'the invite to show as used'
    )
  })

  it('revokes an invite (admins only): a join with its link then fails, saying so', async () => {
    const invite = await alice.cliJson<InviteResponse>(['invite', 'Climbing club'])
    await eventually(
      async () => (await bob.cliJson<InvitesResponse>(['invites', 'Climbing club'])).invites.some((i) => i.id === invite.id),
      'Bob to see the invite'
    )
    const refused = await bob.cli(['--json', 'invite', 'Climbing club', '--revoke', invite.id.slice(0, 12)])
    assert.equal(refused.code, 1)
    const error = (JSON.parse(refused.stderr.trim()) as { error: { name: string; message: string } }).error
    assert.equal(error.name, 'AdminOnlyError')
    assert.match(error.message, /only admins may revoke invites.*Alice/)

    const revoked = await alice.cliJson<RevokeInviteResponse>(['invite', 'Climbing club', '--revoke', invite.id.slice(0, 12)])
    assert.deepEqual(
      { changed: revoked.changed, state: revoked.invite.state, by: revoked.invite.revokedBy?.name },
      { changed: true, state: 'revoked', by: 'Alice' }
    )
    const again = await alice.cli(['invite', 'Climbing club', '--revoke', invite.id.slice(0, 12)])
    assert.match(again.stdout, /was revoked already/)

    const failed = await carol.cli(['--json', 'join', invite.link, '--timeout', '20s'])
    assert.equal(failed.code, 1)
    const joinError = (JSON.parse(failed.stderr.trim().split('\n').at(-1) as string) as { error: { name: string; message: string } }).error
    assert.equal(joinError.name, 'InviteRevokedError')
    assert.match(joinError.message, /revoked by an admin.*ask a member for a new one/)
    const members = await alice.cliJson<{ members: unknown[] }>(['members', 'Climbing club'])
    assert.equal(members.members.length, 2, 'Carol is not in the group')
  })

  it('rekeys by hand: any member may, and both read what is written after', async () => {
    const rekeyed = await bob.cliJson<RekeyResponse>(['rekey', 'Climbing club'])
    assert.match(rekeyed.epoch, /^[0-9a-f]{32}$/)
    await bob.cliJson(['send', 'Climbing club', 'under the new key'])
    await eventually(async () => (await texts(alice, groupId)).includes('under the new key'), 'Alice to read what Bob wrote under his new key')
    await alice.cliJson(['send', 'Climbing club', 'read you'])
    await eventually(async () => (await texts(bob, groupId)).includes('read you'), 'Bob to read Alice’s reply')
  })
})
