/**
 * The `causette-relay` command: reads the config file and flags, starts
 * the relay, prints what an operator needs (its addresses, the limits it
 * applies, where its health endpoint is, the flag members use), and stops
 * cleanly on SIGINT or SIGTERM. A wrong setting is refused before anything
 * starts, with a message that says which and why (exit status 2).
 */
import { keepMemoryReducerAwake, releaseAfterBursts, releaseMemory } from '@causette/node/memory-release'
import { Command } from 'commander'
import { Relay } from './relay.ts'
import { type ConfigInput, RelayConfigError, readConfigFile, resolveConfig } from './relay-config.ts'

interface Flags {
  config?: string
  dataDir?: string
  host?: string
  port?: string
  wsPort?: string
  wssPort?: string
  cert?: string
  key?: string
  announce?: string[]
  maxReservations?: string
  reservationsPerIp?: string
  connectionsPerIp?: string
  unlimitedCircuits?: boolean
  circuitSeconds?: string
  circuitKib?: string
  healthPort?: string
  mailbox?: boolean
  membersOnly?: boolean
  mailboxGroups?: string
  mailboxGroupEntries?: string
  mailboxGroupMb?: string
  mailboxGroupFileMb?: string
  mailboxRetentionDays?: string
  mailboxAuthorRate?: string
  libp2pMetrics?: boolean
  autoTls?: boolean
  autoTlsForge?: string
  autoTlsDomain?: string
  autoTlsAcme?: string
}

const program = new Command('causette-relay')
  .description('A community relay for Causette: lets daemons and browsers behind NAT reach each other (circuit relay v2).')
  .option('--config <file>', 'JSON config file (docs/relay.md); flags override it')
  .option('--data-dir <dir>', 'where the relay keeps its identity (default: $XDG_DATA_HOME/causette-relay)')
  .option('--host <ip>', 'address to listen on (default 0.0.0.0)')
  .option('--port <n>', 'TCP port for daemons (default 4001; 0: a free one)')
  .option('--ws-port <n>', 'WebSockets port (default 4002; -1: none)')
  .option('--wss-port <n>', 'secure WebSockets port, with --cert and --key')
  .option('--cert <file>', 'TLS certificate (PEM) for secure WebSockets')
  .option('--key <file>', 'TLS private key (PEM) for secure WebSockets')
  .option('--announce <addr...>', 'addresses to announce instead of those listened on (behind a proxy)')
  .option('--max-reservations <n>', 'reservations held at once (default 128; 0: a mailbox that relays no connections)')
  .option('--reservations-per-ip <n>', 'reservations held at once from one IP address (default 16)')
  .option('--members-only', 'reserve slots only for members of the groups the mailbox keeps (as their admins listed them)')
  .option('--connections-per-ip <n>', 'new connections one IP address may open per second (default 50)')
  .option('--unlimited-circuits', 'relay connections without a time or data limit (for users you trust)')
  .option('--circuit-seconds <n>', 'otherwise, cut a relayed connection after this many seconds (default 120)')
  .option('--circuit-kib <n>', 'or after this many KiB (default 128)')
  .option('--health-port <n>', 'port of /health and /metrics on 127.0.0.1 (default 9464; 0: a free one; -1: none)')
  .option('--no-mailbox', "keep no group's entries (the mailbox is on by default)")
  .option('--mailbox-groups <n>', 'groups the mailbox keeps at once (default 1000)')
  .option('--mailbox-group-entries <n>', 'entries kept per group (default 200000)')
  .option('--mailbox-group-mb <n>', 'megabytes kept per group (default 256)')
  .option('--mailbox-group-file-mb <n>', "megabytes of files' pieces kept per group (default 1024)")
  .option('--mailbox-retention-days <n>', 'drop entries received longer ago than this (default 90)')
  .option('--mailbox-author-rate <n>', 'entries one author may store dated within one minute (default 600)')
  .option('--no-libp2p-metrics', "leave libp2p's own metrics (connections, streams, protocols) out of /metrics")
  .option(
    '--auto-tls',
    "get a certificate for secure WebSockets by itself (AutoTLS: libp2p.direct and Let's Encrypt), for a relay with a public IP address"
  )
  .option('--auto-tls-forge <url>', 'with --auto-tls: the forge (default https://registration.libp2p.direct/)')
  .option('--auto-tls-domain <domain>', "with --auto-tls: the forge's domain (default libp2p.direct)")
  .option('--auto-tls-acme <url>', "with --auto-tls: the ACME directory (default Let's Encrypt production)")

