/**
 * What a relay runs with: built-in defaults, then a JSON config file, then
 * command-line flags, each overriding the one before. Every value is checked
 * here, and a wrong one is refused with a message that names it, says what
 * was expected and where it came from, before anything starts.
 *
 * The defaults are sized for a community (docs/relay.md): js-libp2p's
 * server keeps 15 reservations; a relay here keeps 128, at most 16 from one
 * IP address, and relays connections with the protocol's limits (2 minutes
 * or 128 KiB) unless told to relay them unlimited. Its mailbox keeps up to
 * 1,000 groups, each up to 200,000 entries and 256 MB, for 90 days.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { isPrivateIp } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'

export interface RelayConfig {
  /** Where the relay keeps its identity and its mailbox. */
  dataDir: string
  /** Address the listeners bind to. */
  host: string
  /** TCP port for daemons; 0 for a free one. */
  port: number
  /** Plain WebSockets port (behind a TLS-terminating proxy, or for local tabs); 0 for a free one, -1 for none. */
  wsPort: number
  /** Secure WebSockets for browsers, from a certificate and key file. */
  wss?: { port: number; cert: string; key: string }
  /** Addresses to announce instead of those listened on (a relay behind a proxy or NAT). */
  announce: string[]
  /** Reservations held at once. */
  maxReservations: number
  /** Reservations held at once for peers connecting from one IP address. */
  reservationsPerIp: number
  /** Reserve slots only for devices that are members of a group the mailbox keeps (a relay for its own community). */
  membersOnly: boolean
  /** How long a reservation lasts unless renewed (the client renews it). */
  reservationTtlMs: number
  /** Relayed connections: unlimited, or cut after this long or this many bytes. */
  circuit: { unlimited: boolean; durationMs: number; dataBytes: number }
  /** Relayed connections being set up at once over one peer's connection. */
  circuitsPerPeer: number
  /**
   * New connections one IP address may open per second (libp2p's default
   * is 5, for a peer among peers; many members behind one NAT — a school,
   * an office — come from one address to a community relay).
   */
  connectionsPerIpPerSecond: number
  /** Port of the health and metrics endpoint on 127.0.0.1; -1 for none. */
  healthPort: number
  /** The blind mailbox: keeps the sealed entries of groups whose admins ask it to (docs/relay.md). */
  mailbox: {
    enabled: boolean
    /** Groups kept at once. */
    maxGroups: number
    /** Per group: entries and megabytes kept. */
    groupEntries: number
    groupMegabytes: number
    /** Per group: megabytes of files' pieces kept. */
    groupFileMegabytes: number
    /** Entries received longer ago than this are dropped. */
    retentionDays: number
    /** Entries one author may store dated within one minute. */
    authorEntriesPerMinute: number
  }
  /** Whether /metrics also carries libp2p's own metrics (connections, streams, protocols). */
  libp2pMetrics: boolean
  /**
   * AutoTLS: a certificate for `*.<peer id in base36>.<forgeDomain>` from an
   * ACME CA, the forge answering the CA's DNS challenge; served on the
   * WebSockets port (auto-tls-service.ts, docs/relay.md). Off unless set.
   */
  autoTls?: AutoTlsConfig
}

export interface AutoTlsConfig {
  /** The forge's registration endpoint (libp2p.direct's by default). */
  forgeEndpoint: string
  /** The domain the forge serves names under. */
  forgeDomain: string
  /** The ACME directory (Let's Encrypt's production one by default). */
  acmeDirectory: string
}

export const AUTO_TLS_DEFAULTS: AutoTlsConfig = {
  forgeEndpoint: 'https://registration.libp2p.direct/',
  forgeDomain: 'libp2p.direct',
  acmeDirectory: 'https://acme-v02.api.letsencrypt.org/directory'
}

export class RelayConfigError extends Error {
  static override name = 'RelayConfigError'
  override name = 'RelayConfigError'
}

export function defaultConfig(): RelayConfig {
  const dataHome = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share')
  return {
    dataDir: join(dataHome, 'causette-relay'),
    host: '0.0.0.0',
    port: 4001,
    wsPort: 4002,
    announce: [],
    maxReservations: 128,
    reservationsPerIp: 16,
    membersOnly: false,
    reservationTtlMs: 2 * 60 * 60 * 1000,
    circuit: { unlimited: false, durationMs: 2 * 60 * 1000, dataBytes: 128 * 1024 },
    circuitsPerPeer: 16,
    connectionsPerIpPerSecond: 50,
    healthPort: 9464,
    mailbox: {
      enabled: true,
      maxGroups: 1000,
      groupEntries: 200_000,
      groupMegabytes: 256,
      groupFileMegabytes: 1024,
      retentionDays: 90,
      authorEntriesPerMinute: 600
    },
    libp2pMetrics: true
  }
}

