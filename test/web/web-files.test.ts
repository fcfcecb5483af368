/**
 * Files in the web app end to end: a real daemon serves it, two Chromium
 * contexts (Alice and Bob) send and receive an image, a file and a voice
 * note (Chromium's stand-in microphone, the permission granted to Alice
 * only), a file over the limit is refused, and Bob, reloaded with no
 * connection, still has what he received (the tab's IndexedDB blob store).
 * Each screen is photographed and checked with axe-core; any uncaught page
 * error fails.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { FAKE_MEDIA, launchChromium, type WatchedPage } from './fixtures/chromium.ts'
import { pngImage } from './fixtures/png-image.ts'
import { reportTabsIfFailed } from './fixtures/tab-report.ts'
import { assertAccessible, personTab, type ServingDaemon, screenshot, servingDaemon } from './fixtures/web-app.ts'

const WAIT = { timeout: 30_000 }
const WIDTH = 64
const HEIGHT = 40

/** What the test reads and drives of an audio element in the page (the tests are typed without the DOM). */
interface AudioPlayer {
  currentTime: number
  paused: boolean
  loop: boolean
  isConnected: boolean
  error: unknown
  play: () => Promise<void>
  pause: () => void
}

function messageBox(page: Page, text: string) {
  return page.locator('article.message', { hasText: text })
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Records, in the page, every src an image of a message takes, in order (what a person saw before the image). */
const RECORD_IMAGE_SOURCES = `(() => {
  const seen = (window.__imageSources = [])
  const note = (img) => { if (img.closest('.file-image') && img.getAttribute('src')) seen.push(img.getAttribute('src').slice(0, 30)) }
  new MutationObserver((changes) => {
    for (const c of changes) {
      if (c.type === 'attributes' && c.target instanceof HTMLImageElement) note(c.target)
      for (const n of c.addedNodes ?? []) if (n instanceof Element) for (const img of n.matches('img') ? [n] : n.querySelectorAll('img')) note(img)
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] })
})()`

/** The image of the message holding `name` as shown: its src and natural size. */
async function shownImage(page: Page, name: string): Promise<{ src: string; width: number; height: number }> {
  const img = page.locator('figure.file-image', { hasText: name }).locator('img')
  return img.evaluate((el) => {
    const image = el as unknown as { src: string; naturalWidth: number; naturalHeight: number; complete: boolean }
    return { src: image.src, width: image.complete ? image.naturalWidth : 0, height: image.complete ? image.naturalHeight : 0 }
  })
}

async function waitForFullImage(page: Page, name: string): Promise<{ src: string; width: number; height: number }> {
  await page.waitForFunction(
    (n) => {
      const doc = (
        globalThis as unknown as {
          document: { querySelectorAll: (s: string) => ArrayLike<{ textContent: string; querySelector: (s: string) => unknown }> }
        }
      ).document
      for (const figure of Array.from(doc.querySelectorAll('figure.file-image'))) {
        if (!figure.textContent.includes(n)) continue
        const img = figure.querySelector('img') as { src: string; complete: boolean; naturalWidth: number } | null
        if (img?.src.startsWith('blob:') && img.complete && img.naturalWidth > 0) return true
      }
      return false
    },
    name,
    WAIT
  )
  return shownImage(page, name)
}

/** Downloads the file of the message holding `name` with its Download button; its bytes. */
async function download(page: Page, name: string): Promise<Buffer> {
  const [saved] = await Promise.all([
    page.waitForEvent('download', WAIT).catch(async (err: Error) => {
      // what the person sees of the file then (its progress, or why it cannot come) says where it stopped
      const shown = await messageBox(page, name)
        .textContent({ timeout: 2_000 })
        .catch(() => '')
      throw new Error(`${err.message}; the message shows: ${shown?.replace(/\s+/g, ' ').trim()}`)
    }),
    messageBox(page, name)
      .getByRole('button', { name: new RegExp(`^Download ${name.replace('.', '\\.')}`) })
      .click()
  ])
  assert.equal(saved.suggestedFilename(), name)
  return readFile(await saved.path())
}

/** Attaches a file with the Attach button, as a person picks one in the file chooser. */
async function attachFile(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', WAIT), page.getByRole('button', { name: 'Attach a file' }).click()])
  await chooser.setFiles(file)
}

/** Drops an image file onto the chat of `page`, as a person drags one from their desktop. */
async function dropImage(page: Page, name: string, png: Buffer, screenshotAs?: string): Promise<void> {
  const chat = page.locator('section.chat')
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      const w = globalThis as unknown as {
        DataTransfer: new () => { items: { add: (f: unknown) => void } }
        File: new (parts: unknown[], name: string, o: object) => unknown
      }
      const dt = new w.DataTransfer()
      dt.items.add(new w.File([new Uint8Array(bytes)], name, { type: 'image/png' }))
      return dt
    },
    { bytes: [...png], name }
  )
  await chat.dispatchEvent('dragover', { dataTransfer })
  await page.getByText('Drop to send to Photos').waitFor(WAIT)
  if (screenshotAs !== undefined) await screenshot(page, screenshotAs)
  await chat.dispatchEvent('drop', { dataTransfer })
}

