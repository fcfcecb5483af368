/** `causette start`: runs the daemon in the foreground until stopped (Ctrl-C, SIGTERM or `causette stop`). */
import { type Command, InvalidArgumentError } from 'commander'
import { keepUndiciLazy } from '../../daemon/lazy-undici.ts'
import { carryOnWhenOutputCloses } from '../closed-output.ts'
import { contextOf } from '../command-context.ts'
import { StartReport } from '../start-report.ts'

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the daemon: go online, keep your groups in sync, answer the other commands')
    .option('--name <name>', 'your display name, kept on this device')
    .option('--p2p-port <port>', 'TCP port for peers, WebSockets on the next one; 0 picks free ports (default 7431)', port)
    .option('--api-port <port>', 'port of the control API on 127.0.0.1; 0 picks a free one (default 7430)', port)
    .option('--listen-host <ipv4>', 'address the peer listeners bind (default 0.0.0.0: every interface)')
    .option('--no-mdns', 'do not announce or look for peers on the local network')
    .option('--no-notifications', 'do not notify the desktop of mentions and messages (also "notifications": false in config.json)')
    .option('--bootstrap <multiaddr...>', 'peers to dial at start and whenever disconnected (also "bootstrap" in config.json)')
    .option('--relay <multiaddr...>', 'circuit relays to reserve a slot on, to be reachable behind NAT (also "relays" in config.json)')
    .option('--max-file-mb <n>', 'the largest file this daemon sends or fetches, in MB (default 100; also "maxFileMb" in config.json)', megabytes)
    .option(
      '--file-storage-mb <n>',
      'room for files, in MB: past it, files fetched from others are evicted, oldest first (default 10000; "fileStorageMb")',
      storage
    )
    .addHelpText(
      'after',
      '\nSettings may also live in config.json in the data directory: p2pPort, apiPort, listenHost, mdns, notifications, bootstrap, relays, maxFileMb, fileStorageMb.\nFlags win over the file.'
    )
    .action(async (flags: StartFlags, command: Command) => {
      const { home, out } = contextOf(command)
      carryOnWhenOutputCloses()
      // before the daemon's modules import node:http (lazy-undici.ts)
      keepUndiciLazy()
      // loaded here: the other commands never load the daemon
      const [{ Daemon }, { daemonOptions }] = await Promise.all([import('../../daemon/daemon.ts'), import('../../daemon/daemon-options.ts')])
      const options = await daemonOptions(home, {
        ...(flags.p2pPort === undefined ? {} : { p2pPort: flags.p2pPort }),
        ...(flags.apiPort === undefined ? {} : { apiPort: flags.apiPort }),
        ...(flags.listenHost === undefined ? {} : { listenHost: flags.listenHost }),
        ...(command.getOptionValueSource('mdns') === 'cli' ? { mdns: false } : {}),
        ...(command.getOptionValueSource('notifications') === 'cli' ? { notifications: false } : {}),
        ...(flags.bootstrap === undefined ? {} : { bootstrap: flags.bootstrap }),
        ...(flags.relay === undefined ? {} : { relays: flags.relay }),
        ...(flags.name === undefined ? {} : { name: flags.name.trim() }),
        ...(flags.maxFileMb === undefined ? {} : { maxFileMb: flags.maxFileMb }),
        ...(flags.fileStorageMb === undefined ? {} : { fileStorageMb: flags.fileStorageMb })
      })
      // a fault deep in a network library must not take every group offline: say it, and carry on
      process.on('unhandledRejection', (reason) => {
        process.stderr.write(`causette: unexpected error, the daemon carries on: ${(reason as Error)?.stack ?? String(reason)}\n`)
      })
      const report = new StartReport(out)
      const daemon = await Daemon.start(options, (event) => report.event(event))
      let signals = 0
      const onSignal = (): void => {
        // a second Ctrl-C means now
        if (++signals > 1) process.exit(130)
        void daemon.stop()
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
      await daemon.stopped
      report.stopped()
      // libp2p may hold timers or sockets a moment longer; the daemon is done
      process.exit(0)
    })
}

interface StartFlags {
  name?: string
  p2pPort?: number
  apiPort?: number
  listenHost?: string
  bootstrap?: string[]
  relay?: string[]
  maxFileMb?: number
  fileStorageMb?: number
}

function storage(value: string): number {
  const n = /^\d{2,8}$/.test(value) ? Number(value) : Number.NaN
  if (!(n >= 10 && n <= 10_000_000)) throw new InvalidArgumentError('the room for files is a whole number of megabytes from 10 to 10000000')
  return n
}

function megabytes(value: string): number {
  const n = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN
  if (!(n >= 1 && n <= 1900)) throw new InvalidArgumentError('the file limit is a whole number of megabytes from 1 to 1900')
  return n
}

function port(value: string): number {
  const n = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN
  if (!(n >= 0 && n <= 65535)) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one)')
  return n
}
