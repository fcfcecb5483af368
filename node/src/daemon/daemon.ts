/**
 * Daemon: a headless Causette peer with its data directory. `Daemon.start`
 * takes the data directory (refusing it while another daemon holds it,
 * before binding any port), loads or makes the device key, goes online,
 * opens the control API, and then opens the groups one by one with
 * progress. Everything it does is reported as DaemonEvents, which the API
 * streams and the `causette start` terminal prints.
 *
 * ```ts
 * const daemon = await Daemon.start(await daemonOptions(home, { apiPort: 0, p2pPort: 0 }))
 * console.log(daemon.peer.peerId, daemon.apiUrl)
 * await daemon.stop()
 * ```
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type CausettePeer, type Message, toHex } from '@causette/core'
import { ApiServer } from '../api/api-server.ts'
import type { DaemonEvent } from '../api/api-types.ts'
import { WEB_APP_DIR, WebAppFiles } from '../api/web-app-files.ts'
import {
  API_FILE,
  API_TOKEN_FILE,
  type ApiAddress,
  DATABASE_FILE,
  DEVICE_KEY_FILE,
  ensureWritableHome,
  homeFlag,
  newApiToken,
  readApiAddress,
  writePrivateFile
} from '../data-dir.ts'
import { DaemonAlreadyRunningError, PortInUseError } from '../errors.ts'
import type { BlockList } from '../store/block-list.ts'
import type { StoreUpgrade } from '../store/schema.ts'
import type { Settings } from '../store/settings.ts'
import { SqliteStore } from '../store/sqlite-store.ts'
import type { VerifiedMembers } from '../store/verified-members.ts'
import { WorkerSignatures } from '../worker-signatures.ts'
import { Authors } from './authors.ts'
import { wireDaemonEvents } from './daemon-events.ts'
import { DaemonOperations } from './daemon-operations.ts'
import type { DaemonOptions } from './daemon-options.ts'
import { startPeer } from './daemon-peer.ts'
import { FreedesktopNotifier, NoDesktopNotifier } from './desktop-notifications.ts'
import { loadOrCreateDeviceKey } from './device-key-file.ts'
import { DevicePreferences } from './device-preferences.ts'
import { DisplayNamePublisher } from './display-name-publisher.ts'
import { paceFullCollections } from './gc-pacing.ts'
import { GroupDirectory } from './group-directory.ts'
import { openStoredGroups } from './group-opening.ts'
import { alsoRelease, keepMemoryReducerAwake, releaseAfterBursts, releaseMemory } from './heap-release.ts'
import { MediaPrefetch } from './media-prefetch.ts'
import { MessageNotifier } from './message-notifier.ts'
import { PeerDialer } from './peer-dialer.ts'
import { lanPeers, tabDaemon } from './tab-relay.ts'

/** The parts a started daemon is made of; DaemonOperations works on them. */
export interface DaemonParts {
  options: DaemonOptions
  peer: CausettePeer
  store: SqliteStore
  settings: Settings
  verified: VerifiedMembers
  blockList: BlockList
  directory: GroupDirectory
  authors: Authors
  signatures: WorkerSignatures
  displayName: DisplayNamePublisher
  dialer: PeerDialer
  /** Mutes, notification levels, read receipts: this device's own choices (device-preferences.ts). */
  preferences: DevicePreferences
  startedAt: number
  emit: (event: DaemonEvent) => void
}

export class Daemon {
  readonly options: DaemonOptions
  readonly peer: CausettePeer
  readonly startedAt: number
  /** What the control API does; also usable in-process. */
  readonly operations: DaemonOperations
  /** Resolves once the daemon has stopped, whoever stopped it. */
  readonly stopped: Promise<void>
  private readonly parts: DaemonParts
  private readonly api: ApiServer
  private apiAddress?: ApiAddress
  private stopping?: Promise<void>
  private readonly resolveStopped: () => void
  private opening: Promise<void> = Promise.resolve()
  /** Aborted when the daemon stops: a group still loading gives up between two pages. */
  private readonly closing = new AbortController()
  private readonly listeners = new Set<(event: DaemonEvent) => void>()
  /** Clients taking every message event (the API's event streams that ask for them): see followMessages. */
  private messageFollowers = 0
  private readonly webApp: WebAppFiles
  private readonly notifier: MessageNotifier
  /** Stops releases after bursts from emptying the store's page cache (heap-release.ts). */
  private readonly forgetStoreCache: () => void

