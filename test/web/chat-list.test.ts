/**
 * The chat's virtualised list in a real Chromium, with more messages than
 * a page: it opens at the newest, keeps the reader's place when older
 * messages load above, and keeps each drawing while its message changes.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { eventually } from '../node/fixtures/daemons.ts'
import { launchChromium, type WatchedPage } from './fixtures/chromium.ts'
import { assertAccessible, personTab, type ServingDaemon, screenshot, servingDaemon } from './fixtures/web-app.ts'

const WAIT = { timeout: 30_000 }

describe('a long chat in the web app', { timeout: 180_000 }, () => {
  let served: ServingDaemon
  let browser: Browser
  let alice: WatchedPage

  before(async () => {
    served = await servingDaemon()
    browser = await launchChromium()
    alice = await personTab(browser, served.url, 'Alice')
  })

  after(async () => {
    await browser?.close()
    await served?.stop()
  })

  const lap = (n: number) => alice.page.locator('article.message', { hasText: `Lap ${n} done` })
  const list = () => alice.page.locator('section.messages')
  /** Where a message is in the scrolling list: its top against the list's, px. */
  const topIn = (n: number): Promise<number> =>
    lap(n).evaluate((el) => {
      const box = (e: unknown) => (e as { getBoundingClientRect: () => { top: number } }).getBoundingClientRect()
      return box(el).top - box((el as unknown as { closest: (s: string) => unknown }).closest('section.messages')).top
    })

  it('Alice writes 60 messages: the newest is in view, and only the 50 newest are loaded', async () => {
    await alice.page.getByLabel('New group').fill('Laps')
    await alice.page.getByRole('button', { name: 'Create' }).click()
    await alice.page.getByRole('heading', { name: 'Laps', exact: true }).waitFor(WAIT)
    const field = alice.page.getByRole('textbox', { name: 'Message' })
    for (let n = 1; n <= 60; n++) {
      await field.fill(`Lap ${n} done`)
      await field.press('Enter')
    }
    await lap(60).waitFor(WAIT)
    const height = await list().evaluate((el) => (el as unknown as { clientHeight: number }).clientHeight)
    let newest = Number.NaN
    await eventually(
      async () => {
        newest = await topIn(60)
        return newest > 0 && newest < height
      },
      'the newest message in view',
      10_000
    ).catch((err: Error) => assert.fail(`${err.message}: it is at ${newest} px in a list of ${height}`))
    assert.equal(await lap(10).count(), 0, 'the 10 oldest are not loaded')
    await screenshot(alice.page, 'list-01-newest')
    await assertAccessible(alice.page, 'a long chat at its newest message')
  })

  it('she scrolls up and loads the older ones: the message she was reading stays where it was, drawn once', async () => {
    await list().evaluate((el) => {
      ;(el as unknown as { scrollTop: number }).scrollTop = 0
    })
    await lap(11).waitFor(WAIT)
    const reading = await lap(11).elementHandle()
    const before = await topIn(11)
    await alice.page.getByRole('button', { name: 'Show older messages' }).click()
    await lap(10).waitFor({ state: 'attached', ...WAIT })
    let now = Number.NaN
    await eventually(
      async () => {
        now = await topIn(11)
        return Math.abs(now - before) <= 2
      },
      `“Lap 11” to stay at ${before} px in the list`,
      10_000
    ).catch((err: Error) => assert.fail(`${err.message}: it is at ${now} px`))
    assert.equal(await reading?.evaluate((el) => (el as unknown as { isConnected: boolean }).isConnected), true, 'the same drawing of it')
    await screenshot(alice.page, 'list-02-older-loaded')
  })

  it('she reacts to the message she reads with the keyboard: it changes in place, keeps her focus, and does not move', async () => {
    const before = await topIn(11)
    await lap(11).getByRole('button', { name: 'React with 👍' }).focus()
    await alice.page.keyboard.press('Enter')
    await lap(11).getByRole('button', { name: /^👍 1/ }).waitFor(WAIT)
    const focused = await alice.page.evaluate(() => {
      const active = (
        globalThis as unknown as {
          document: { activeElement: { closest: (s: string) => { textContent: string } | null; ariaLabel: string | null } | null }
        }
      ).document.activeElement
      return { label: active?.ariaLabel, message: active?.closest('article.message')?.textContent ?? null }
    })
    assert.equal(focused.label, 'React with 👍', 'the button she pressed still has the focus')
    assert.match(focused.message ?? '', /Lap 11 done/, 'in the message she reacted to')
    assert.ok(Math.abs((await topIn(11)) - before) <= 2, `the message stays at ${before} px, not at ${await topIn(11)}`)
    await assertAccessible(alice.page, 'a long chat, older messages loaded')
  })

  it('no page had an uncaught error', () => {
    assert.deepEqual(alice.errors, [])
  })
})
