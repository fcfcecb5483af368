/**
 * Builds the web app into web/dist when it is missing or older than its
 * sources (web/ and core/): what `npm start` runs before the daemon, so the
 * daemon always serves the app of this checkout. A failed build does not
 * stop the daemon's start: it is said, and the daemon answers the app's URL
 * with how to build it.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = [join(WEB, 'src'), join(WEB, 'index.html'), join(WEB, 'vite.config.ts'), join(WEB, '..', 'core', 'src')]
const BUILT = join(WEB, 'dist', 'index.html')

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

export async function buildWebApp(): Promise<void> {
  const { build } = await import('vite')
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (await webAppStale()) {
    const started = performance.now()
    process.stdout.write('Building the web app…\n')
    try {
      await buildWebApp()
      process.stdout.write(`Built the web app in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
    } catch (err) {
      process.stderr.write(`causette: the web app could not be built, so the daemon starts without it: ${(err as Error).message}\n`)
    }
  }
}