  private constructor(parts: Omit<DaemonParts, 'emit' | 'displayName'>, token: string) {
    const emit = (event: DaemonEvent): void => this.emit(event)
    const { peer, authors, settings } = parts
    const displayName = new DisplayNamePublisher({ peer, self: authors.self, name: () => settings.get('name'), emit })
    this.parts = { ...parts, displayName, emit }
    this.options = parts.options
    this.peer = parts.peer
    this.startedAt = parts.startedAt
    this.operations = new DaemonOperations(
      this.parts,
      () => this.stop(),
      () => this.apiUrl
    )
    this.webApp = new WebAppFiles(parts.options.webAppDir ?? WEB_APP_DIR, async () => ({
      daemon: tabDaemon(this.peer),
      lan: await lanPeers(this.peer)
    }))
    this.api = new ApiServer(this, token, this.webApp)
    const { promise, resolve } = Promise.withResolvers<void>()
    this.stopped = promise
    this.resolveStopped = resolve
    wireDaemonEvents(this.parts, () => this.followsMessages())
    const desktop = parts.options.notifications ? new FreedesktopNotifier() : new NoDesktopNotifier('turned off (--no-notifications)')
    // a release after a burst empties SQLite's page cache too
    this.forgetStoreCache = alsoRelease(() => parts.store.shrink())
    this.notifier = new MessageNotifier({ ...this.parts, desktop })
    this.subscribe((event) => this.notifier.event(event))
    const prefetch = new MediaPrefetch(this.peer)
    const me = toHex(this.peer.key.publicKey)
    this.subscribe((event) => {
      if (event.type === 'message' && event.isNew) prefetch.consider(event.groupId, event.message as Message, event.message.author === me)
    })
  }

  static async start(options: DaemonOptions, onEvent?: (event: DaemonEvent) => void): Promise<Daemon> {
    keepMemoryReducerAwake()
    releaseAfterBursts()
    paceFullCollections()
    await ensureWritableHome(options.home)
    const store = await openStore(options.home, (upgrade) => onEvent?.({ type: 'store:upgrading', ...upgrade }))
    let peer: CausettePeer | undefined
    // live gossip checks a signature per entry: on a worker thread, off the thread that does the rest
    const signatures = new WorkerSignatures()
    try {
      const { key, created } = await loadOrCreateDeviceKey(join(options.home, DEVICE_KEY_FILE))
      // this device's entries are fsynced before they are published; others' need not wait for the disk
      store.setDurableAuthor(key.publicKey)
      peer = await startPeer(options, store, key, signatures, (made) => {
        if (created) onEvent?.({ type: 'key:generated', peerId: made.peerId })
      })
      const started = peer
      const { blockList, settings, knownPeers, verifiedMembers, fingerprints } = store.tables
      if (options.name !== undefined) settings.set('name', options.name)
      const directory = new GroupDirectory()
      for (const record of await store.listGroups()) directory.add(record)
      const daemon = new Daemon(
        {
          options,
          peer,
          store,
          settings,
          signatures,
          verified: verifiedMembers,
          blockList,
          directory,
          authors: new Authors(
            toHex(key.publicKey),
            () => settings.get('name'),
            () => started.libp2p.services.groups.personKey(),
            fingerprints
          ),
          dialer: new PeerDialer({
            peer,
            knownPeers,
            bootstrap: options.bootstrap
          }),
          preferences: new DevicePreferences(settings),
          startedAt: Date.now()
        },
        newApiToken()
      )
      if (onEvent !== undefined) daemon.subscribe(onEvent)
      await daemon.goLive()
      return daemon
    } catch (err) {
      await peer?.stop().catch(() => undefined)
      await signatures.close()
      await store.close()
      throw err
    }
  }

  get apiUrl(): string {
    return this.apiAddress?.url ?? ''
  }

