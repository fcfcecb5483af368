/**
 * The web app as static files from any host, with no daemon: two people
 * whose only way in is a community relay (a real causette-relay process)
 * set in their settings. They join and chat through it, end on a direct
 * WebRTC connection, and a message written while Bob's tab is closed
 * reaches him from the relay's blind mailbox after Alice's tab is closed
 * too — never online at the same time — and so does a file she attached
 * then: its sealed pieces are handed to the relay, which Bob downloads
 * them from, byte for byte.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { eventually, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { piecesKept } from '../relay/fixtures/mailbox-waits.ts'
import { localRelayFlags, type RelayRun, startRelay } from '../relay/fixtures/relay-process.ts'
import { launchChromium, type WatchedPage, watchedPage } from './fixtures/chromium.ts'
import { type StaticHost, staticHost } from './fixtures/static-files.ts'
import { assertAccessible, connectionsOf, ensureWebAppBuilt, peerIdOf, screenshot } from './fixtures/web-app.ts'

const WAIT = { timeout: 30_000 }

function messageBox(page: Page, text: string) {
  return page.locator('article.message', { hasText: text })
}

/** A person's tab on the static host, past the first run, with the relay in its settings (then reloaded to use it). */
async function tabWithRelay(browser: Browser, url: string, name: string, relay: string): Promise<WatchedPage> {
  const tab = await watchedPage(browser)
  await tab.page.goto(url)
  await tab.page.getByLabel('Your name, as others will see it').fill(name, WAIT)
  await tab.page.getByRole('button', { name: 'Start chatting' }).click()
  await tab.page.getByRole('note').filter({ hasText: 'not opened from a Causette daemon' }).waitFor(WAIT)
  await tab.page.getByRole('button', { name: 'Settings' }).click()
  await tab.page.getByLabel('Community relays, one address per line').fill(relay)
  await tab.page.getByRole('button', { name: 'Save' }).click()
  await tab.page.getByText('Reload the page to use the new relays').waitFor(WAIT)
  await tab.page.reload()
  await tab.page.getByRole('navigation', { name: 'Your groups' }).waitFor(WAIT)
  assert.equal(
    await tab.page.getByRole('note').filter({ hasText: 'not opened from a Causette daemon' }).count(),
    0,
    'the note goes once a relay is set'
  )
  return tab
}

describe('the web app as static files, through a community relay', { timeout: 300_000 }, () => {
  let dir: TempDir
  let relay: RelayRun
  let host: StaticHost
  let browser: Browser
  let alice: WatchedPage
  let bob: WatchedPage
  let relayWs = ''

  before(async () => {
    await ensureWebAppBuilt()
    dir = await tempDir('causette-static-')
    relay = await startRelay(localRelayFlags(dir.path))
    relayWs = relay.addresses.find((a) => a.includes('/ws/')) as string
    assert.ok(relayWs !== undefined, `the relay listens on WebSockets: ${relay.addresses.join(' ')}`)
    host = await staticHost()
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await host?.close()
    await relay?.stop()
    await dir?.remove()
  })

  it('with no daemon, a tab says it has no one to reach until a relay is set', async () => {
    alice = await tabWithRelay(browser, host.url, 'Alice', relayWs)
    bob = await tabWithRelay(browser, host.url, 'Bob', relayWs)
    const relayId = relay.peerId
    await eventually(async () => (await connectionsOf(alice.page)).some((c) => c.peer === relayId), 'Alice’s tab connected to the relay')
  })

  it('they join and chat through the relay, then directly over WebRTC', async () => {
    await alice.page.getByLabel('New group').fill('Book club')
    await alice.page.getByRole('button', { name: 'Create' }).click()
    await alice.page.getByRole('heading', { name: 'Book club' }).waitFor(WAIT)
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('First book: Dune')
    await alice.page.keyboard.press('Enter')
    await alice.page.getByRole('button', { name: 'Invite' }).click()
    await alice.page.getByRole('button', { name: 'Create link' }).click()
    const link = await alice.page.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue(WAIT)
    assert.ok(link.startsWith(host.url), 'the link opens the app where Alice has it')
    await alice.page.getByRole('button', { name: 'Close' }).click()
    await bob.page.goto(link)
    await bob.page.getByRole('heading', { name: 'Book club', exact: true }).waitFor(WAIT)
    await messageBox(bob.page, 'First book: Dune').waitFor(WAIT)
    await bob.page.getByRole('textbox', { name: 'Message' }).fill('Love it')
    await bob.page.keyboard.press('Enter')
    await messageBox(alice.page, 'Love it').waitFor(WAIT)
    const bobId = await peerIdOf(bob.page)
    await eventually(
      async () => (await connectionsOf(alice.page)).some((c) => c.peer === bobId && c.direct === 'webrtc' && !c.limited),
      'a WebRTC connection from Alice to Bob'
    )
    await screenshot(alice.page, 'static-01-chat')
    await assertAccessible(alice.page, 'chat through a relay')
    await alice.page.getByText('kept by 1 relay').waitFor(WAIT)
  })

  it('a message and a file written while Bob is away reach him from the relay after Alice is gone too', async () => {
    await bob.page.close()
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('Meeting moved to Friday')
    await alice.page.keyboard.press('Enter')
    await messageBox(alice.page, 'Meeting moved to Friday').waitFor(WAIT)
    // the relay's mailbox holds it once Alice's tab has synced with it (a moment after the write)
    await alice.page.getByText(/kept by 1 relay/).waitFor(WAIT)
    // a file too: its pieces go to the relay right after it is sent
    const before = await piecesKept(relay)
    const minutes = randomBytes(300_000)
    const [chooser] = await Promise.all([
      alice.page.waitForEvent('filechooser', WAIT),
      alice.page.getByRole('button', { name: 'Attach a file' }).click()
    ])
    await chooser.setFiles({ name: 'minutes.bin', mimeType: 'application/octet-stream', buffer: minutes })
    await messageBox(alice.page, 'minutes.bin').waitFor(WAIT)
    // two pieces of 256 KiB at most, and the manifest
    await eventually(async () => (await piecesKept(relay)) >= before + 3, 'the relay keeps the file’s pieces')
    await new Promise((resolve) => setTimeout(resolve, 2000))
    await alice.page.close()
    const page = await bob.context.newPage()
    page.on('pageerror', (err) => bob.errors.push(`uncaught: ${err.stack ?? err.message}`))
    bob.page = page
    await page.goto(host.url)
    await page.getByRole('button', { name: /^Book club/ }).click(WAIT)
    await messageBox(page, 'Meeting moved to Friday').waitFor(WAIT)
    const [saved] = await Promise.all([
      page.waitForEvent('download', WAIT),
      messageBox(page, 'minutes.bin')
        .getByRole('button', { name: /^Download minutes\.bin/ })
        .click(WAIT)
    ])
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
    assert.equal(sha256(await readFile(await saved.path())), sha256(minutes), 'the file, byte for byte, from the relay')
    const aliceGone = (await connectionsOf(page)).every((c) => c.peer === relay.peerId)
    assert.ok(aliceGone, 'Bob’s tab reached no one but the relay')
    await screenshot(page, 'static-02-from-mailbox')
  })

  it('no page had an uncaught error', () => {
    assert.deepEqual(alice.errors, [])
    assert.deepEqual(bob.errors, [])
  })
})
