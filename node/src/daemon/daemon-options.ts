/**
 * What a daemon is started with: flags over the data directory's
 * config.json over defaults. Every value is checked here, so a typo in the
 * config file stops the start with a message naming the setting.
 *
 * config.json (all optional):
 *   { "p2pPort": 7431, "apiPort": 7430, "listenHost": "0.0.0.0", "mdns": true, "notifications": true,
 *     "bootstrap": ["/dns4/example.org/tcp/7431/p2p/12D3..."], "relays": ["/ip4/.../p2p/12D3..."] }
 */
import { readFile } from 'node:fs/promises'
import { isIPv4 } from 'node:net'
import { join } from 'node:path'
import { MAX_NAME_LENGTH } from '@causette/core'
import { CONFIG_FILE } from '../data-dir.ts'
import { InvalidConfigError } from '../errors.ts'

/** TCP listens here and WebSockets on the port after it. */
export const DEFAULT_P2P_PORT = 7431
/** A fixed default so the web app, served on this port, keeps one URL (and its IndexedDB: one origin). */
export const DEFAULT_API_PORT = 7430
const MAX_ADDRESSES = 32

export interface DaemonOptions {
  home: string
  /** Base port: TCP on it, WebSockets on it + 1; 0 picks free ports for both. */
  p2pPort: number
  /** Port of the control API on 127.0.0.1; 0 picks a free one. */
  apiPort: number
  /** IPv4 address the peer-to-peer listeners bind (0.0.0.0: every interface, so LAN peers reach it). */
  listenHost: string
  /** Announce and discover peers on the LAN by multicast DNS. */
  mdns: boolean
  /** Notify the desktop of mentions and of the messages a person asked for (message-notifier.ts). */
  notifications: boolean
  /** Peers to dial at start and whenever no connection to them is up. */
  bootstrap: string[]
  /** Circuit relays to reserve a slot on, so peers behind NAT and browsers reach this one. */
  relays: string[]
  /** Display name to keep in the local settings. */
  name?: string
  /** The built web app this daemon serves on its API port (default: web/dist of this checkout). */
  webAppDir?: string
  /** The largest file this daemon sends or fetches (bytes; core's default, 100 MB, when absent). */
  maxFileBytes?: number
  /** The room for files' pieces (bytes): others' are evicted past it (blobs/blob-quota.ts). */
  fileStorageBytes: number
}

export type DaemonFlags = Partial<Omit<DaemonOptions, 'home' | 'maxFileBytes' | 'fileStorageBytes'>> & { maxFileMb?: number; fileStorageMb?: number }

const SETTINGS = ['p2pPort', 'apiPort', 'listenHost', 'mdns', 'notifications', 'bootstrap', 'relays', 'maxFileMb', 'fileStorageMb'] as const
/** The room for files by default: 10 GB. */
const DEFAULT_FILE_STORAGE_MB = 10_000
/** The largest file limit a person may set: the format's own limit, ~1.9 GB. */
const MAX_FILE_MB = 1900

export async function daemonOptions(home: string, flags: DaemonFlags = {}): Promise<DaemonOptions> {
  const config = await readConfig(join(home, CONFIG_FILE))
  const options: DaemonOptions = {
    home,
    p2pPort: port(flags.p2pPort ?? config.p2pPort ?? DEFAULT_P2P_PORT, 'p2pPort', 65534),
    apiPort: port(flags.apiPort ?? config.apiPort ?? DEFAULT_API_PORT, 'apiPort', 65535),
    listenHost: host(flags.listenHost ?? config.listenHost ?? '0.0.0.0'),
    mdns: flags.mdns ?? (config.mdns as boolean | undefined) ?? true,
    notifications: flags.notifications ?? (config.notifications as boolean | undefined) ?? true,
    bootstrap: addresses(flags.bootstrap ?? config.bootstrap ?? [], 'bootstrap'),
    relays: addresses(flags.relays ?? config.relays ?? [], 'relays'),
    fileStorageBytes: storageMegabytes(flags.fileStorageMb ?? config.fileStorageMb ?? DEFAULT_FILE_STORAGE_MB)
  }
  if (flags.name !== undefined) options.name = displayName(flags.name)
  const maxFileMb = flags.maxFileMb ?? config.maxFileMb
  if (maxFileMb !== undefined) options.maxFileBytes = megabytes(maxFileMb)
  return options
}

async function readConfig(path: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new InvalidConfigError(`cannot read ${path}: ${(err as Error).message}`, { cause: err })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new InvalidConfigError(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidConfigError(`${path} must hold a JSON object`)
  for (const key of Object.keys(value)) {
    if (!(SETTINGS as readonly string[]).includes(key)) {
      throw new InvalidConfigError(`${path}: unknown setting "${key}"; the settings are ${SETTINGS.join(', ')}`)
    }
  }
  const config = value as Record<string, unknown>
  for (const flag of ['mdns', 'notifications']) {
    if (config[flag] !== undefined && typeof config[flag] !== 'boolean') throw new InvalidConfigError(`${path}: "${flag}" must be true or false`)
  }
  return config
}

function megabytes(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_FILE_MB) {
    throw new InvalidConfigError(`maxFileMb must be a whole number of megabytes from 1 to ${MAX_FILE_MB}, not ${JSON.stringify(value)}`)
  }
  return value * 1_000_000
}

function storageMegabytes(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 10 || value > 10_000_000) {
    throw new InvalidConfigError(`fileStorageMb must be a whole number of megabytes from 10 to 10,000,000, not ${JSON.stringify(value)}`)
  }
  return value * 1_000_000
}

function displayName(value: string): string {
  const name = value.trim()
  if (name === '' || name.length > MAX_NAME_LENGTH) throw new InvalidConfigError(`--name must be 1 to ${MAX_NAME_LENGTH} characters`)
  return name
}

function port(value: unknown, what: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidConfigError(`${what} must be a whole number from 0 to ${max} (0 picks a free port), not ${JSON.stringify(value)}`)
  }
  return value
}

function host(value: unknown): string {
  if (typeof value !== 'string' || !isIPv4(value))
    throw new InvalidConfigError(`listenHost must be an IPv4 address such as 0.0.0.0 or 127.0.0.1, not ${JSON.stringify(value)}`)
  return value
}

function addresses(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_ADDRESSES)
    throw new InvalidConfigError(`${what} must be a list of at most ${MAX_ADDRESSES} multiaddrs`)
  for (const address of value) {
    if (typeof address !== 'string' || !address.startsWith('/') || !/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(address)) {
      throw new InvalidConfigError(
        `${what}: ${JSON.stringify(address)} is not a multiaddr ending in /p2p/<peer id>, e.g. /ip4/192.0.2.7/tcp/7431/p2p/12D3KooW…`
      )
    }
  }
  return value as string[]
}