/** A new page of the person's browser on the app, in the group (their tab closed, then opened again). */
async function reopen(tab: WatchedPage, url: string): Promise<Page> {
  const page = await tab.context.newPage()
  page.on('pageerror', (err) => tab.errors.push(`uncaught: ${err.stack ?? err.message}`))
  page.on('console', (message) => {
    if (process.env['CAUSETTE_TEST_CONSOLE'] !== undefined) process.stderr.write(`[page] ${message.type()}: ${message.text()}\n`)
  })
  await page.goto(url)
  await page.getByRole('button', { name: /^Photos/ }).click(WAIT)
  return page
}

describe('files in the web app: images, files and voice notes between two browsers', { timeout: 300_000 }, () => {
  let served: ServingDaemon
  let browser: Browser
  let alice: WatchedPage
  let bob: WatchedPage
  let dir: TempDir
  let link = ''
  const png = pngImage(WIDTH, HEIGHT, (x, y) => [x * 4, y * 6, 160, 255])
  const notes = randomBytes(600_000)

  before(async () => {
    served = await servingDaemon()
    browser = await launchChromium({ args: FAKE_MEDIA })
    dir = await tempDir('causette-web-files-')
  })

  after(async () => {
    await browser?.close()
    await served?.stop()
    await dir?.remove()
  })

  // a step that failed says what each tab was connected to and held then, for whoever reads CI's log
  afterEach(async (t) => {
    await reportTabsIfFailed(t, { Alice: alice, Bob: bob })
  })

  it('Alice and Bob are in one group', async () => {
    const origin = new URL(served.url).origin
    alice = await personTab(browser, served.url, 'Alice', { beforeOpen: (tab) => tab.context.grantPermissions(['microphone'], { origin }) })
    bob = await personTab(browser, served.url, 'Bob', { beforeOpen: async (tab) => void (await tab.context.addInitScript(RECORD_IMAGE_SOURCES)) })
    await alice.page.getByLabel('New group').fill('Photos')
    await alice.page.getByRole('button', { name: 'Create' }).click()
    await alice.page.getByRole('heading', { name: 'Photos' }).waitFor(WAIT)
    await alice.page.getByRole('button', { name: 'Invite' }).click()
    await alice.page.getByRole('button', { name: 'Create link' }).click()
    link = await alice.page.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue(WAIT)
    await alice.page.getByRole('button', { name: 'Close' }).click()
    await bob.page.goto(link)
    await bob.page.getByRole('heading', { name: 'Photos', exact: true }).waitFor(WAIT)
  })

  it('Alice drops an image on the chat; Bob sees its placeholder at its shape, then the image', async () => {
    await dropImage(alice.page, 'sunset.png', png, 'files-01-dragging')
    const atBob = await waitForFullImage(bob.page, 'sunset.png')
    assert.match(atBob.src, /^blob:/)
    assert.deepEqual([atBob.width, atBob.height], [WIDTH, HEIGHT], 'the image Bob sees is the one Alice sent')
    const sources = await bob.page.evaluate(() => (globalThis as unknown as { __imageSources: string[] }).__imageSources)
    assert.match(sources[0] ?? '', /^data:image\/png/, `Bob saw the placeholder first (the sources shown: ${sources.join(', ')})`)
    const frame = await bob.page.locator('figure.file-image .file-frame').boundingBox()
    assert.ok(frame !== null && Math.abs(frame.width / frame.height - WIDTH / HEIGHT) < 0.05, 'the image is drawn at its own aspect ratio')
    assert.match((await waitForFullImage(alice.page, 'sunset.png')).src, /^blob:/, 'Alice sees what she sent')
    await screenshot(bob.page, 'files-02-image')
    await assertAccessible(bob.page, 'chat with an image')
  })

  it('Alice attaches a file; Bob downloads it on demand, byte for byte', async () => {
    await attachFile(alice.page, { name: 'notes.bin', mimeType: 'application/octet-stream', buffer: notes })
    const atBob = messageBox(bob.page, 'notes.bin')
    await atBob.getByRole('button', { name: /^Download notes\.bin/ }).waitFor(WAIT)
    await screenshot(bob.page, 'files-03-file-offered')
    await assertAccessible(bob.page, 'chat with a file to download')
    const bytes = await download(bob.page, 'notes.bin')
    assert.equal(sha256(bytes), sha256(notes))
    await atBob.getByRole('link', { name: 'Save notes.bin' }).waitFor(WAIT)
  })

  it('Alice pastes a picture into the message field; it is sent, and Bob sees it upright', async () => {
    const portrait = pngImage(30, 50, (x, y) => [200, x * 8, y * 5, 255])
    await alice.page.getByRole('textbox', { name: 'Message' }).evaluate(
      (field, bytes) => {
        const w = globalThis as unknown as {
          DataTransfer: new () => { items: { add: (f: unknown) => void } }
          File: new (parts: unknown[], name: string, o: object) => unknown
          ClipboardEvent: new (type: string, init: object) => unknown
        }
        const clipboard = new w.DataTransfer()
        // what Chromium names a picture copied from another program
        clipboard.items.add(new w.File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }))
        ;(field as unknown as { dispatchEvent: (e: unknown) => void }).dispatchEvent(
          new w.ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true })
        )
      },
      [...portrait]
    )
    const atBob = await waitForFullImage(bob.page, 'image.png')
    assert.deepEqual([atBob.width, atBob.height], [30, 50])
    assert.equal(await alice.page.getByRole('textbox', { name: 'Message' }).inputValue(), '', 'nothing was pasted as text')
  })

  it('a larger file shows its progress while Alice sends it and while Bob downloads it', async () => {
    const archive = randomBytes(30_000_000)
    const path = join(dir.path, 'archive.bin')
    await writeFile(path, archive)
    await attachFile(alice.page, path)
    await alice.page.getByRole('progressbar', { name: /^Sending archive\.bin: .* of 30 MB/ }).waitFor(WAIT)
    await screenshot(alice.page, 'files-03b-sending')
    await assertAccessible(alice.page, 'sending a file')
    const atBob = messageBox(bob.page, 'archive.bin')
    await atBob.getByRole('button', { name: /^Download archive\.bin \(30 MB\)/ }).waitFor(WAIT)
    const [saved] = await Promise.all([
      bob.page.waitForEvent('download', { timeout: 120_000 }),
      (async () => {
        await atBob.getByRole('button', { name: /^Download archive\.bin/ }).click()
        await atBob.getByRole('progressbar', { name: /^Downloading archive\.bin: .* of 30 MB/ }).waitFor(WAIT)
        await screenshot(bob.page, 'files-03c-downloading')
      })()
    ])
    assert.equal(sha256(await readFile(await saved.path())), sha256(archive))
  })

  it('an image over 10 MB shows its placeholder and loads only when Bob asks', async () => {
    // noise does not compress: a PNG of about 11 MB
    const noise = randomBytes(2000 * 1800 * 4)
    const big = pngImage(2000, 1800, (x, y) => {
      const at = (y * 2000 + x) * 4
      return [noise[at] as number, noise[at + 1] as number, noise[at + 2] as number, 255]
    })
    assert.ok(big.byteLength > 10_000_000)
    const path = join(dir.path, 'panorama.png')
    await writeFile(path, big)
    await attachFile(alice.page, path)
    const figure = bob.page.locator('figure.file-image', { hasText: 'panorama.png' })
    await figure.getByRole('button', { name: /^Download panorama\.png \(1\d\.\d MB\)$/ }).waitFor(WAIT)
    assert.match((await shownImage(bob.page, 'panorama.png')).src, /^data:image\/png/, 'only the placeholder until asked')
    await screenshot(bob.page, 'files-03d-large-image')
    await figure.getByRole('button', { name: /^Download panorama\.png/ }).click()
    const image = await waitForFullImage(bob.page, 'panorama.png')
    assert.deepEqual([image.width, image.height], [2000, 1800])
  })

  it('a file over the size limit is refused before it is read, saying what the limit is', async () => {
    const big = join(dir.path, 'film.mov')
    await writeFile(big, '')
    await truncate(big, 120_000_000)
    await attachFile(alice.page, big)
    await alice.page.getByRole('alert').filter({ hasText: '“film.mov” is 120 MB: the most you can send is 100 MB.' }).waitFor(WAIT)
    assert.equal(await messageBox(alice.page, 'film.mov').count(), 0, 'no message was sent')
    await screenshot(alice.page, 'files-04-too-large')
  })

  it('Alice records a voice note; Bob gets a player and it plays', async () => {
    await alice.page.getByRole('button', { name: 'Record a voice note' }).click()
    await alice.page.getByText(/^Recording 0:0[1-9]/).waitFor(WAIT)
    await screenshot(alice.page, 'files-05-recording')
    await assertAccessible(alice.page, 'recording a voice note')
    await alice.page.getByRole('button', { name: 'Stop and send' }).click()
    const player = bob.page.locator('article.message audio')
    await player.waitFor(WAIT)
    assert.match((await player.getAttribute('src')) ?? '', /^blob:/)
    assert.match((await player.getAttribute('aria-label')) ?? '', /^Voice note .*, 0:0[1-9]$/)
    // plays, over and over, until 0.2 s of it have been heard (a loaded machine plays slower than the wall clock), for 10 s at most
    const playing = await player.elementHandle()
    assert.ok(playing !== null)
    const heard = (): Promise<{ time: number; paused: boolean; onPage: boolean; error: unknown }> =>
      playing.evaluate((el) => {
        const audio = el as unknown as AudioPlayer
        return { time: audio.currentTime, paused: audio.paused, onPage: audio.isConnected, error: audio.error }
      })
    const played = await playing.evaluate(async (el) => {
      const audio = el as unknown as AudioPlayer
      audio.loop = true
      await audio.play()
      for (let waited = 0; waited < 10_000 && audio.currentTime <= 0.2 && audio.error === null && !audio.paused; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      return { time: audio.currentTime, paused: audio.paused, onPage: audio.isConnected, error: audio.error }
    })
    assert.equal(played.error, null)
    assert.ok(played.time > 0.2, `the voice note played (${JSON.stringify(played)})`)

    // while Bob listens, Alice reacts to the note and writes again: his player is updated in place, and plays on
    await messageBox(alice.page, 'Voice note').getByRole('button', { name: 'React with 👍' }).click()
    await messageBox(bob.page, 'Voice note').getByRole('button', { name: /^👍 1/ }).waitFor(WAIT)
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('Did you hear it?')
    await alice.page.keyboard.press('Enter')
    await messageBox(bob.page, 'Did you hear it?').waitFor(WAIT)
    const after = await heard()
    assert.deepEqual([after.onPage, after.paused, after.error], [true, false, null], `still playing in the same player (${JSON.stringify(after)})`)
    await playing.evaluate((el) => (el as unknown as AudioPlayer).pause())
    await screenshot(bob.page, 'files-06-voice-note')
    await assertAccessible(bob.page, 'chat with a voice note')
  })

  it('Bob, whose browser did not allow the microphone, is told what to do', async () => {
    await bob.page.getByRole('button', { name: 'Record a voice note' }).click()
    await bob.page.getByRole('alert').filter({ hasText: 'did not allow Causette to use the microphone' }).waitFor(WAIT)
  })

  it('an image whose sender is away shows its placeholder, says why, and arrives when she is back', async () => {
    // Bob reads another group, so the message arrives without its image being drawn, nor fetched
    await bob.page.getByLabel('New group').fill('Elsewhere')
    await bob.page.getByRole('button', { name: 'Create' }).click()
    await bob.page.getByRole('heading', { name: 'Elsewhere' }).waitFor(WAIT)
    await dropImage(
      alice.page,
      'late.png',
      pngImage(80, 60, (x, y) => [x * 3, 255 - y * 4, 90, 255])
    )
    await waitForFullImage(alice.page, 'late.png')
    // a message of a file alone says what it holds in the group list
    await bob.page
      .getByRole('button', { name: /^Photos/ })
      .getByText('Alice: Photo: late.png')
      .waitFor(WAIT)
    await alice.page.close()

    await bob.page.getByRole('button', { name: /^Photos/ }).click()
    const figure = bob.page.locator('figure.file-image', { hasText: 'late.png' })
    await figure.getByText('late.png could not be fetched: no one who has it is reachable now. It will load by itself when its sender').waitFor(WAIT)
    const placeholder = await shownImage(bob.page, 'late.png')
    assert.match(placeholder.src, /^data:image\/png/, 'the placeholder is on screen')
    const frame = await figure.locator('.file-frame').boundingBox()
    assert.ok(frame !== null && Math.abs(frame.width / frame.height - 80 / 60) < 0.05, 'at the image’s aspect ratio')
    await screenshot(bob.page, 'files-06b-sender-away')
    await assertAccessible(bob.page, 'an image waiting for its sender')

    // Alice opens Causette again: Bob's tab reaches her, and fetches the image by itself
    alice.page = await reopen(alice, served.url)
    const image = await waitForFullImage(bob.page, 'late.png')
    assert.deepEqual([image.width, image.height], [80, 60], 'fetched once Alice came back')
  })

  it('a file Bob asked for while its sender was away is saved when she is back, though its message changed meanwhile', async () => {
    const agenda = randomBytes(50_000)
    await attachFile(alice.page, { name: 'agenda.bin', mimeType: 'application/octet-stream', buffer: agenda })
    const atBob = messageBox(bob.page, 'agenda.bin')
    await atBob.getByRole('button', { name: /^Download agenda\.bin/ }).waitFor(WAIT)
    await alice.page.close()

    await atBob.getByRole('button', { name: /^Download agenda\.bin/ }).click()
    await atBob.getByText('agenda.bin could not be fetched: no one who has it is reachable now').waitFor(WAIT)
    // his reaction changes the message: the download he asked for outlives any change to it (and any drawing of it)
    await atBob.getByRole('button', { name: 'React with 👍' }).click()
    await atBob.getByRole('button', { name: '👍 1: you' }).waitFor(WAIT)
    await atBob.getByText('agenda.bin could not be fetched').waitFor(WAIT)

    const saved = bob.page.waitForEvent('download', WAIT)
    alice.page = await reopen(alice, served.url)
    const download = await saved
    assert.equal(download.suggestedFilename(), 'agenda.bin')
    assert.equal(sha256(await readFile(await download.path())), sha256(agenda), 'saved by itself once Alice came back, byte for byte')
    await atBob.getByRole('link', { name: 'Save agenda.bin' }).waitFor(WAIT)
  })

  it('Bob reloads cut off from every peer, and his files come back from IndexedDB', async () => {
    await bob.page.routeWebSocket(/.*/, (ws) => ws.close())
    await bob.page.reload()
    await bob.page.getByRole('button', { name: /^Photos/ }).click(WAIT)
    const image = await waitForFullImage(bob.page, 'sunset.png')
    assert.deepEqual([image.width, image.height], [WIDTH, HEIGHT])
    assert.deepEqual([(await waitForFullImage(bob.page, 'late.png')).width], [80])
    await bob.page.locator('article.message audio[src^="blob:"]').waitFor(WAIT)
    assert.equal(sha256(await download(bob.page, 'notes.bin')), sha256(notes), 'the file he downloaded is kept')
    await screenshot(bob.page, 'files-07-reloaded-offline')
  })

  // last: a daemon in the group fetches small images as they arrive, which would change what the steps above see of an absent sender
  it("the daemon's CLI user joins, saves a tab's file byte for byte with `causette save`, and sends a file a tab downloads", async () => {
    const joined = await served.daemon.cli(['join', link])
    assert.equal(joined.code, 0, joined.stderr)
    let listed: { messages: Array<{ id: string; files?: Array<{ name: string }> }> } = { messages: [] }
    for (let tries = 0; tries < 60 && !listed.messages.some((m) => m.files?.some((f) => f.name === 'notes.bin')); tries++) {
      listed = await served.daemon.cliJson(['files', 'Photos'])
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const fromTab = listed.messages.find((m) => m.files?.some((f) => f.name === 'notes.bin'))
    assert.ok(fromTab !== undefined, "the tab's file is listed by `causette files`")
    const saved = join(dir.path, 'notes-from-tab.bin')
    const save = await served.daemon.cli(['save', 'Photos', fromTab.id.slice(0, 12), '-o', saved])
    assert.equal(save.code, 0, save.stderr)
    assert.equal(sha256(await readFile(saved)), sha256(notes), 'the CLI saved the bytes Alice attached in her tab')

    const fromCli = randomBytes(400_000)
    await writeFile(join(dir.path, 'terminal.bin'), fromCli)
    const sent = await served.daemon.cli(['send', 'Photos', '--file', join(dir.path, 'terminal.bin'), 'from the terminal'])
    assert.equal(sent.code, 0, sent.stderr)
    await messageBox(alice.page, 'terminal.bin')
      .getByRole('button', { name: /^Download terminal\.bin/ })
      .waitFor(WAIT)
    assert.equal(sha256(await download(alice.page, 'terminal.bin')), sha256(fromCli), 'the tab downloaded the bytes the CLI sent')
  })

  it('no page had an uncaught error', () => {
    assert.deepEqual(alice.errors, [])
    assert.deepEqual(bob.errors, [])
  })
})