/** The fields a config file or the flags may set, as they are written there. */
export type ConfigInput = Partial<Omit<RelayConfig, 'circuit' | 'wss' | 'mailbox' | 'autoTls'>> & {
  /** `true`, or the forge and ACME directory to use (AutoTLS on); `false` (off). */
  autoTls?: boolean | Partial<AutoTlsConfig>
  circuit?: Partial<RelayConfig['circuit']>
  mailbox?: Partial<RelayConfig['mailbox']>
  wss?: Partial<NonNullable<RelayConfig['wss']>>
}

/** Reads a JSON config file; refuses one that cannot be read or parsed, or that names an unknown setting. */
export async function readConfigFile(path: string): Promise<ConfigInput> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new RelayConfigError(`cannot read the config file ${path}: ${(err as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new RelayConfigError(`the config file ${path} is not JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new RelayConfigError(`the config file ${path} must hold a JSON object`)
  const known = new Set([...Object.keys(defaultConfig()), 'wss', 'autoTls'])
  for (const key of Object.keys(parsed)) {
    if (!known.has(key))
      throw new RelayConfigError(`the config file ${path} has an unknown setting "${key}"; known settings: ${[...known].join(', ')}`)
  }
  return parsed as ConfigInput
}

/** Defaults, then each input in turn; checked. `sources` names each input for messages ("config file x", "flags"). */
export function resolveConfig(inputs: Array<{ source: string; values: ConfigInput }>): RelayConfig {
  const config = defaultConfig()
  for (const { source, values } of inputs) {
    const check = checker(source)
    if (values.dataDir !== undefined) config.dataDir = check.text('dataDir', values.dataDir)
    if (values.host !== undefined) config.host = check.text('host', values.host)
    if (values.port !== undefined) config.port = check.port('port', values.port)
    if (values.wsPort !== undefined) config.wsPort = check.port('wsPort', values.wsPort, true)
    if (values.healthPort !== undefined) config.healthPort = check.port('healthPort', values.healthPort, true)
    if (values.libp2pMetrics !== undefined) config.libp2pMetrics = check.flag('libp2pMetrics', values.libp2pMetrics)
    if (values.announce !== undefined) config.announce = check.addresses('announce', values.announce)
    if (values.maxReservations !== undefined) config.maxReservations = check.count('maxReservations', values.maxReservations, 0)
    if (values.reservationsPerIp !== undefined) config.reservationsPerIp = check.count('reservationsPerIp', values.reservationsPerIp)
    if (values.membersOnly !== undefined) config.membersOnly = check.flag('membersOnly', values.membersOnly)
    if (values.reservationTtlMs !== undefined) config.reservationTtlMs = check.count('reservationTtlMs', values.reservationTtlMs, 60_000)
    if (values.circuitsPerPeer !== undefined) config.circuitsPerPeer = check.count('circuitsPerPeer', values.circuitsPerPeer)
    if (values.connectionsPerIpPerSecond !== undefined) {
      config.connectionsPerIpPerSecond = check.count('connectionsPerIpPerSecond', values.connectionsPerIpPerSecond)
    }
    if (values.circuit !== undefined) {
      const c = values.circuit
      if (c.unlimited !== undefined) config.circuit.unlimited = check.flag('circuit.unlimited', c.unlimited)
      if (c.durationMs !== undefined) config.circuit.durationMs = check.count('circuit.durationMs', c.durationMs, 1000)
      if (c.dataBytes !== undefined) config.circuit.dataBytes = check.count('circuit.dataBytes', c.dataBytes, 1024)
    }
    if (values.mailbox !== undefined) {
      const m = values.mailbox
      if (m.enabled !== undefined) config.mailbox.enabled = check.flag('mailbox.enabled', m.enabled)
      if (m.maxGroups !== undefined) config.mailbox.maxGroups = check.count('mailbox.maxGroups', m.maxGroups)
      if (m.groupEntries !== undefined) config.mailbox.groupEntries = check.count('mailbox.groupEntries', m.groupEntries)
      if (m.groupMegabytes !== undefined) config.mailbox.groupMegabytes = check.count('mailbox.groupMegabytes', m.groupMegabytes)
      if (m.groupFileMegabytes !== undefined) config.mailbox.groupFileMegabytes = check.count('mailbox.groupFileMegabytes', m.groupFileMegabytes)
      if (m.retentionDays !== undefined) config.mailbox.retentionDays = check.count('mailbox.retentionDays', m.retentionDays)
      if (m.authorEntriesPerMinute !== undefined) {
        config.mailbox.authorEntriesPerMinute = check.count('mailbox.authorEntriesPerMinute', m.authorEntriesPerMinute)
      }
    }
    if (values.wss !== undefined) {
      const { port, cert, key } = values.wss
      if (port === undefined || cert === undefined || key === undefined) {
        throw new RelayConfigError(`${source}: secure WebSockets need all of wss.port, wss.cert and wss.key (--wss-port, --cert, --key)`)
      }
      config.wss = { port: check.port('wss.port', port), cert: check.text('wss.cert', cert), key: check.text('wss.key', key) }
    }
    if (values.autoTls !== undefined) config.autoTls = autoTlsOf(check, values.autoTls, config.autoTls)
  }
  if (config.membersOnly && !config.mailbox.enabled) {
    throw new RelayConfigError('membersOnly needs the mailbox (it knows the members from it): drop --no-mailbox, or --members-only')
  }
  if (config.autoTls !== undefined) checkAutoTlsCombination(config)
  return config
}

