/**
 * A running relay: its identity loaded (or made), its libp2p node started
 * with the config's listeners and limits, its health endpoint up; `stop`
 * ends them in reverse order and resolves once everything is closed.
 *
 * ```ts
 * const relay = await Relay.start(resolveConfig([{ source: 'example', values: { dataDir: '/tmp/relay', port: 0, wsPort: -1, healthPort: -1 } }]))
 * console.log(relay.addresses())
 * await relay.stop()
 * ```
 */
import type { Server } from 'node:http'
import { startHealthServer } from './health-server.ts'
import { MailboxService, type MailboxSettings } from './mailbox/mailbox-service.ts'
import { type RelayConfig, RelayConfigError } from './relay-config.ts'
import { loadOrCreateIdentity } from './relay-identity.ts'
import { createRelayNode, type RelayNode } from './relay-node.ts'

export class Relay {
  readonly config: RelayConfig
  readonly node: RelayNode
  /** The key was made at this start (a new identity). */
  readonly created: boolean
  readonly healthUrl?: string
  private readonly health?: Server
  private stopping?: Promise<void>

  private constructor(config: RelayConfig, node: RelayNode, created: boolean, health?: { server: Server; url: string }) {
    this.config = config
    this.node = node
    this.created = created
    if (health !== undefined) {
      this.health = health.server
      this.healthUrl = health.url
    }
  }

  static async start(config: RelayConfig): Promise<Relay> {
    const { key, created } = await loadOrCreateIdentity(config.dataDir)
    const node = await createRelayNode(config, key)
    const startedAt = Date.now()
    try {
      if (config.mailbox.enabled) {
        node.mailbox = new MailboxService(node.libp2p, mailboxSettings(config), node.libp2p.services.pubsub)
        await node.mailbox.start()
      }
      await node.libp2p.start()
    } catch (err) {
      await node.mailbox?.stop().catch(() => undefined)
      await Promise.resolve(node.libp2p.stop()).catch(() => undefined)
      const inUse = /EADDRINUSE[^\n]*?(\d+\.\d+\.\d+\.\d+:\d+)/.exec(
        String((err as Error).message) + String((err as { cause?: unknown }).cause ?? '')
      )
      if (inUse !== null)
        throw new RelayConfigError(
          `the address ${inUse[1]} is already in use; choose other ports with --port, --ws-port, --wss-port (0 for free ones)`
        )
      throw err
    }
    let health: { server: Server; url: string } | undefined
    if (config.healthPort >= 0) {
      try {
        health = await startHealthServer(node, config, startedAt, config.healthPort)
      } catch (err) {
        await node.libp2p.stop()
        await node.mailbox?.stop()
        throw new RelayConfigError(
          `cannot serve /health on 127.0.0.1:${config.healthPort}: ${(err as Error).message}; choose another --health-port, or -1 for none`
        )
      }
    }
    return new Relay(config, node, created, health)
  }

  get peerId(): string {
    return this.node.libp2p.peerId.toString()
  }

  /** The mailbox's SQLite file, when the mailbox is on. */
  get mailboxPath(): string | undefined {
    return this.node.mailbox?.store.path
  }

  /** Addresses members give their daemons, with the relay's id. */
  addresses(): string[] {
    return this.node.libp2p.getMultiaddrs().map((a) => a.toString())
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await new Promise<void>((resolve) => (this.health === undefined ? resolve() : this.health.close(() => resolve())))
      this.health?.closeAllConnections()
      await this.node.libp2p.stop()
      await this.node.mailbox?.stop()
    })()
    return this.stopping
  }
}

function mailboxSettings(config: RelayConfig): MailboxSettings {
  const m = config.mailbox
  return {
    dataDir: config.dataDir,
    retentionMs: m.retentionDays * 24 * 60 * 60 * 1000,
    fileBytes: m.groupFileMegabytes * 2 ** 20,
    maxGroups: m.maxGroups,
    limits: { maxEntries: m.groupEntries, maxBytes: m.groupMegabytes * 2 ** 20, authorEntriesPerMinute: m.authorEntriesPerMinute }
  }
}
