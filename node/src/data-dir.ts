/**
 * The data directory: where a daemon keeps its store, device key, settings
 * and the address and token of its control API, and where every CLI command
 * given the same --home finds that daemon. Node built-ins only: the CLI
 * imports this without loading the daemon.
 *
 * Which directory: --home, else $CAUSETTE_HOME, else the platform's place
 * for application data ($XDG_DATA_HOME/causette or ~/.local/share/causette
 * on Linux, ~/Library/Application Support/Causette on macOS,
 * %LOCALAPPDATA%\Causette on Windows).
 */
import { randomBytes } from 'node:crypto'
import { chmod, type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { CannotWriteFileError, DataDirNotWritableError } from './errors.ts'

export const DATABASE_FILE = 'causette.db'
export const DEVICE_KEY_FILE = 'device.key'
export const CONFIG_FILE = 'config.json'
export const API_FILE = 'api.json'
export const API_TOKEN_FILE = 'api-token'

/** What a running daemon writes about its control API (api.json). */
export interface ApiAddress {
  /** Base URL, e.g. http://127.0.0.1:7430 */
  url: string
  pid: number
  peerId: string
  startedAt: number
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Causette')
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Causette')
  const xdg = env.XDG_DATA_HOME
  // the XDG spec says to ignore a relative path
  return join(xdg?.startsWith('/') ? xdg : join(homedir(), '.local', 'share'), 'causette')
}

/** The data directory for a --home flag (absolute), falling back to $CAUSETTE_HOME, then the default. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? (env.CAUSETTE_HOME === undefined || env.CAUSETTE_HOME === '' ? undefined : env.CAUSETTE_HOME)
  return resolve(chosen ?? defaultHome(env))
}

/** How to name this directory in a command a person can paste: nothing when it is the default. */
export function homeFlag(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return home === resolveHome(undefined, env) ? '' : ` --home ${shellQuote(home)}`
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}

/** Creates the directory (owner-only) if needed and proves it writable by writing a file in it. */
export async function ensureWritableHome(home: string): Promise<void> {
  try {
    await mkdir(home, { recursive: true, mode: 0o700 })
    const probe = join(home, `.write-test-${process.pid}`)
    await (await open(probe, 'w', 0o600)).close()
    await rm(probe)
  } catch (err) {
    throw new DataDirNotWritableError(home, { cause: err })
  }
}

/**
 * Fsyncs a directory, so that the names just made or renamed in it survive
 * a power loss: an fsynced file renamed into place is on disk, but its new
 * name is in the directory, which the file's fsync does not cover (SQLite
 * fsyncs its directory the same way when it makes its WAL).
 */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } catch {
    // some file systems cannot fsync a directory; the rename is done all the same
  } finally {
    await handle.close()
  }
}

/**
 * Writes a file readable by its owner only, atomically and durably: a
 * reader sees the old content or the new, never half of it, and the new
 * survives a power loss once this resolves.
 */
export async function writePrivateFile(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  const handle = await open(temporary, 'w', 0o600)
  try {
    await handle.writeFile(content)
    await handle.sync()
  } finally {
    await handle.close()
  }
  // open's mode is masked by the umask and ignored for an existing file
  await chmod(temporary, 0o600)
  await rename(temporary, path)
  await syncDirectory(dirname(path))
}

/**
 * Writes a file, owner-only, from pieces as they come: to a temporary name
 * beside `path`, fsynced, then renamed over it. If the pieces fail, or the
 * process dies, `path` is left as it was: never a half-written file under
 * its name.
 */
export async function writeFileAtomically(path: string, pieces: AsyncIterable<Uint8Array>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  let handle: FileHandle
  try {
    handle = await open(temporary, 'w', 0o600)
  } catch (err) {
    throw new CannotWriteFileError(path, { cause: err })
  }
  try {
    for await (const piece of pieces) await handle.write(piece)
    await handle.sync()
    await handle.close()
    await chmod(temporary, 0o600)
    await rename(temporary, path)
    await syncDirectory(dirname(path))
  } catch (err) {
    await handle.close().catch(() => undefined)
    await rm(temporary, { force: true })
    // the file system's refusal (a full disk, a directory in the way) rather than the pieces' own failure
    throw (err as NodeJS.ErrnoException).syscall === undefined ? err : new CannotWriteFileError(path, { cause: err })
  }
}

export function newApiToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The API address a daemon wrote, if any (it may be stale: the daemon may have died). */
export async function readApiAddress(home: string): Promise<ApiAddress | undefined> {
  let text: string
  try {
    text = await readFile(join(home, API_FILE), 'utf8')
  } catch {
    return undefined
  }
  try {
    const value = JSON.parse(text) as Partial<ApiAddress>
    if (typeof value.url !== 'string' || typeof value.pid !== 'number') return undefined
    return value as ApiAddress
  } catch {
    return undefined
  }
}

export async function readApiToken(home: string): Promise<string | undefined> {
  try {
    return (await readFile(join(home, API_TOKEN_FILE), 'utf8')).trim()
  } catch {
    return undefined
  }
}

/** Whether a process with this pid exists (a daemon killed with -9 leaves its api.json behind). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
