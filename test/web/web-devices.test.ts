/**
 * A browser tab becomes a device of the person whose daemon serves it
 * (docs/devices.md): `causette link` on the daemon prints a web link; a
 * fresh tab opens it and shows a six-digit code, the same the terminal
 * shows; the person types `y` there; the tab is then Alice in her group,
 * with its history, and what it writes reaches Bob as Alice's — one
 * person with two devices. The used link, opened in another fresh tab, is
 * refused in words. The other way round, a tab that is its person's first
 * device links a fresh daemon from its settings. The linked tab verifies
 * Bob by the digits his terminal shows, and by the QR code of them, read
 * with the camera (Chromium's stand-in camera films that code). Screens
 * photographed and checked with axe-core; any uncaught page error fails.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { HistoryResponse, MembersResponse, SafetyNumberResponse } from '@causette/node'
import type { Browser, Page } from 'playwright-core'
import type { LinkOfferState } from '../../node/src/api/device-types.ts'
import { DaemonProcess, eventually, ISOLATED, type LiveCommand, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { FAKE_MEDIA, launchChromium, type WatchedPage, watchedPage } from './fixtures/chromium.ts'
import { fakeCameraFlags, writeQrVideo } from './fixtures/qr-video.ts'
import { assertAccessible, personTab, type ServingDaemon, screenshot, servingDaemon } from './fixtures/web-app.ts'

const WAIT = { timeout: 30_000 }
const GROUP = 'Climbing'

function messageBox(page: Page, text: string) {
  return page.locator('article.message', { hasText: text })
}

describe('a browser tab linked to the daemon that serves it, as the same person', { timeout: 300_000 }, () => {
  let served: ServingDaemon
  let dir: TempDir
  let bob: DaemonProcess
  let browser: Browser
  let tab: WatchedPage
  let stranger: WatchedPage
  let offering: LiveCommand
  let dana: WatchedPage
  const daemons: DaemonProcess[] = []
  let webLink = ''

  before(async () => {
    served = await servingDaemon()
    dir = await tempDir()
    bob = await DaemonProcess.start(join(dir.path, 'bob'), [...ISOLATED, '--name', 'Bob'])
    const alice = served.daemon
    assert.equal((await alice.cli(['profile', 'Alice'])).code, 0)
    await alice.cliJson(['create', GROUP])
    const invite = await alice.cliJson<{ link: string }>(['invite', GROUP])
    await bob.cliJson(['join', invite.link, '--timeout', '60s'])
    await alice.cliJson(['send', GROUP, 'Sunday at 10?'])
    await eventually(
      async () => (await bob.cliJson<HistoryResponse>(['history', GROUP])).messages.some((m) => m.text === 'Sunday at 10?'),
      'Bob reads Alice'
    )
    // the camera films the QR code Bob's terminal prints for Alice (`causette verify`: the digits, without spaces)
    await eventually(async () => (await bob.cli(['verify', GROUP, 'Alice'])).code === 0, 'Bob to know Alice by her name')
    const fromBob = await bob.cliJson<SafetyNumberResponse>(['verify', GROUP, 'Alice'])
    const video = join(dir.path, 'bob-qr.y4m')
    await writeQrVideo(video, fromBob.safetyNumber.replaceAll(' ', ''))
    browser = await launchChromium({ args: [...FAKE_MEDIA, ...fakeCameraFlags(video)] })
  })

  after(async () => {
    await offering?.kill()
    for (const d of daemons) await d.kill()
    await browser?.close()
    await bob?.kill()
    await served?.stop()
    await dir?.remove()
  })

  it('the tab shows the code the terminal shows; once confirmed there, it is Alice in her group, with its history', async () => {
    offering = served.daemon.follow(['link'], { typing: true })
    const offer = (await offering.waitForEvent((e) => typeof e.webLink === 'string', 'the link')) as { webLink: string }
    webLink = offer.webLink
    assert.ok(webLink.startsWith(served.url), 'the link opens the app this daemon serves')
    tab = await watchedPage(browser)
    await tab.page.goto(webLink)
    const shown = tab.page.getByRole('status', { name: /^Code \d{3} \d{3}$/ })
    await shown.waitFor(WAIT)
    const code = (await shown.textContent())?.trim()
    await screenshot(tab.page, 'devices-01-code')
    await assertAccessible(tab.page, 'the code to compare')
    const arrived = (await offering.waitForEvent((e) => e.state === 'arrived', 'the tab at the daemon')) as unknown as LinkOfferState & {
      state: 'arrived'
    }
    assert.equal(arrived.code, code, 'the terminal and the tab show the same code')
    assert.match(arrived.name, /tab$/)
    await offering.waitForNote(/Does the new device show \d{3} \d{3}\? \[y\/N\]/)
    offering.type('y')
    await tab.page.getByRole('status').filter({ hasText: 'Linked: this tab is you now, in your 1 group.' }).waitFor(WAIT)
    await screenshot(tab.page, 'devices-02-linked')
    await assertAccessible(tab.page, 'linked')
    await offering.exited
    assert.equal(offering.process.exitCode, 0, offering.stderr)

    await tab.page.getByRole('button', { name: 'Open my groups' }).click()
    await tab.page.getByRole('button', { name: new RegExp(`^${GROUP}`) }).click(WAIT)
    await messageBox(tab.page, 'Sunday at 10?').waitFor(WAIT)
    assert.equal(
      (await messageBox(tab.page, 'Sunday at 10?').locator('.author').textContent())?.trim(),
      'You',
      'what she wrote on her daemon is hers in the tab'
    )
    assert.equal(await tab.page.getByRole('button', { name: /^Your devices/ }).count(), 0, 'the person’s own group of devices is no chat in the list')
    await screenshot(tab.page, 'devices-03-history')
  })

  it('what the tab writes reaches Bob as Alice’s, and Bob sees one Alice with two devices', async () => {
    await tab.page.getByRole('textbox', { name: 'Message' }).fill('From my browser')
    await tab.page.keyboard.press('Enter')
    await eventually(async () => /\] Alice: From my browser/.test((await bob.cli(['history', GROUP])).stdout), 'Bob reads it from Alice', 60_000)
    const members = await bob.cliJson<MembersResponse>(['members', GROUP])
    assert.equal(members.members.length, 2, 'two people')
    assert.equal(members.members.find((m) => m.name === 'Alice')?.devices.length, 2, 'Alice with two devices')
  })

  it('a reaction is the person’s: made on her daemon, it is hers in the tab, and the tab takes it back', async () => {
    const sundayAt = async (who: DaemonProcess) =>
      (await who.cliJson<HistoryResponse>(['history', GROUP])).messages.find((m) => m.text === 'Sunday at 10?')
    const sunday = await sundayAt(served.daemon)
    assert.ok(sunday !== undefined)
    await served.daemon.cliJson(['react', GROUP, sunday.id, '👍'])
    await eventually(async () => (await sundayAt(bob))?.reactions.length === 1, 'Bob sees Alice’s 👍', 60_000)
    const thumbs = messageBox(tab.page, 'Sunday at 10?').getByRole('button', { name: '👍 1: you' })
    await thumbs.waitFor(WAIT)
    assert.equal(await thumbs.getAttribute('aria-pressed'), 'true', 'made on her daemon, pressed in her tab')
    await thumbs.click()
    await eventually(async () => (await sundayAt(bob))?.reactions.length === 0, 'Bob sees it taken back from the tab', 60_000)
    assert.deepEqual((await sundayAt(served.daemon))?.reactions, [], 'taken back on the daemon too')
  })

  it('settings follow between the tab and her daemon after linking: a mute made on one is lifted on the other', async () => {
    type Groups = { groups: Array<{ name: string; muted?: { until?: number } }> }
    const mutedAtDaemon = async () => (await served.daemon.cliJson<Groups>(['groups'])).groups.find((g) => g.name === GROUP)?.muted
    assert.equal((await served.daemon.cli(['mute', GROUP, '--for', '8h'])).code, 0)
    const unmute = tab.page.getByRole('button', { name: 'Unmute' })
    await unmute.waitFor(WAIT)
    assert.match((await tab.page.locator('.muted-until').textContent()) ?? '', /^Muted until /, 'the daemon’s mute, in the tab')
    await screenshot(tab.page, 'devices-03b-muted-from-daemon')
    await unmute.click()
    await eventually(async () => (await mutedAtDaemon()) === undefined, 'the daemon to take the unmute made in the tab', 60_000)
  })

  it('the tab verifies Bob by typing the digits his terminal shows: one safety number for Alice on every device', async () => {
    const fromBob = await bob.cliJson<SafetyNumberResponse>(['verify', GROUP, 'Alice'])
    await tab.page.getByRole('button', { name: 'Members' }).click()
    const row = tab.page.locator('li.member', { hasText: 'Bob' })
    await row.getByText('Safety number').click()
    assert.equal(((await row.locator('.safety-number').textContent()) ?? '').trim(), fromBob.safetyNumber, 'the tab shows what Bob sees for Alice')
    const digits = row.getByLabel(/^Or type the digits Bob’s device shows/)
    await digits.fill(fromBob.safetyNumber.replace(/^\d/, (d) => String((Number(d) + 1) % 10)))
    await row.getByRole('button', { name: 'Check' }).click()
    await row.getByRole('alert').filter({ hasText: 'These digits are not the safety number' }).waitFor(WAIT)
    await assertAccessible(tab.page, 'digits that do not match')
    await digits.fill(fromBob.safetyNumber.replaceAll(' ', ''))
    await row.getByRole('button', { name: 'Check' }).click()
    await row.getByText('verified', { exact: true }).waitFor(WAIT)
    await screenshot(tab.page, 'devices-07-verified-by-digits')
    await tab.page.getByRole('button', { name: 'Close' }).click()
    // the verification follows her to her daemon
    await eventually(
      async () => (await served.daemon.cliJson<MembersResponse>(['members', GROUP])).members.find((m) => m.name === 'Bob')?.verified === true,
      'her daemon to take the verification made in the tab',
      60_000
    )
  })

  it('the tab verifies Bob by scanning his QR code with the camera, once the browser allows it', async () => {
    await tab.page.getByRole('button', { name: 'Members' }).click()
    const row = tab.page.locator('li.member', { hasText: 'Bob' })
    await row.getByText('Safety number').click()
    await row.getByRole('button', { name: 'Unmark as verified' }).click()
    await row.getByText('verified', { exact: true }).waitFor({ state: 'detached', ...WAIT })
    const scan = row.getByRole('button', { name: 'Scan Bob’s QR code with the camera' })
    // the browser has not allowed the camera: said in words, with what to do
    await scan.click()
    await row.getByRole('alert').filter({ hasText: 'did not allow Causette to use the camera' }).waitFor(WAIT)
    await screenshot(tab.page, 'devices-08-camera-not-allowed')
    await assertAccessible(tab.page, 'camera not allowed')
    await tab.context.grantPermissions(['camera'], { origin: new URL(served.url).origin })
    await scan.click()
    await row.getByText('verified', { exact: true }).waitFor(WAIT)
    assert.equal(await row.getByRole('alert').count(), 0, 'no problem left on screen')
    await screenshot(tab.page, 'devices-09-verified-by-qr')
    await tab.page.getByRole('button', { name: 'Close' }).click()
  })

  it('the used link, opened in another fresh tab, is refused in words', async () => {
    stranger = await watchedPage(browser)
    await stranger.page.goto(webLink)
    await stranger.page
      .getByRole('alert')
      .filter({ hasText: /expired or was already used/ })
      .waitFor(WAIT)
    await screenshot(stranger.page, 'devices-04-used-link')
    await assertAccessible(stranger.page, 'a used link')
    assert.equal(await stranger.page.getByRole('navigation', { name: 'Your groups' }).count(), 0)
  })

  it('a tab that is its person’s first device links a new daemon from its settings, and the daemon takes its groups', async () => {
    dana = await personTab(browser, served.url, 'Dana')
    await dana.page.getByLabel('New group').fill('Garden')
    await dana.page.getByRole('button', { name: 'Create' }).click()
    await dana.page.getByRole('heading', { name: 'Garden' }).waitFor(WAIT)
    await dana.page.getByRole('textbox', { name: 'Message' }).fill('Tomatoes are in')
    await dana.page.keyboard.press('Enter')
    await messageBox(dana.page, 'Tomatoes are in').waitFor(WAIT)
    await dana.page.getByRole('button', { name: 'Settings' }).click()
    await dana.page.getByRole('button', { name: 'Link a new device' }).click(WAIT)
    const text = await dana.page.getByLabel(/^Open this on your new device/).inputValue(WAIT)
    assert.match(text, /^causette:link\//)
    await screenshot(dana.page, 'devices-05-tab-offers-a-link')
    await assertAccessible(dana.page, 'a tab offering a device link')
    const laptop = await DaemonProcess.start(join(dir.path, 'dana-laptop'), [...ISOLATED])
    daemons.push(laptop)
    const accepting = laptop.follow(['link', text, '--name', 'laptop'])
    const coded = (await accepting.waitForEvent((e) => typeof e.code === 'string', 'the code at the daemon')) as { code: string }
    await dana.page
      .getByRole('status')
      .filter({ hasText: `A device named “laptop” wants to become yours. It shows the code ${coded.code}.` })
      .waitFor(WAIT)
    await screenshot(dana.page, 'devices-06-tab-compares-codes')
    await dana.page.getByRole('button', { name: 'Yes, it shows this code' }).click()
    await dana.page.getByRole('status').filter({ hasText: 'Linked laptop: it joins your 1 group and receives their history.' }).waitFor(WAIT)
    await accepting.waitForEvent((e) => e.state === 'linked', 'the daemon linked')
    await eventually(
      async () =>
        (await laptop.cliJson<HistoryResponse>(['history', 'Garden']).catch(() => ({ messages: [] }))).messages.some(
          (m) => m.text === 'Tomatoes are in'
        ),
      'the daemon reads Dana’s group',
      60_000
    )
    await dana.page.getByRole('button', { name: 'Close' }).click()
  })

  it('no page had an uncaught error', () => {
    assert.deepEqual(tab.errors, [])
    assert.deepEqual(stranger.errors, [])
    assert.deepEqual(dana.errors, [])
  })
})
