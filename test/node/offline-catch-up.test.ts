/**
 * A member who was away gets everything written meanwhile as soon as its
 * daemon is back, with no invite, bootstrap or mDNS: the daemon remembers
 * the members it met and dials them again. The catch-up shows its progress.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, GroupsResponse, HistoryResponse, InviteResponse } from '@causette/node'
import { DaemonProcess, eventually, type TempDir, tempDir } from './fixtures/daemons.ts'

const AWAY_MESSAGES = 500

describe('offline catch-up through the CLI', () => {
  let dirs: TempDir
  const running: DaemonProcess[] = []

  before(async () => {
    dirs = await tempDir()
  })

  after(async () => {
    await Promise.all(running.map((d) => d.kill()))
    await dirs?.remove()
  })

  it(`gives a member restarted after ${AWAY_MESSAGES} messages all of them, showing the catch-up as it goes`, async () => {
    const alice = await DaemonProcess.start(join(dirs.path, 'alice'))
    running.push(alice)
    let bob = await DaemonProcess.start(join(dirs.path, 'bob'))
    running.push(bob)
    assert.ok(
      bob.events().some((e) => e.type === 'key:generated'),
      'a first start says it made the device key'
    )

    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Expedition'])
    const { link } = await alice.cliJson<InviteResponse>(['invite', group.id])
    await bob.cliJson(['join', link])
    await eventually(
      async () => (await bob.cliJson<GroupsResponse>(['groups'])).groups.some((g) => g.id === group.id && g.entries > 0),
      'Bob to have the group'
    )

    await bob.stop()
    const lines = Array.from({ length: AWAY_MESSAGES }, (_, i) => `day ${i + 1}: still climbing`)
    const sent = await alice.cli(['send', group.id, '-'], { input: `${lines.join('\n')}\n` })
    assert.equal(sent.code, 0, sent.stderr)
    assert.match(sent.stdout, new RegExp(`^Sent ${AWAY_MESSAGES} messages\\.`))

    bob = await DaemonProcess.start(bob.home)
    running.push(bob)
    assert.ok(!bob.events().some((e) => e.type === 'key:generated'), 'a restart keeps the device key')
    await bob.waitForEvent((e) => e.type === 'group:opened' && e.groupId === group.id, 'Bob to open the group again')
    await eventually(
      async () => (await bob.cliJson<HistoryResponse>(['history', group.id, '--limit', '1000'])).messages.length === AWAY_MESSAGES,
      `Bob to have all ${AWAY_MESSAGES} messages`,
      60_000
    )
    const history = await bob.cliJson<HistoryResponse>(['history', group.id, '--limit', '1000'])
    assert.deepEqual(
      history.messages.map((m) => m.text),
      lines,
      'all of them, in order'
    )

    const progress = bob.events().filter((e) => e.type === 'sync:progress' && e.groupId === group.id)
    assert.ok(progress.length > 0, 'the catch-up showed its progress')
    assert.ok(
      progress.every((e) => (e.expected as number) >= AWAY_MESSAGES),
      'against the number of entries to come'
    )
    const finished = await bob.waitForEvent((e) => e.type === 'sync:finished' && e.groupId === group.id, 'the catch-up summary')
    assert.ok((finished.added as number) >= AWAY_MESSAGES, `${String(finished.added)} entries caught up`)
  })
})