async function main(): Promise<void> {
  program.parse()
  const flags = program.opts<Flags>()
  const inputs: Array<{ source: string; values: ConfigInput }> = []
  if (flags.config !== undefined) inputs.push({ source: `config file ${flags.config}`, values: await readConfigFile(flags.config) })
  inputs.push({ source: 'flags', values: fromFlags(flags) })
  const config = resolveConfig(inputs)
  const relay = await Relay.start(config)
  // as the daemon does: what a burst of syncs or reservations grew V8's heap
  // and malloc's arenas to goes back once it is over (node's heap-release.ts)
  keepMemoryReducerAwake()
  releaseAfterBursts()
  await releaseMemory()
  const out = (line: string) => process.stdout.write(`${line}\n`)
  out(`Causette relay ${relay.peerId}`)
  if (relay.created) out(`  a new identity, kept in ${config.dataDir}`)
  out('Listening on:')
  for (const address of relay.addresses()) out(`  ${address}`)
  const circuits = config.circuit.unlimited
    ? 'relayed connections: unlimited'
    : `relayed connections: cut after ${config.circuit.durationMs / 1000} s or ${config.circuit.dataBytes / 1024} KiB`
  out(
    `Reservations: up to ${config.maxReservations}, ${config.reservationsPerIp} per IP address${config.membersOnly ? ', for members of the groups kept only' : ''}; ${circuits}`
  )
  const m = config.mailbox
  out(
    m.enabled
      ? `Mailbox: keeps up to ${m.maxGroups} groups, ${m.groupEntries} entries or ${m.groupMegabytes} MB each, for ${m.retentionDays} days (${relay.mailboxPath})`
      : 'Mailbox: off (--no-mailbox)'
  )
  if (relay.node.autoTls !== undefined) {
    out(relay.node.autoTls.summary())
    relay.node.autoTls.onReport(out)
  }
  if (relay.healthUrl !== undefined) out(`Health: ${relay.healthUrl}/health, metrics: ${relay.healthUrl}/metrics`)
  // an address others can reach: not loopback, unless there is nothing else
  const tcpAddresses = relay.addresses().filter((a) => a.includes('/tcp/') && !a.includes('/ws'))
  const first = tcpAddresses.find((a) => !a.startsWith('/ip4/127.') && !a.startsWith('/ip6/::1/')) ?? tcpAddresses[0]
  if (first !== undefined) out(`Members start their daemons with: causette start --relay ${first}`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    out(`Stopping (${signal})…`)
    relay.stop().then(
      () => {
        out('Stopped.')
        process.exit(0)
      },
      (err: unknown) => {
        process.stderr.write(`causette-relay: could not stop cleanly: ${(err as Error).message}\n`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

/** Flags as config values; numbers stay text when they are not whole numbers, so the check names what was typed. */
function fromFlags(f: Flags): ConfigInput {
  const n = (v: string | undefined) => (v === undefined ? undefined : /^-?\d+$/.test(v) ? Number(v) : v)
  const values: Record<string, unknown> = {
    dataDir: f.dataDir,
    host: f.host,
    port: n(f.port),
    wsPort: n(f.wsPort),
    healthPort: n(f.healthPort),
    // commander sets it to true unless --no-libp2p-metrics: only the "no" is a setting
    libp2pMetrics: f.libp2pMetrics === false ? false : undefined,
    announce: f.announce,
    maxReservations: n(f.maxReservations),
    reservationsPerIp: n(f.reservationsPerIp),
    connectionsPerIpPerSecond: n(f.connectionsPerIp),
    membersOnly: f.membersOnly
  }
  const circuit: Record<string, unknown> = {}
  if (f.unlimitedCircuits === true) circuit.unlimited = true
  const seconds = n(f.circuitSeconds)
  if (seconds !== undefined) circuit.durationMs = typeof seconds === 'number' ? seconds * 1000 : seconds
  const kib = n(f.circuitKib)
  if (kib !== undefined) circuit.dataBytes = typeof kib === 'number' ? kib * 1024 : kib
  if (Object.keys(circuit).length > 0) values.circuit = circuit
  const mailbox: Record<string, unknown> = {
    maxGroups: n(f.mailboxGroups),
    groupEntries: n(f.mailboxGroupEntries),
    groupMegabytes: n(f.mailboxGroupMb),
    groupFileMegabytes: n(f.mailboxGroupFileMb),
    retentionDays: n(f.mailboxRetentionDays),
    authorEntriesPerMinute: n(f.mailboxAuthorRate)
  }
  // commander sets `mailbox` true unless --no-mailbox: only the flag given says anything
  if (f.mailbox === false) mailbox.enabled = false
  const mailboxSet = Object.entries(mailbox).filter(([, v]) => v !== undefined)
  if (mailboxSet.length > 0) values.mailbox = Object.fromEntries(mailboxSet)
  if (f.wssPort !== undefined || f.cert !== undefined || f.key !== undefined) values.wss = { port: n(f.wssPort), cert: f.cert, key: f.key }
  const autoTls = { forgeEndpoint: f.autoTlsForge, forgeDomain: f.autoTlsDomain, acmeDirectory: f.autoTlsAcme }
  const autoTlsSet = Object.entries(autoTls).filter(([, v]) => v !== undefined)
  if (autoTlsSet.length > 0 && f.autoTls !== true) {
    throw new RelayConfigError('--auto-tls-forge, --auto-tls-domain and --auto-tls-acme say how AutoTLS works: they need --auto-tls')
  }
  if (f.autoTls === true) values.autoTls = Object.fromEntries(autoTlsSet)
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as ConfigInput
}

main().catch((err: unknown) => {
  if (err instanceof RelayConfigError) {
    process.stderr.write(`causette-relay: ${err.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`causette-relay: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
