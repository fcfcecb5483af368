/**
 * The IndexedDB store of the web app in real Chromium (Debian's): the
 * unchanged Store conformance suite, run through a Store in Node whose
 * every call runs in the page (fixtures/page-store.ts), each case on a
 * database of its own, with `reopen` closing and opening it again in the
 * page; then what a browser adds: the data outlives a reload of the page,
 * and a database an earlier version left is upgraded with its data.
 * Any uncaught error in the page fails the run.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type MessageRow, readPinned, renderMessages, rowsOf, type StoredEntry, toHex, type ViewEntry } from '@causette/core'
import type { Browser } from 'playwright-core'
import { runStoreConformance } from '../core/store-conformance.ts'
import { type Replica, replicas } from '../fixtures/replicas.ts'
import { launchChromium, type WatchedPage, watchedPage } from './fixtures/chromium.ts'
import { openStorePage, START_TIMEOUT_MS, STORE_PAGE_ENTRIES, type StorePageClient, TEST_TIMEOUT_MS } from './fixtures/page-store.ts'
import { chainOf } from './fixtures/synthetic-entries.ts'
import { type PageServer, startPageServer } from './fixtures/vite-server.ts'

let server: PageServer
let browser: Browser
let watched: WatchedPage
let client: StorePageClient
let databases = 0
const GROUP = new Uint8Array(32).fill(6)

before(
  async () => {
    server = await startPageServer(STORE_PAGE_ENTRIES)
    browser = await launchChromium()
    watched = await watchedPage(browser)
    client = await openStorePage(watched.page, server.url)
  },
  { timeout: START_TIMEOUT_MS }
)

after(
  async () => {
    await browser?.close()
    await server?.close()
    assert.deepEqual(watched?.errors ?? [], [], 'no uncaught error in the page')
  },
  { timeout: START_TIMEOUT_MS }
)

runStoreConformance('indexeddb in Chromium', async () => {
  const name = `conformance-${++databases}`
  let store = await client.open(name)
  return {
    store,
    reopen: async () => {
      await store.close()
      store = await client.open(name)
      return store
    },
    cleanup: () => client.remove(name)
  }
})

describe('IndexedDbStore in Chromium', () => {
  it('tells held entries from new ones in a batch spread across much of the history, counting each once', { timeout: TEST_TIMEOUT_MS }, async () => {
    const name = 'spread'
    const store = await client.open(name)
    try {
      const a = new Uint8Array(32).fill(0xa1)
      const b = new Uint8Array(32).fill(0xb2)
      const held = chainOf(a, 1, 100, 'held')
      await store.putEntries(GROUP, held.entries, held.rows)
      // b's entry sorts between a's first and last: the batch's range holds a hundred entries, two of them in the batch
      const fresh = chainOf(b, 50, 1, 'fresh')
      const pick = (i: number) => [held.entries[i], held.rows[i]] as const
      const [first, firstRow] = pick(0)
      const [last, lastRow] = pick(99)
      await store.putEntries(GROUP, [first, ...fresh.entries, last] as StoredEntry[], [firstRow, ...fresh.rows, lastRow] as MessageRow[])
      assert.equal(await store.countEntries(GROUP), 101)
      assert.equal(await store.countMessageRows(GROUP, []), 101)
      assert.deepEqual(
        await store.authorSeqs(GROUP),
        new Map([
          [toHex(a), 100],
          [toHex(b), 50]
        ])
      )
      assert.deepEqual((await store.heads(GROUP)).map(toHex).sort(), [last?.id, fresh.entries[0]?.id].map((id) => toHex(id as Uint8Array)).sort())
    } finally {
      await client.remove(name)
    }
  })

  it("keeps a group log's entries, records and messages across a reload of the page", { timeout: TEST_TIMEOUT_MS }, async () => {
    const name = 'reloaded'
    const store = await client.open(name)
    const [a] = (await replicas(1, { creatorStore: store })) as [Replica]
    await store.setDurableAuthor(a.key.publicKey)
    await store.putGroup({ id: a.log.id, secret: a.log.secret, name: 'Reloaded', addedAt: 1 })
    for (let i = 0; i < 5; i++) await a.log.append({ type: 'message', text: `before the reload ${i}` })

    await watched.page.reload({ timeout: START_TIMEOUT_MS })
    await client.ready()
    const reopened = await client.open(name)
    try {
      assert.equal(await reopened.countEntries(a.log.id), a.log.size)
      assert.deepEqual(await reopened.heads(a.log.id), a.log.heads())
      assert.equal((await reopened.getGroup(a.log.id))?.name, 'Reloaded')
      const page = await reopened.messageRows(a.log.id, { limit: 10, hidden: [] })
      assert.deepEqual(
        renderMessages(page).map((m) => m.text),
        [0, 1, 2, 3, 4].map((i) => `before the reload ${i}`)
      )
      assert.deepEqual(watched.errors, [])
    } finally {
      await client.remove(name)
    }
  })

  it('upgrades a database of schema version 1 with its messages, then holds polls and pins', { timeout: TEST_TIMEOUT_MS }, async () => {
    const name = 'version-1'
    const [a, b] = [new Uint8Array(32).fill(0xa1), new Uint8Array(32).fill(0xb2)]
    const rows = (n: number, author: Uint8Array, op: ViewEntry['op'], role = 'member') => {
      const id = new Uint8Array(32).fill(n)
      return rowsOf({ id, idHex: toHex(id), authorHex: toHex(author), clock: n, seq: n, time: 1000 * n, op, role })
    }
    const old = rows(1, a, { type: 'message', text: 'from before polls' })
    const oldId = (old[0] as MessageRow).id
    await client.seedOlder(name, 1, GROUP, [...old, ...rows(2, b, { type: 'reaction', target: oldId, emoji: '👍', add: true })])
    const store = await client.open(name)
    try {
      const [kept] = renderMessages(await store.messageRows(GROUP, { limit: 10, hidden: [] }))
      assert.deepEqual([kept?.text, kept?.reactions], ['from before polls', [{ emoji: '👍', authors: [toHex(b)] }]])
      const poll = rows(3, b, { type: 'message', text: 'Rope or boulder?', poll: { options: ['Rope', 'Boulder'], multiple: true } })
      const pollId = (poll[0] as MessageRow).id
      await store.putViewRows(GROUP, [
        ...poll,
        ...rows(4, a, { type: 'vote', poll: pollId, choices: [0, 1] }),
        ...rows(5, a, { type: 'pin', target: oldId, pinned: true }, 'admin')
      ])
      const [, shown] = renderMessages(await store.messageRows(GROUP, { limit: 10, hidden: [] }))
      assert.deepEqual(
        shown?.poll?.options.map((o) => o.votes),
        [1, 1]
      )
      assert.deepEqual(
        (await readPinned(store, GROUP, [])).map((m) => m.text),
        ['from before polls']
      )
    } finally {
      await client.remove(name)
    }
  })
})
