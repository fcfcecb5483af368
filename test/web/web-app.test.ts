/**
 * The web app end to end: a real daemon serves it, two independent
 * Chromium contexts (two people, two devices) use it as a person would, and
 * a CLI user of the same daemon's machine is in the group too. Each screen
 * is photographed and checked with axe-core; any uncaught page error fails.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { eventually } from '../node/fixtures/daemons.ts'
import { launchChromium, type WatchedPage, watchedPage } from './fixtures/chromium.ts'
import { type PageNotification, recordNotifications } from './fixtures/page-notifications.ts'
import { reportTabsIfFailed } from './fixtures/tab-report.ts'
import { assertAccessible, connectionsOf, peerIdOf, personTab, type ServingDaemon, screenshot, servingDaemon } from './fixtures/web-app.ts'

const WAIT = { timeout: 30_000 }

function messageBox(page: Page, text: string) {
  return page.locator('article.message', { hasText: text })
}

describe('the web app, two people in two browsers and one on the CLI', { timeout: 300_000 }, () => {
  let served: ServingDaemon
  let browser: Browser
  let alice: WatchedPage
  let bob: WatchedPage
  let link = ''
  let shown: () => Promise<PageNotification[]>

  before(async () => {
    served = await servingDaemon()
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await served?.stop()
  })

  // a step that failed says what each tab was connected to and held then, for whoever reads CI's log
  afterEach(async (t) => {
    await reportTabsIfFailed(t, { Alice: alice, Bob: bob })
  })

  it('first run asks for a name and shows the device’s safety number', async () => {
    // the browser's permission to notify, granted as Alice would, and each notification recorded
    alice = await personTab(browser, served.url, 'Alice', {
      beforeOpen: async (tab) => {
        shown = await recordNotifications(tab, new URL(served.url).origin)
      }
    })
    bob = await personTab(browser, served.url, 'Bob')
    await screenshot(bob.page, '01-after-first-run')
    await assertAccessible(bob.page, 'group list (empty)')
  })

  it('Alice creates a group and makes an invite link with a QR code', async () => {
    await alice.page.getByLabel('New group').fill('Climbing')
    await alice.page.getByRole('button', { name: 'Create' }).click()
    await alice.page.getByRole('heading', { name: 'Climbing' }).waitFor(WAIT)
    await assertAccessible(alice.page, 'chat (empty)')
    await alice.page.getByRole('button', { name: 'Invite' }).click()
    await alice.page.getByRole('button', { name: 'Create link' }).click()
    link = await alice.page.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue(WAIT)
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#join=/)
    await alice.page.getByRole('img', { name: 'QR code of the invite link' }).waitFor(WAIT)
    await screenshot(alice.page, '02-invite-dialog')
    await assertAccessible(alice.page, 'invite dialog')
    await alice.page.getByRole('button', { name: 'Close' }).click()
  })

  it('Bob opens the link, joins, and they chat both ways', async () => {
    await bob.page.goto(link)
    await bob.page.getByRole('heading', { name: 'Climbing', exact: true }).waitFor(WAIT)
    await screenshot(bob.page, '03-joined')
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('Sunday at 10?')
    await alice.page.keyboard.press('Enter')
    await messageBox(bob.page, 'Sunday at 10?').waitFor(WAIT)
    // Bob's tab read it (a read marker): Alice sees it under her newest message
    await messageBox(alice.page, 'Sunday at 10?').getByText('Seen by Bob').waitFor(WAIT)
    await bob.page.getByRole('textbox', { name: 'Message' }).fill('Count me in')
    await bob.page.keyboard.press('Enter')
    await messageBox(alice.page, 'Count me in').waitFor(WAIT)
    assert.match((await messageBox(alice.page, 'Count me in').textContent()) ?? '', /Bob/)
    await screenshot(alice.page, '04-chat')
    await assertAccessible(alice.page, 'chat')
  })

  it('Bob sees Alice typing, and no longer once she clears the field', async () => {
    const field = alice.page.getByRole('textbox', { name: 'Message' })
    await field.pressSequentially('Shall we', { delay: 20 })
    await bob.page.getByText('Alice is typing…').waitFor(WAIT)
    await screenshot(bob.page, '04b-typing')
    await field.fill('')
    await bob.page.getByText('Alice is typing…').waitFor({ state: 'detached', ...WAIT })
  })

  it('Bob reacts, Alice edits and deletes, and both see it', async () => {
    await messageBox(bob.page, 'Sunday at 10?').getByRole('button', { name: 'React with 👍' }).click()
    await messageBox(alice.page, 'Sunday at 10?')
      .getByRole('button', { name: /👍 1: Bob/ })
      .waitFor(WAIT)
    await messageBox(alice.page, 'Sunday at 10?').getByRole('button', { name: 'Edit' }).click()
    const field = alice.page.getByRole('textbox', { name: 'Message' })
    await field.fill('Sunday at 11?')
    await field.press('Enter')
    await messageBox(bob.page, 'Sunday at 11?').getByText('(edited)').waitFor(WAIT)
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('wrong group, sorry')
    await alice.page.keyboard.press('Enter')
    await messageBox(bob.page, 'wrong group, sorry').waitFor(WAIT)
    await messageBox(alice.page, 'wrong group, sorry').getByRole('button', { name: 'Delete' }).click()
    await bob.page.locator('p.deleted-text', { hasText: 'message deleted' }).waitFor(WAIT)
    assert.equal(await messageBox(bob.page, 'wrong group, sorry').count(), 0)
    await screenshot(bob.page, '05-react-edit-delete')
  })

  it('Alice types her next message while the last is still being sent: nothing she types is lost', async () => {
    const field = alice.page.getByRole('textbox', { name: 'Message' })
    // a slow phone: the tab's JavaScript runs 20 times slower, so sealing and storing take a while
    const cdp = await alice.page.context().newCDPSession(alice.page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 })
    try {
      await field.fill('Bring snacks')
      await field.press('Enter')
      // written (pasted, or typed by a quick hand) while the first is sealed, stored and published
      await field.fill('and water')
      await messageBox(alice.page, 'Bring snacks').waitFor(WAIT)
    } finally {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })
      await cdp.detach()
    }
    assert.equal(await field.inputValue(), 'and water', 'the first send, once done, left what was typed after it alone')
    await field.press('Enter')
    await messageBox(bob.page, 'and water').waitFor(WAIT)
    assert.equal(await field.inputValue(), '')
  })

  it('a poll: Alice asks, Bob votes, both see the results; Alice pins it and closes it', async () => {
    await alice.page.getByRole('button', { name: 'New poll' }).click()
    await alice.page.getByLabel('Question').fill('Where do we climb?')
    await alice.page.getByLabel('Options, one per line').fill('Gym\nCrag')
    await alice.page.getByRole('button', { name: 'Send poll' }).click()
    await alice.page.getByText('Poll sent: “Where do we climb?”.').waitFor(WAIT)
    await assertAccessible(alice.page, 'new poll')
    await alice.page.getByRole('button', { name: 'Close' }).click()
    const atBob = messageBox(bob.page, 'Where do we climb?')
    await atBob.getByRole('button', { name: '2. Crag' }).click(WAIT)
    const atAlice = messageBox(alice.page, 'Where do we climb?')
    await atAlice.getByText('1 vote (Bob)').waitFor(WAIT)
    await atAlice.getByRole('button', { name: 'Pin', exact: true }).click()
    await atBob.getByText('📌 pinned by Alice').waitFor(WAIT)
    assert.equal(await atBob.getByRole('button', { name: 'Pin', exact: true }).count(), 0, 'a member is offered no pin')
    await bob.page.getByRole('button', { name: 'Pinned' }).click()
    await bob.page.getByRole('dialog').getByText('Where do we climb?').waitFor(WAIT)
    await bob.page.getByRole('button', { name: 'Close' }).click()
    await atAlice.getByRole('button', { name: 'Close poll' }).click()
    await atBob.getByText('closed', { exact: false }).waitFor(WAIT)
    assert.equal(await atBob.getByRole('button', { name: '1. Gym' }).count(), 0, 'a closed poll takes no more votes')
    await screenshot(bob.page, '04c-poll')
    await assertAccessible(bob.page, 'chat with a poll')
  })

  it("disappearing messages: Alice sets the group's timer, and a message of hers with a shorter one vanishes from both tabs at its deadline", async () => {
    await alice.page.getByLabel('⏱ Disappearing messages').selectOption('3600')
    await bob.page.getByText('⏱ messages disappear after 1 hour').waitFor(WAIT)
    assert.equal(await bob.page.getByLabel('⏱ Disappearing messages').count(), 0, 'a member sees the timer but cannot set it')
    await alice.page.getByLabel('⏱ Disappears after').selectOption('10000')
    const sent = Date.now()
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('the gate code is 2468')
    await alice.page.keyboard.press('Enter')
    const atBob = messageBox(bob.page, 'the gate code is 2468')
    await atBob.getByText(/⏱ disappears in \d+ s/).waitFor(WAIT)
    await screenshot(bob.page, '04d-disappearing')
    await assertAccessible(bob.page, 'chat with a disappearing message')
    await atBob.waitFor({ state: 'detached', timeout: 30_000 })
    await messageBox(alice.page, 'the gate code is 2468').waitFor({ state: 'detached', timeout: 30_000 })
    assert.ok(Date.now() - sent >= 9_000, 'gone at its deadline, not before')
    await alice.page.getByLabel('⏱ Disappears after').selectOption('0')
    await alice.page.getByLabel('⏱ Disappearing messages').selectOption('0')
    await bob.page.getByText('⏱ messages disappear after').waitFor({ state: 'detached', timeout: 30_000 })
  })

  it('members: both see the same safety number, Alice marks Bob as verified', async () => {
    const numbers: string[] = []
    for (const [tab, other] of [
      [alice, 'Bob'],
      [bob, 'Alice']
    ] as const) {
      await tab.page.getByRole('button', { name: 'Members' }).click()
      const row = tab.page.locator('li.member', { hasText: other })
      await row.getByText('online', { exact: true }).waitFor(WAIT)
      await row.getByText('Safety number').click()
      numbers.push(((await row.locator('.safety-number').textContent()) ?? '').trim())
      if (tab === alice) {
        await screenshot(alice.page, '05b-members')
        await assertAccessible(alice.page, 'members')
        await row.getByRole('button', { name: 'Mark as verified' }).click()
        await row.getByText('verified', { exact: true }).waitFor(WAIT)
      }
      await tab.page.getByRole('button', { name: 'Close' }).click()
    }
    assert.match(numbers[0] as string, /^(\d{5} ){11}\d{5}$/)
    assert.equal(numbers[0], numbers[1])
  })

  it('the two tabs end up on a direct WebRTC connection', async () => {
    const bobId = await peerIdOf(bob.page)
    await eventually(
      async () => (await connectionsOf(alice.page)).some((c) => c.peer === bobId && c.direct === 'webrtc' && !c.limited),
      'a WebRTC connection from Alice to Bob',
      30_000
    )
  })

  it('a CLI user of the daemon joins by the same link and reads the browsers’ messages', async () => {
    const joined = await served.daemon.cli(['join', link])
    assert.equal(joined.code, 0, joined.stderr)
    await eventually(
      async () => {
        const history = await served.daemon.cli(['history', 'Climbing'])
        return /Count me in/.test(history.stdout) && /Sunday at 11\?/.test(history.stdout)
      },
      'the browsers’ messages in `causette history`',
      30_000
    )
    const sent = await served.daemon.cli(['send', 'Climbing', 'Hello from the terminal'])
    assert.equal(sent.code, 0, sent.stderr)
    await messageBox(alice.page, 'Hello from the terminal').waitFor(WAIT)
    await messageBox(bob.page, 'Hello from the terminal').waitFor(WAIT)
  })

  it('settings: a wrong relay address is refused with why, and a group exports as JSON lines', async () => {
    await alice.page.getByRole('button', { name: 'Settings' }).click()
    await alice.page.getByLabel('Community relays, one address per line').fill('not an address')
    await alice.page.getByRole('button', { name: 'Save' }).click()
    await alice.page.getByRole('alert').filter({ hasText: 'Line 1 is not a relay address' }).waitFor(WAIT)
    await alice.page.getByLabel('Community relays, one address per line').fill('')
    await screenshot(alice.page, '06-settings')
    await assertAccessible(alice.page, 'settings')
    const download = alice.page.waitForEvent('download', WAIT)
    await alice.page.getByRole('button', { name: 'Export (JSON lines)' }).click()
    const file = await (await download).path()
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; name?: string; deleted: boolean })
    assert.ok(
      lines.some((l) => l.text === 'Count me in' && l.name === 'Bob'),
      'Bob’s message, with his name, is in the export'
    )
    assert.ok(
      lines.some((l) => l.deleted),
      'the deleted message is exported as deleted'
    )
    await alice.page.getByRole('button', { name: 'Close' }).click()
  })

  it('Alice keeps two groups apart: each shows its own messages as she switches', async () => {
    await alice.page.getByLabel('New group').fill('Running')
    await alice.page.getByRole('button', { name: 'Create' }).click()
    await alice.page.getByRole('heading', { name: 'Running', exact: true }).waitFor(WAIT)
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('5k on Saturday')
    await alice.page.keyboard.press('Enter')
    await messageBox(alice.page, '5k on Saturday').waitFor(WAIT)
    assert.equal(await messageBox(alice.page, 'Count me in').count(), 0, 'Climbing’s messages are not in Running')
    await alice.page.getByRole('button', { name: /^Climbing/ }).click()
    await messageBox(alice.page, 'Count me in').waitFor(WAIT)
    assert.equal(await messageBox(alice.page, '5k on Saturday').count(), 0, 'nor Running’s in Climbing')
  })

  it('the tab’s title counts unread messages, and a mention notifies Alice while she reads another group', async () => {
    await alice.page.getByRole('button', { name: /^Running/ }).click(WAIT)
    await eventually(async () => (await alice.page.title()) === 'Causette', 'nothing unread in Alice’s title')
    await alice.page.getByRole('button', { name: 'Settings' }).click()
    await alice.page.getByLabel('Notify me when someone mentions me or replies to me').check()
    await alice.page.getByRole('button', { name: 'Save' }).click()
    await alice.page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor(WAIT)
    await alice.page.getByRole('button', { name: 'Close' }).click()
    for (const text of ['@Alice bring the chalk', 'and the rope']) {
      await bob.page.getByRole('textbox', { name: 'Message' }).fill(text)
      await bob.page.keyboard.press('Enter')
    }
    await eventually(async () => (await alice.page.title()) === '(2) Causette', 'Alice’s title to count the 2 new messages in Climbing')
    await eventually(async () => (await shown()).length > 0, 'a notification in Alice’s tab')
    assert.deepEqual(await shown(), [{ title: 'Bob mentioned you in Climbing', body: '@Alice bring the chalk' }])
    await screenshot(alice.page, '06c-unread-in-title')
    await alice.page.getByRole('button', { name: /^Climbing/ }).click()
    await messageBox(alice.page, 'and the rope').waitFor(WAIT)
    await eventually(async () => (await alice.page.title()) === 'Causette', 'the title back to nothing unread once Alice reads Climbing')
  })

  it('a muted group says until when and leaves the title’s count', async () => {
    await alice.page.getByRole('combobox', { name: 'Mute this group' }).selectOption('8h')
    await alice.page.getByText(/^Muted until/).waitFor(WAIT)
    await assertAccessible(alice.page, 'chat (muted)')
    await alice.page.getByRole('button', { name: /^Running/ }).click()
    await bob.page.getByRole('textbox', { name: 'Message' }).fill('@Alice muted?')
    await bob.page.keyboard.press('Enter')
    await alice.page.getByRole('button', { name: /^Climbing \(muted\)\s*, 1 unread/ }).waitFor(WAIT)
    assert.equal(await alice.page.title(), 'Causette')
    assert.equal((await shown()).length, 1, 'the mention in the muted group did not notify')
    await alice.page.getByRole('button', { name: /^Climbing/ }).click()
    await alice.page.getByRole('button', { name: 'Unmute' }).click()
    await alice.page.getByRole('combobox', { name: 'Mute this group' }).waitFor(WAIT)
  })

  it('with read receipts off, Bob sees no one’s "seen by", and his reading shows under no message of Alice’s', async () => {
    await messageBox(bob.page, '@Alice muted?').getByText('Seen by Alice').waitFor(WAIT)
    await bob.page.getByRole('button', { name: 'Settings' }).click()
    await bob.page.getByLabel(/^Send read receipts/).uncheck()
    await bob.page.getByRole('button', { name: 'Save' }).click()
    await bob.page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor(WAIT)
    await bob.page.getByRole('button', { name: 'Close' }).click()
    await bob.page.getByText(/^Seen by/).waitFor({ state: 'detached', ...WAIT })
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('Are receipts off?')
    await alice.page.keyboard.press('Enter')
    await messageBox(bob.page, 'Are receipts off?').waitFor(WAIT)
    // past the 15 s in which Bob's tab would have written a read marker (web/src/chat/read-markers.ts)
    await new Promise((resolve) => setTimeout(resolve, 17_000))
    await messageBox(alice.page, 'Are receipts off?').getByText('Not seen yet').waitFor(WAIT)
    assert.equal(await bob.page.title(), 'Causette', 'Bob’s tab counts what he read as read')
    await screenshot(bob.page, '06d-receipts-off')
  })

  it('a second tab of the same browser profile says the first one is the device', async () => {
    const second = await alice.context.newPage()
    await second.goto(served.url)
    await second.getByRole('alert').filter({ hasText: 'already open in another tab' }).waitFor(WAIT)
    await screenshot(second, '06b-second-tab')
    await assertAccessible(second, 'second tab')
    await second.close()
  })

  it('a tab opened while the only other one is being closed takes over as the device, not saying another tab is open', async () => {
    const person = await watchedPage(browser)
    try {
      const closing = person.page
      await closing.goto(served.url)
      await closing.getByLabel('Your name, as others will see it').waitFor(WAIT)
      const opened = await person.context.newPage()
      opened.on('pageerror', (err) => person.errors.push(`uncaught: ${err.stack ?? err.message}`))
      await opened.goto(served.url)
      // the first tab goes a moment after the second began to start, as a person closes one and opens another
      await new Promise((resolve) => setTimeout(resolve, 500))
      await closing.close()
      await opened.getByLabel('Your name, as others will see it').waitFor(WAIT)
      assert.equal(await opened.getByText('already open in another tab').count(), 0)
      assert.deepEqual(person.errors, [])
    } finally {
      await person.context.close()
    }
  })

  it('a bad link says what is wrong', async () => {
    await bob.page.goto(`${served.url}#join=AAAAnot-a-real-invite`)
    const alert = bob.page.getByRole('alert').filter({ hasText: /invite/i })
    await alert.waitFor(WAIT)
    assert.match((await alert.textContent()) ?? '', /not a Causette invite|incomplete/)
    await screenshot(bob.page, '06-bad-link')
    await assertAccessible(bob.page, 'join (bad link)')
    await bob.page.getByRole('button', { name: 'Back', exact: true }).click()
  })

  it('Bob reloads cut off from every peer, and his history comes back from IndexedDB', async () => {
    // no WebSocket may open: not to the daemon, so not through it to Alice either (WebRTC is signalled over it)
    await bob.page.routeWebSocket(/.*/, (ws) => ws.close())
    await bob.page.reload()
    await bob.page.getByRole('button', { name: /^Climbing/ }).click(WAIT)
    await messageBox(bob.page, 'Count me in').waitFor(WAIT)
    await messageBox(bob.page, 'Sunday at 11?').getByText('(edited)').waitFor(WAIT)
    assert.deepEqual(await connectionsOf(bob.page), [], 'the history was read with no connection open')
    await screenshot(bob.page, '07-reloaded-offline')
  })

  it('Bob is away while Alice writes, and receives it when he comes back', async () => {
    await bob.page.close()
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('Written while Bob was away')
    await alice.page.keyboard.press('Enter')
    await messageBox(alice.page, 'Written while Bob was away').waitFor(WAIT)
    const page = await bob.context.newPage()
    page.on('pageerror', (err) => bob.errors.push(`uncaught: ${err.stack ?? err.message}`))
    bob.page = page
    await page.goto(served.url)
    await page.getByRole('button', { name: /^Climbing/ }).click(WAIT)
    await messageBox(page, 'Written while Bob was away').waitFor(WAIT)
  })

  it('no page had an uncaught error', () => {
    assert.deepEqual(alice.errors, [])
    assert.deepEqual(bob.errors, [])
  })
})
