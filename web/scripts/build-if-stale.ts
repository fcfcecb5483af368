/**
 * Builds the web app into web/dist when it is missing or older than its
 * sources (web/ and core/): what `npm start` runs before the daemon, so the
 * daemon always serves the app of this checkout. A failed build does not
 * stop the daemon's start: it is said, and the daemon answers the app's URL
 * with how to build it.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = [join(WEB, 'src'), join(WEB, 'index.html'), join(WEB, 'vite.config.ts'), join(WEB, '..', 'core', 'src')]
const DIST = join(WEB, 'dist')
const BUILT = join(DIST, 'index.html')
/** Held (a directory) while one process builds: another waits for it rather than build at the same time. */
const LOCK = join(WEB, '.build-lock')
const LOCK_WAIT_MS = 120_000

async function newest(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) return 0
  if (!info.isDirectory()) return info.mtimeMs
  let latest = info.mtimeMs
  for (const name of await readdir(path)) latest = Math.max(latest, await newest(join(path, name)))
  return latest
}

/** Whether web/dist is missing or older than a source file. */
export async function webAppStale(): Promise<boolean> {
  const built = await stat(BUILT).catch(() => undefined)
  if (built === undefined) return true
  const sources = await Promise.all(SOURCES.map(newest))
  return Math.max(...sources) > built.mtimeMs
}

/**
 * Builds into a directory of its own, then swaps it in for web/dist: a
 * daemon serving the app meanwhile never serves half a build.
 */
export async function buildWebApp(): Promise<void> {
  const { build } = await import('vite')
  const fresh = join(WEB, `dist.${process.pid}.new`)
  const old = join(WEB, `dist.${process.pid}.old`)
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: fresh, emptyOutDir: true } })
  await rename(DIST, old).catch(() => undefined)
  await rename(fresh, DIST)
  await rm(old, { recursive: true, force: true })
}

/** Builds when stale, one process at a time: one that finds another building waits, then builds only if still stale. */
export async function buildIfStale(): Promise<boolean> {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    if (!(await webAppStale())) return false
    try {
      await mkdir(LOCK)
      break
    } catch {
      // a build that died holding the lock is not waited for forever
      if (Date.now() > deadline) await rm(LOCK, { recursive: true, force: true })
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  try {
    if (!(await webAppStale())) return false
    await buildWebApp()
    return true
  } finally {
    await rm(LOCK, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (await webAppStale()) {
    const started = performance.now()
    process.stdout.write('Building the web app…\n')
    try {
      const built = await buildIfStale()
      process.stdout.write(
        built ? `Built the web app in ${((performance.now() - started) / 1000).toFixed(1)} s\n` : 'Another start built it meanwhile.\n'
      )
    } catch (err) {
      process.stderr.write(`causette: the web app could not be built, so the daemon starts without it: ${(err as Error).message}\n`)
    }
  }
}
