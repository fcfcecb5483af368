/**
 * A tab on a LAN with no internet chats with another machine of that LAN:
 * two hosts (network namespaces on one bridge, test/node/fixtures/lan.ts),
 * a daemon on each; Chromium runs on the first host and opens the web app
 * its daemon serves; Bob, at the terminal of the second host, makes a group
 * and an invite that carries no address. The tab joins with it — reaching
 * Bob's daemon over the LAN because the daemon that served it found Bob's by
 * mDNS and told the tab (config.json) — and they chat both ways.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseInvite } from '@causette/core'
import type { GroupSummary, InviteResponse } from '@causette/node'
import type { Browser } from 'playwright-core'
import { DaemonProcess, eventually, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { Lan } from '../node/fixtures/lan.ts'
import { launchChromium, type WatchedPage } from './fixtures/chromium.ts'
import { assertAccessible, connectionsOf, ensureWebAppBuilt, personTab, screenshot } from './fixtures/web-app.ts'

const SUBNET = '10.231.79'
const WAIT = { timeout: 30_000 }
/** Every interface of its host (so the LAN reaches it), free ports, mDNS on. */
const FLAGS = ['--api-port', '0', '--p2p-port', '0']

describe('a tab on a LAN with no internet', { timeout: 240_000 }, () => {
  let dirs: TempDir
  let lan: Lan
  let host: DaemonProcess
  let bob: DaemonProcess
  let browser: Browser
  let alice: WatchedPage

  before(async () => {
    await ensureWebAppBuilt()
    dirs = await tempDir('causette-lan-web-')
    lan = await Lan.create(2, SUBNET)
    ;[host, bob] = (await Promise.all([
      DaemonProcess.start(join(dirs.path, 'host'), FLAGS, { netns: lan.hosts[0] as string }),
      DaemonProcess.start(join(dirs.path, 'bob'), [...FLAGS, '--name', 'Bob'], { netns: lan.hosts[1] as string })
    ])) as [DaemonProcess, DaemonProcess]
    browser = await launchChromium({ netns: lan.hosts[0] as string })
  })

  after(async () => {
    await browser?.close()
    await Promise.all([host?.kill(), bob?.kill()])
    await lan?.teardown()
    await dirs?.remove()
  })

  it('joins a group of a daemon on another machine of the LAN and chats with it both ways', async () => {
    const { group } = await bob.cliJson<{ group: GroupSummary }>(['create', 'Allotment'])
    const sent = await bob.cli(['send', group.id, 'Tomatoes are ripe'])
    assert.equal(sent.code, 0, sent.stderr)
    const invite = await bob.cliJson<InviteResponse>(['invite', group.id, '--no-addresses'])
    assert.deepEqual(parseInvite(invite.link).addresses, [], 'the invite names no address: only mDNS can bring them together')
    const url = (host.ready as unknown as { webApp: string }).webApp

    alice = await personTab(browser, url, 'Alice')
    // what the serving daemon tells its tabs of the LAN (config.json): Bob's daemon, found by mDNS
    const lanOf = () =>
      alice.page.evaluate(async () => {
        const config = (await (await fetch('./config.json')).json()) as { lan?: Array<{ peerId: string; addresses: string[] }> }
        return config.lan ?? []
      })
    await eventually(async () => (await lanOf()).some((p) => p.peerId === bob.ready.peerId), 'the serving daemon to tell of Bob’s, found by mDNS')
    assert.ok(
      (await lanOf()).every((p) => p.addresses.every((a) => a.startsWith(`/ip4/${SUBNET}.`) && a.includes('/ws/'))),
      'only WebSockets addresses on the LAN are passed on'
    )
    await alice.page.goto(`${url}#join=${invite.link.slice('causette:join/'.length)}`)
    await alice.page.getByRole('heading', { name: 'Allotment', exact: true }).waitFor(WAIT)
    await alice.page.locator('article.message', { hasText: 'Tomatoes are ripe' }).waitFor(WAIT)
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('I will bring baskets')
    await alice.page.keyboard.press('Enter')
    await eventually(async () => (await bob.cli(['history', group.id])).stdout.includes('I will bring baskets'), 'the tab’s message at Bob’s')
    const bobPeer = bob.ready.peerId
    const toBob = (await connectionsOf(alice.page)).find((c) => c.peer === bobPeer)
    assert.equal(toBob?.direct, 'websockets', 'the tab is connected to Bob’s daemon directly, over the LAN')
    await screenshot(alice.page, 'lan-01-chat')
    await assertAccessible(alice.page, 'chat across the LAN')
    assert.deepEqual(alice.errors, [])
  })
})
