/**
 * Desktop notifications from real daemons, on a real session bus: Alice's
 * daemon runs with a D-Bus session bus (dbus-daemon) on which a desktop's
 * notification service answers; Bob's runs with none. A mention Bob sends
 * reaches Alice's desktop naming the group and Bob; a plain message does not
 * (mentions and replies by default), her own messages never, a muted group
 * not even for a mention, and a burst of messages becomes one notification.
 * Bob's daemon, with no desktop, says so and chats all the same.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupsResponse } from '@causette/node'
import { aliceAndBob, cliError, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir, withoutDesktop } from './fixtures/daemons.ts'
import { NotificationService, type SessionBus, startSessionBus } from './fixtures/session-bus.ts'

describe('desktop notifications', () => {
  let dirs: TempDir
  let bus: SessionBus
  let desktop: NotificationService
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''

  before(async () => {
    dirs = await tempDir()
    bus = await startSessionBus(dirs.path)
    desktop = await NotificationService.start(bus)
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Expedition', {
      aliceEnv: { ...withoutDesktop(), DBUS_SESSION_BUS_ADDRESS: bus.address }
    }))
    await alice.cliJson(['send', groupId, 'Who brings the ropes?'])
    await eventually(
      async () => /Alice: Who brings the ropes\?/.test((await bob.cli(['history', groupId])).stdout),
      'Alice’s message, by name, at Bob’s'
    )
  })

  after(async () => {
    // stopped, not killed: the daemon ends the gdbus calls it started
    await Promise.all([alice?.stop(), bob?.stop()])
    desktop?.close()
    await bus?.stop()
    await dirs?.remove()
  })

  /** Past the window in which notifications of one group are grouped into one (notification-bursts.ts). */
  const burstOver = () => new Promise((resolve) => setTimeout(resolve, 3500))
  const unreadAtAlice = async () => (await alice.cliJson<GroupsResponse>(['groups'])).groups.find((g) => g.id === groupId)?.unread ?? 0

  it('says at start whether the desktop shows notifications: Alice’s does, Bob’s has no session bus', async () => {
    const said = (d: DaemonProcess) => d.events().find((e) => e.type === 'notifications')
    await eventually(() => said(alice) !== undefined && said(bob) !== undefined, 'both daemons to say whether notifications are on')
    assert.equal(said(alice)?.available, true, JSON.stringify(said(alice)))
    assert.equal(said(bob)?.available, false)
    assert.match(String(said(bob)?.reason), /no desktop session bus/)
  })

  it('shows a mention from Bob on Alice’s desktop, naming the group and Bob; a plain message and her own do not notify', async () => {
    await bob.cliJson(['send', groupId, 'Nice weather today'])
    await alice.cliJson(['send', groupId, '@Alice note to self: buy chalk'])
    await bob.cliJson(['send', groupId, '@Alice I bring the ropes'])
    await eventually(() => desktop.shown.length > 0, 'a notification on Alice’s desktop')
    // the plain message went first: had it notified, it would be the first shown
    assert.deepEqual(
      desktop.shown.map((n) => [n.app, n.summary, n.body]),
      [['Causette', 'Bob mentioned you in Expedition', '@Alice I bring the ropes']]
    )
  })

  it('a muted group notifies nothing, not even a mention, but still counts it unread; unmuted, it notifies again', async () => {
    const muted = await alice.cli(['mute', 'Expedition', '--for', '8h'])
    assert.equal(muted.code, 0, muted.stderr)
    assert.match(muted.stdout, /Muted Expedition until (\d{2}:\d{2}|\d{4}-\d\d-\d\d \d\d:\d\d)\./)
    assert.match((await alice.cli(['groups'])).stdout, /Expedition .*muted until/)
    const shownBefore = desktop.shown.length
    const unreadBefore = await unreadAtAlice()
    await bob.cliJson(['send', groupId, '@Alice are you muted?'])
    await eventually(async () => (await unreadAtAlice()) > unreadBefore, 'the muted mention counted unread at Alice’s')
    await burstOver()
    const unmuted = await alice.cli(['unmute', 'Expedition'])
    assert.equal(unmuted.code, 0, unmuted.stderr)
    assert.doesNotMatch((await alice.cli(['groups'])).stdout, /muted/)
    await bob.cliJson(['send', groupId, '@Alice back again'])
    await eventually(() => desktop.shown.length > shownBefore, 'the mention after unmuting on Alice’s desktop')
    assert.deepEqual(
      desktop.shown.slice(shownBefore).map((n) => n.body),
      ['@Alice back again']
    )
  })

  it('with every message notifying, a burst of five becomes one notification: "5 new messages in Expedition"', async () => {
    const level = await alice.cli(['notify', 'Expedition', 'all'])
    assert.equal(level.code, 0, level.stderr)
    assert.match(level.stdout, /Expedition notifies you of every message\./)
    await burstOver()
    const shownBefore = desktop.shown.length
    const sent = await bob.cli(['send', groupId, '-'], { input: 'one\ntwo\nthree\nfour\nfive\n' })
    assert.equal(sent.code, 0, sent.stderr)
    await eventually(() => desktop.shown.slice(shownBefore).some((n) => n.summary.includes('new messages')), 'the burst’s notification', 15_000)
    const burst = desktop.shown.slice(shownBefore)
    assert.equal(burst[0]?.summary, 'Bob in Expedition')
    assert.equal(burst[0]?.body, 'one')
    assert.equal(burst.at(-1)?.summary, '5 new messages in Expedition')
    assert.equal(burst.at(-1)?.body, 'From Bob')
    assert.ok((burst.at(-1)?.replaces ?? 0) > 0, 'in place of the first one')
    assert.equal(burst.length, 2, JSON.stringify(burst))
  })

  it('refuses an unknown group, a duration it cannot read and a level it does not know, saying what to write', async () => {
    const unknown = await cliError(alice.home, ['mute', 'Nowhere'])
    assert.equal(unknown.name, 'UnknownGroupError')
    const duration = await cliError(alice.home, ['mute', 'Expedition', '--for', 'eight hours'])
    assert.equal(duration.name, 'InvalidDurationError')
    assert.match(duration.message, /e\.g\. 90s, 30m, 12h/)
    const short = await cliError(alice.home, ['mute', 'Expedition', '--for', '10s'])
    assert.match(short.message, /at least a minute .* or --for forever/)
    const loud = await cliError(alice.home, ['notify', 'Expedition', 'loud'])
    assert.match(loud.message, /say all, mentions or off/)
  })

  it('a daemon turned off with --no-notifications says so and shows nothing, even with a desktop', async () => {
    const carol = await DaemonProcess.start(join(dirs.path, 'carol'), [...ISOLATED, '--no-notifications'], {
      env: { ...withoutDesktop(), DBUS_SESSION_BUS_ADDRESS: bus.address }
    })
    try {
      const said = await carol.waitForEvent((e) => e.type === 'notifications', 'Carol’s daemon to say whether notifications are on')
      assert.equal(said.available, false)
      assert.match(String(said.reason), /--no-notifications/)
    } finally {
      await carol.stop()
    }
  })
})