function autoTlsOf(check: ReturnType<typeof checker>, v: unknown, before: AutoTlsConfig | undefined): AutoTlsConfig | undefined {
  if (v === false) return undefined
  if (v === true) return before ?? { ...AUTO_TLS_DEFAULTS }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return check.fail('autoTls', 'true, false or an object', v)
  const { forgeEndpoint, forgeDomain, acmeDirectory, ...unknown } = v as Partial<AutoTlsConfig>
  const extra = Object.keys(unknown)[0]
  if (extra !== undefined) check.fail('autoTls', 'an object of forgeEndpoint, forgeDomain and acmeDirectory', extra)
  const config = { ...(before ?? AUTO_TLS_DEFAULTS) }
  if (forgeEndpoint !== undefined) config.forgeEndpoint = check.url('autoTls.forgeEndpoint', forgeEndpoint)
  if (forgeDomain !== undefined) config.forgeDomain = check.domain('autoTls.forgeDomain', forgeDomain)
  if (acmeDirectory !== undefined) config.acmeDirectory = check.url('autoTls.acmeDirectory', acmeDirectory)
  return config
}

/** AutoTLS serves its certificate on the plain WebSockets port, for a public IP address: settings that leave it nothing to do are refused. */
function checkAutoTlsCombination(config: RelayConfig): void {
  if (config.wsPort < 0) {
    throw new RelayConfigError('AutoTLS serves secure WebSockets on the WebSockets port: give --ws-port (not -1), or drop --auto-tls')
  }
  if (config.wss !== undefined) {
    throw new RelayConfigError(
      'AutoTLS and a certificate from files (--wss-port, --cert, --key) both serve secure WebSockets: choose one (drop --auto-tls, or the three)'
    )
  }
  // members' daemons do not dial a relay back (AutoNAT), so a public address it listens on stays unconfirmed: the operator says it
  if (!config.announce.some(isPublicWebSocketsAddress)) {
    throw new RelayConfigError(
      `AutoTLS needs the relay's public IP address announced for WebSockets (its name is made from it), like --announce /ip4/1.2.3.4/tcp/${config.port} /ip4/1.2.3.4/tcp/${config.wsPort}/ws`
    )
  }
}

/** `/ip4/<public>/tcp/<n>/ws` or `/ip6/…`: an address the forge can name (auto-tls-addresses.ts). */
export function isPublicWebSocketsAddress(address: string): boolean {
  const m = /^\/(ip4|ip6)\/([^/]+)\/tcp\/\d+\/ws(\/p2p\/[^/]+)?$/.exec(address)
  return m !== null && isPublicIp(m[2] as string)
}

/** Not loopback, private, link-local or reserved for documentation (as libp2p's filters count them). */
export function isPublicIp(ip: string): boolean {
  return isPrivateIp(ip) === false
}

function checker(source: string) {
  const fail = (name: string, expected: string, value: unknown): never => {
    throw new RelayConfigError(`${source}: ${name} must be ${expected}, not ${JSON.stringify(value)}`)
  }
  return {
    fail,
    url: (name: string, v: unknown): string => {
      try {
        const url = new URL(String(v))
        if (url.protocol === 'https:' || url.protocol === 'http:') return url.toString()
      } catch {}
      return fail(name, 'an http(s) URL', v)
    },
    domain: (name: string, v: unknown): string =>
      typeof v === 'string' && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v) ? v.toLowerCase() : fail(name, 'a domain name, like libp2p.direct', v),
    text: (name: string, v: unknown): string => (typeof v === 'string' && v.length > 0 ? v : fail(name, 'a non-empty string', v)),
    flag: (name: string, v: unknown): boolean => (typeof v === 'boolean' ? v : fail(name, 'true or false', v)),
    port: (name: string, v: unknown, noneAllowed = false): number =>
      Number.isInteger(v) && (v as number) >= (noneAllowed ? -1 : 0) && (v as number) <= 65535
        ? (v as number)
        : fail(name, `a port number (0 for a free one${noneAllowed ? ', -1 for none' : ''})`, v),
    count: (name: string, v: unknown, min = 1): number =>
      Number.isInteger(v) && (v as number) >= min ? (v as number) : fail(name, `a whole number of at least ${min}`, v),
    addresses: (name: string, v: unknown): string[] => {
      if (!Array.isArray(v)) return fail(name, 'a list of multiaddrs', v)
      for (const a of v) {
        try {
          multiaddr(String(a))
        } catch {
          fail(name, 'a list of multiaddrs, like /dns4/relay.example.org/tcp/443/wss', a)
        }
      }
      return v.map(String)
    }
  }
}