  /**
   * Has every new or changed message rendered as a `message` event until the
   * returned function is called: a client that shows messages as they come
   * (an event stream of the API asking for them) calls it. Without one, and
   * without desktop notifications, a message is rendered only if it carries
   * files (their media are fetched: media-prefetch.ts): rendering each of a
   * catch-up's thousands of messages for no one was a tenth of its time.
   */
  followMessages(): () => void {
    this.messageFollowers++
    let followed = true
    return () => {
      if (followed) this.messageFollowers--
      followed = false
    }
  }

  private followsMessages(): boolean {
    return this.messageFollowers > 0 || this.notifier.wantsMessages
  }

  /** Calls `listener` with every event from now on; returns the function that stops it. */
  subscribe(listener: (event: DaemonEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stops the API, the peer and the store, in that order; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  get isStopping(): boolean {
    return this.stopping !== undefined
  }

  private async goLive(): Promise<void> {
    const { options } = this.parts
    let url: string
    try {
      url = await this.api.listen(options.apiPort)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
      throw new PortInUseError(
        `the control API port ${options.apiPort} on 127.0.0.1 is already in use, by another Causette daemon or another program; choose another with --api-port, or 0 for a free one`,
        { cause: err }
      )
    }
    try {
      this.apiAddress = { url, pid: process.pid, peerId: this.peer.peerId, startedAt: this.startedAt }
      await writePrivateFile(join(options.home, API_TOKEN_FILE), `${this.api.token}\n`)
      await writePrivateFile(join(options.home, API_FILE), `${JSON.stringify(this.apiAddress, null, 2)}\n`)
    } catch (err) {
      await this.api.close()
      throw err
    }
    const name = this.parts.settings.get('name')
    const webApp = (await this.webApp.built()) ? `${url}/` : undefined
    this.parts.emit({
      type: 'ready',
      peerId: this.peer.peerId,
      addresses: this.peer.multiaddrs(),
      api: url,
      home: options.home,
      ...(name === undefined ? {} : { name }),
      ...(webApp === undefined ? {} : { webApp })
    })
    this.opening = this.openGroups()
    // found out meanwhile, never waited for: a desktop that does not answer delays nothing
    void this.notifier.announce()
  }

  /** Opens each stored group in turn, reporting progress (group-opening.ts); the dialer starts once all are open. */
  private async openGroups(): Promise<void> {
    await openStoredGroups(this.parts, { stopping: () => this.isStopping, signal: this.closing.signal })
    if (this.isStopping) return
    // opening was the start's burst of allocation: what it grew the heap and malloc to goes back now (heap-release.ts)
    await releaseMemory()
    if (!this.isStopping) this.parts.dialer.start()
  }

  private emit(event: DaemonEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // one broken listener (a closed stream) must not stop the others or the daemon
      }
    }
  }

  private async shutdown(): Promise<void> {
    this.parts.emit({ type: 'stopping' })
    this.closing.abort(new Error('the daemon is stopping'))
    this.parts.dialer.stop()
    this.parts.authors.stop()
    this.notifier.stop()
    await this.api.close()
    await this.peer.stop()
    await this.parts.signatures.close()
    await this.opening.catch(() => undefined)
    this.forgetStoreCache()
    await this.parts.store.close()
    await this.removeApiFiles()
    this.resolveStopped()
  }

  private async removeApiFiles(): Promise<void> {
    const written = await readApiAddress(this.options.home)
    // another daemon may have taken the directory since; its files are its own
    if (written?.pid !== process.pid) return
    await rm(join(this.options.home, API_FILE), { force: true })
    await rm(join(this.options.home, API_TOKEN_FILE), { force: true })
  }
}

/** Opens the store, naming the daemon that holds it if another one does. */
async function openStore(home: string, upgrading: (upgrade: StoreUpgrade) => void): Promise<SqliteStore> {
  try {
    return await SqliteStore.open(join(home, DATABASE_FILE), upgrading)
  } catch (err) {
    if ((err as Error).name !== 'DataDirLockedError') throw err
    const running = await readApiAddress(home)
    const which = running === undefined ? '' : ` (pid ${running.pid}, control API ${running.url})`
    throw new DaemonAlreadyRunningError(
      `a Causette daemon is already running with the data directory ${home}${which}; stop it with \`causette stop${homeFlag(home)}\`, or give this one another --home`,
      { cause: err }
    )
  }
}
