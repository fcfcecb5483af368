/**
 * The web app (web/), in Debian's Chromium, served by a real daemon on
 * loopback: the JavaScript the first screen loads (gzip), the time from
 * opening an invite link to seeing the group's last 50 messages, and the JS
 * heap of a tab holding a large group (after a garbage collection, over
 * the DevTools protocol).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { Browser } from 'playwright-core'
import { loadOrCreateDeviceKey } from '../../node/src/daemon/device-key-file.ts'
import { DaemonProcess, eventually, ISOLATED, tempDir } from '../node/fixtures/daemons.ts'
import { launchChromium } from '../web/fixtures/chromium.ts'
import { ensureWebAppBuilt, personTab } from '../web/fixtures/web-app.ts'
import { median } from './daemon-api.ts'
import type { Benchmark, Metric } from './harness.ts'
import { largeGroupHome } from './large-group-home.ts'

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url))

/** gzip size (KB) of the scripts index.html loads before anything else: its module entry and what it preloads. */
async function initialJsKb(): Promise<number> {
  const html = await readFile(join(DIST, 'index.html'), 'utf8')
  const files = [...html.matchAll(/<script[^>]+src="\.?\/?([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="\.?\/?([^"]+\.js)"/g)].map(
    (m) => m[1] ?? m[2]
  )
  let bytes = 0
  for (const file of files) bytes += gzipSync(await readFile(join(DIST, file as string)), { level: 9 }).byteLength
  return Math.round(bytes / 1024)
}

/** A data directory whose device created a group of `count` messages (by it and 9 others), written straight into its store. */
async function homeWithGroup(home: string, count: number): Promise<string> {
  const { key } = await loadOrCreateDeviceKey(join(home, 'device.key'))
  return largeGroupHome(home, count, key)
}

interface Served {
  daemon: DaemonProcess
  url: string
  /** The web link of a fresh invite to the group. */
  invite: () => Promise<string>
  stop: () => Promise<void>
}

async function serveGroup(count: number, log: (line: string) => void): Promise<Served> {
  const home = await tempDir('causette-web-bench-')
  log(`  writing a ${count.toLocaleString('en-US')}-message group…`)
  const groupId = await homeWithGroup(home.path, count)
  const daemon = await DaemonProcess.start(home.path, ISOLATED)
  await daemon.waitForEvent((e) => e.type === 'groups:opened', 'the group to open', 600_000)
  const url = (daemon.ready as unknown as { webApp: string }).webApp
  return {
    daemon,
    url,
    invite: async () => {
      const made = await daemon.cli(['invite', groupId])
      if (made.code !== 0) throw new Error(`causette invite failed: ${made.stderr}`)
      const link = made.stdout
        .trim()
        .split('\n')
        .find((l) => l.startsWith('causette:join/')) as string
      return `${url}#join=${link.slice('causette:join/'.length)}`
    },
    stop: async () => {
      await daemon.stop().catch(() => daemon.kill())
      await home.remove()
    }
  }
}

/**
 * ms from opening the invite link (a tab past its first run) to the group's
 * newest message on screen, the chat showing its latest page of 50 (the list
 * is virtualised: the screen holds those that fit, the rest of the 50 are a
 * scroll away, already read).
 */
async function openToLast50(browser: Browser, served: Served, count: number): Promise<number> {
  const tab = await personTab(browser, served.url, 'Reader')
  try {
    const link = await served.invite()
    const start = performance.now()
    await tab.page.goto(link)
    await tab.page.locator('article.message', { hasText: `message ${count - 1}:` }).waitFor({ timeout: 120_000 })
    const took = performance.now() - start
    // the page under the newest holds the ones before it: the older ones are there too
    await tab.page.locator('article.message', { hasText: `message ${count - 3}:` }).waitFor({ timeout: 10_000 })
    return took
  } finally {
    await tab.context.close()
  }
}

/** MiB of JS heap used by a tab that joined the group and holds all of it, after a garbage collection. */
async function heapHolding(browser: Browser, served: Served, entries: number, log: (line: string) => void): Promise<{ mib: number; joinMs: number }> {
  const tab = await personTab(browser, served.url, 'Holder')
  try {
    const start = performance.now()
    await tab.page.goto(await served.invite())
    let shown = 0
    await eventually(
      async () => {
        const held = await tab.page.evaluate(() =>
          (globalThis as unknown as { causette: { groups: () => Array<{ entries: number }> } }).causette.groups()
        )
        const now = held[0]?.entries ?? 0
        if (now - shown >= 10_000) {
          shown = now
          log(`    the tab holds ${now.toLocaleString('en-US')} entries`)
        }
        return now >= entries
      },
      `the tab to hold ${entries} entries`,
      1_800_000
    )
    const joinMs = performance.now() - start
    const cdp = await tab.context.newCDPSession(tab.page)
    await cdp.send('HeapProfiler.collectGarbage')
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
    return { mib: Math.round(usedSize / 1024 / 1024), joinMs }
  } finally {
    await tab.context.close()
  }
}

export const webBenchmark: Benchmark = {
  name: 'web',
  async run(ctx) {
    await ensureWebAppBuilt()
    const metrics: Metric[] = [
      {
        name: 'web app: initial JS (gzip)',
        value: await initialJsKb(),
        unit: 'KB',
        target: { op: '<=', value: 350 },
        conditions: 'the scripts web/dist/index.html loads first (entry and module preloads), gzip -9'
      }
    ]
    const browser = await launchChromium()
    try {
      const small = 1_000
      let served = await serveGroup(small, ctx.log)
      try {
        const runs: number[] = []
        for (let i = 0; i < (ctx.quick ? 1 : 3); i++) runs.push(await openToLast50(browser, served, small))
        ctx.log(`  open link → last 50 shown (ms): ${runs.map((r) => Math.round(r)).join(', ')}`)
        metrics.push({
          name: 'web app: invite link → last 50 messages shown',
          value: Math.round(median(runs)),
          unit: 'ms',
          target: { op: '<=', value: 2000 },
          conditions: `a fresh tab (past its first run) opens an invite to a ${small.toLocaleString('en-US')}-message group held by the daemon that serves it, on loopback, until the newest message is on screen with the latest 50 loaded (the list is virtualised); median of ${runs.length}`
        })
      } finally {
        await served.stop()
      }
      const large = ctx.quick ? 10_000 : 100_000
      served = await serveGroup(large, ctx.log)
      try {
        // the group's entries: its messages, the genesis, and the nine other authors' invites and joins
        const held = await heapHolding(browser, served, large + 1 + 18, ctx.log)
        metrics.push({
          name: `web app: JS heap of a tab holding ${large.toLocaleString('en-US')} messages`,
          value: held.mib,
          unit: 'MiB',
          target: { op: '<=', value: 100 },
          conditions: `after joining the group by link and receiving all of it into IndexedDB (${Math.round(held.joinMs / 1000)} s), then a garbage collection; Runtime.getHeapUsage`
        })
      } finally {
        await served.stop()
      }
    } finally {
      await browser.close()
    }
    return metrics
  }
}
