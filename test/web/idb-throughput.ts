/**
 * How fast the IndexedDB store takes entries in Chromium: putEntries in
 * batches of 500 (each entry with its message row, 600 random bytes),
 * strict and relaxed, in a fresh profile (in memory, as the tests run) and
 * in a profile on disk; one entry a transaction, as live messages come;
 * then what reading costs once they are stored.
 * Times are the page's own (fixtures/store-page.ts), without the crossing
 * from Node. Not a test: run it by hand and record the figures in
 * docs/web-app.md.
 *
 *   node_modules/.bin/node test/web/idb-throughput.ts
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { CHROMIUM_PATH, FLAGS, launchChromium } from './fixtures/chromium.ts'
import { openStorePage, STORE_PAGE_ENTRIES } from './fixtures/page-store.ts'
import { chainOf } from './fixtures/synthetic-entries.ts'
import { startPageServer } from './fixtures/vite-server.ts'

const BATCH = 500
const BATCHES = 20
const SINGLES = 200
const GROUP = new Uint8Array(32).fill(3)
const AUTHOR = new Uint8Array(32).fill(4)
const SOMEONE_ELSE = new Uint8Array(32).fill(5)

async function measure(where: string, context: BrowserContext, url: string): Promise<void> {
  const client = await openStorePage(await context.newPage(), url)
  for (const durability of ['strict', 'relaxed'] as const) {
    const name = `throughput-${durability}`
    const store = await client.open(name)
    // entries by another author are written relaxed; before any author is named, all are strict
    if (durability === 'relaxed') await store.setDurableAuthor(SOMEONE_ELSE)
    const warmUp = chainOf(AUTHOR, 1, BATCH, 'warm-up')
    await store.putEntries(GROUP, warmUp.entries, warmUp.rows)
    let ms = 0
    for (let b = 0; b < BATCHES; b++) {
      const next = chainOf(AUTHOR, BATCH * (b + 1) + 1, BATCH, `batch${b}`)
      ms += (await client.call(store.handle, 'putEntries', [GROUP, next.entries, next.rows])).ms
    }
    const total = BATCH * BATCHES
    // one entry a transaction, as live messages arrive
    let singleMs = 0
    for (let i = 0; i < SINGLES; i++) {
      const one = chainOf(AUTHOR, total + BATCH + i + 1, 1, 'single')
      singleMs += (await client.call(store.handle, 'putEntries', [GROUP, one.entries, one.rows])).ms
    }
    const last50 = (await client.call(store.handle, 'messageRows', [GROUP, { limit: 50, hidden: [] }])).ms
    const keys = (await client.call(store.handle, 'listKeys', [GROUP, { limit: 1000 }])).ms
    const search = (await client.call(store.handle, 'searchMessageRows', [['batch7'], { limit: 20, offset: 0 }])).ms
    console.log(
      `${where}, ${durability}: ${Math.round((total / ms) * 1000)} entries/s (${total} in ${Math.round(ms)} ms, ${(ms / BATCHES).toFixed(0)} ms a batch); ` +
        `one entry a transaction ${(singleMs / SINGLES).toFixed(2)} ms; ` +
        `last 50 messages ${last50.toFixed(1)} ms, 1,000 keys ${keys.toFixed(1)} ms, a search of one batch's word ${search.toFixed(1)} ms`
    )
    await client.remove(name)
  }
}

const server = await startPageServer(STORE_PAGE_ENTRIES)
try {
  const browser = await launchChromium()
  try {
    await measure('fresh profile (in memory)', await browser.newContext(), server.url)
  } finally {
    await browser.close()
  }
  const profile = await mkdtemp(join(tmpdir(), 'causette-profile-'))
  const persistent = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS })
  try {
    await measure('profile on disk', persistent, server.url)
  } finally {
    await persistent.close()
    await rm(profile, { recursive: true, force: true })
  }
} finally {
  await server.close()
}
