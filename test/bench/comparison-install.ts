/**
 * Installs a compared system's folder (test/bench/peers/NAME) on first use:
 * `npm ci` from its committed lockfile (`npm install` if it has none yet),
 * bounded in time. The peers are never product dependencies, so the root
 * `npm ci` stays lean and only `npm run bench` pays for them.
 */
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { spawnChild } from './comparison-process.ts'

/** Written into node_modules once an install completed, with the lockfile's hash: a changed lockfile reinstalls. */
const STAMP = 'node_modules/.causette-bench-installed'
const INSTALL_TIMEOUT_MS = 10 * 60_000

export class PeerInstallError extends Error {
  static override name = 'PeerInstallError'
  override name = 'PeerInstallError'
}

async function lockHash(dir: URL): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(new URL('package-lock.json', dir)))
      .digest('hex')
  } catch {
    return undefined
  }
}

/** Ensures `dir` has its dependencies; resolves once it has, rejects with PeerInstallError saying why not. */
export async function ensureInstalled(dir: URL, log: (line: string) => void): Promise<void> {
  const before = await lockHash(dir)
  const stamp = await readFile(new URL(STAMP, dir), 'utf8').catch(() => undefined)
  if (before !== undefined && stamp === before) return
  const command = before === undefined ? 'install' : 'ci'
  log(`  installing ${dir.pathname} (npm ${command}, once; bounded to ${INSTALL_TIMEOUT_MS / 60_000} min)…`)
  // No install scripts: every native part these systems need ships prebuilt (N-API) inside its npm package.
  const result = await spawnChild('npm', [command, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: INSTALL_TIMEOUT_MS
  })
  if (result.timedOut) throw new PeerInstallError(`npm ${command} did not finish within ${INSTALL_TIMEOUT_MS / 60_000} min`)
  if (result.code !== 0) {
    // npm's own error code says more than its closing lines (a proxy hint, the log's path)
    const code = result.stderr.match(/npm error code (\S+)/)?.[1]
    const unreachable = /^(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH)$/.test(code ?? '')
    const detail = code ?? result.stderr.trim().split('\n').at(-1) ?? `exit code ${result.code}`
    throw new PeerInstallError(
      unreachable
        ? `not installed: the npm registry is unreachable (${detail}); \`npm run bench\` installs it on first use`
        : `not installed: npm ${command} failed (${detail})`
    )
  }
  const after = await lockHash(dir)
  if (after !== undefined) await writeFile(new URL(STAMP, dir), after)
}
