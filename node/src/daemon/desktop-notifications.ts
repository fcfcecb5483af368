/**
 * Desktop notifications on Linux: the freedesktop notification service
 * (org.freedesktop.Notifications.Notify) on the session D-Bus, called
 * through `gdbus` (GLib's D-Bus tool, on every GNOME/GTK desktop) as a
 * child process — no D-Bus client in the daemon (docs/decisions.md).
 * Nothing here may fail or delay the daemon: with no session bus or no
 * gdbus it is unavailable and says why once; each call is bounded in time
 * and number, its failure ignored, and its process killed when the daemon
 * stops.
 */
import { type ChildProcess, execFile } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

export interface DesktopNotification {
  summary: string
  body: string
  /** The id of an earlier notification this one takes the place of (a burst growing). */
  replaces?: number
}

export interface NotificationAvailability {
  available: boolean
  /** In words: what shows the notifications, or why none are shown. */
  reason: string
}

/** Where notifications go: the desktop, or nowhere. */
export interface DesktopNotifier {
  availability(): Promise<NotificationAvailability>
  /** Shows a notification; resolves with its id, or undefined when it could not be shown. Never rejects. */
  show(notification: DesktopNotification): Promise<number | undefined>
  close(): void
}

const CALL_TIMEOUT_S = 5
const MAX_IN_FLIGHT = 4
const SHOWN_MS = 8000
const MAX_BODY = 300

const DESTINATION = ['--dest', 'org.freedesktop.Notifications', '--object-path', '/org/freedesktop/Notifications']

export class FreedesktopNotifier implements DesktopNotifier {
  private readonly env: NodeJS.ProcessEnv
  private readonly running = new Set<ChildProcess>()
  private probed?: Promise<NotificationAvailability>
  private gdbus?: string
  private closed = false

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = env
  }

  availability(): Promise<NotificationAvailability> {
    this.probed ??= this.probe()
    return this.probed
  }

  async show(notification: DesktopNotification): Promise<number | undefined> {
    if (!(await this.availability()).available || this.gdbus === undefined) return undefined
    // a desktop that stopped answering: drop rather than pile up processes
    if (this.running.size >= MAX_IN_FLIGHT) return undefined
    const answer = await this.call([
      ...DESTINATION,
      '--method',
      'org.freedesktop.Notifications.Notify',
      variantString('Causette'),
      `uint32 ${notification.replaces ?? 0}`,
      variantString(''),
      variantString(notification.summary),
      variantString(markupEscaped(shortened(notification.body))),
      '@as []',
      '@a{sv} {}',
      `int32 ${SHOWN_MS}`
    ])
    const id = answer === undefined ? undefined : /uint32 (\d+)/.exec(answer)?.[1]
    return id === undefined ? undefined : Number(id)
  }

  close(): void {
    this.closed = true
    for (const child of this.running) child.kill('SIGKILL')
    this.running.clear()
  }

  private async probe(): Promise<NotificationAvailability> {
    const runtimeBus = this.env.XDG_RUNTIME_DIR === undefined ? undefined : join(this.env.XDG_RUNTIME_DIR, 'bus')
    const hasBus = (this.env.DBUS_SESSION_BUS_ADDRESS ?? '') !== '' || (runtimeBus !== undefined && (await exists(runtimeBus)))
    if (!hasBus) return { available: false, reason: 'no desktop session bus (DBUS_SESSION_BUS_ADDRESS is not set)' }
    this.gdbus = await onPath('gdbus', this.env.PATH ?? '')
    if (this.gdbus === undefined) return { available: false, reason: 'gdbus is not installed (on Debian: apt install libglib2.0-bin)' }
    const bus = ['--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus']
    const owned = await this.call([...bus, '--method', 'org.freedesktop.DBus.NameHasOwner', variantString('org.freedesktop.Notifications')])
    if (owned === undefined) return { available: false, reason: 'the desktop session bus does not answer' }
    if (owned.includes('true')) return { available: true, reason: 'the desktop notification service (freedesktop, on the session bus)' }
    const activatable = await this.call([...bus, '--method', 'org.freedesktop.DBus.ListActivatableNames'])
    if (activatable?.includes("'org.freedesktop.Notifications'") === true) {
      return { available: true, reason: 'the desktop notification service (freedesktop, started by the session bus)' }
    }
    // a notification service may come up later in the session: calls are still tried, and fail quietly meanwhile
    return { available: true, reason: 'the session bus, which has no notification service yet (none is shown until one runs)' }
  }

  /** Runs `gdbus call --session …`; resolves with its output, or undefined when it failed or took too long. */
  private call(args: string[]): Promise<string | undefined> {
    const { promise, resolve } = Promise.withResolvers<string | undefined>()
    if (this.closed || this.gdbus === undefined) {
      resolve(undefined)
      return promise
    }
    const child = execFile(
      this.gdbus,
      ['call', '--session', '--timeout', String(CALL_TIMEOUT_S), ...args],
      { env: this.env, timeout: (CALL_TIMEOUT_S + 1) * 1000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 },
      (err, stdout) => {
        this.running.delete(child)
        resolve(err === null ? stdout : undefined)
      }
    )
    this.running.add(child)
    return promise
  }
}

/** For `--no-notifications`: says so, shows nothing. */
export class NoDesktopNotifier implements DesktopNotifier {
  private readonly reason: string

  constructor(reason: string) {
    this.reason = reason
  }

  async availability(): Promise<NotificationAvailability> {
    return { available: false, reason: this.reason }
  }

  async show(): Promise<undefined> {
    return undefined
  }

  close(): void {}
}

/** A GVariant text-format string literal: gdbus parses every argument, so text is always quoted and escaped. */
function variantString(text: string): string {
  return JSON.stringify(text)
}

/** Notification servers may read the body as markup. */
function markupEscaped(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

function shortened(text: string): string {
  return text.length <= MAX_BODY ? text : `${text.slice(0, MAX_BODY - 1)}…`
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

async function onPath(program: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, program)
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false
      )
    )
      return candidate
  }
  return undefined
}
