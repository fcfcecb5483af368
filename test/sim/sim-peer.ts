/**
 * One simulated peer: a device key, a memory store that outlives restarts,
 * and while running the real GroupLog opened from that store. Stopping drops
 * the log and everything in memory, as a closed tab or killed daemon does;
 * restarting opens the log again from the store. A peer may start outside
 * the group and join during the run (membership.ts).
 */
import {
  type DeviceKey,
  GroupLog,
  type GroupLogInit,
  MemoryStore,
  type PersonClaim,
  type Sha256,
  type Signatures,
  SyncCascade,
  syncTag,
  toHex,
  type X25519,
  type XChaChaAead
} from '@causette/core'

export interface PeerEnvironment {
  signatures: Signatures
  now: () => number
  /** Entries each open log keeps in memory beyond heads and tips (GroupLogInit.recentEntries). */
  recentEntries: number
  /** The body cipher, X25519 and entry ids' hash the logs run with: core's portable ones unless the harness gives faster ones (runSimulation). */
  aead?: XChaChaAead
  x25519?: X25519
  sha256?: Sha256
}

/** What a restart must give back: the log as it was when the peer stopped. */
export interface LogState {
  size: number
  heads: string
  /** What else a restart must give back, as JSON: membership, keys, sealed entries, equivocations, authors' places, the view's registers. */
  rest: string
}

export class SimPeer {
  readonly index: number
  readonly name: string
  readonly key: DeviceKey
  readonly store = new MemoryStore()
  /** The running log; undefined while the peer is down. */
  log: GroupLog | undefined
  /** Bumped on every start: sessions and timers of an earlier life are void. */
  incarnation = 0
  /** Ids of messages this peer wrote, acknowledged: targets for its own edits and deletes. */
  readonly ownMessages: Uint8Array[] = []
  /** When the last sync with each other peer completed (simulated ms). */
  readonly lastSync = new Map<number, number>()
  /**
   * gossipsub's seen cache: message → until when a copy of it is dropped
   * before validation. Keyed by the message's bytes object, which the
   * simulation passes along unchanged, so identity stands for the message id.
   */
  readonly seenGossip = new Map<Uint8Array, number>()
  /** The group's sync tag (hex), as the responder side looks groups up by it. */
  syncTagHex = ''
  /** Whom to sync with after a sync: CausettePeer's own policy, one per life of the peer. */
  cascade = new SyncCascade()
  /** Whether this peer has joined the group (at setup or by invite): a person using it now writes, or tries to. */
  joined = false
  /** Whose device this is, once another peer linked it as a device of its person (membership.ts). */
  person: PersonClaim | undefined
  /** Called each time the peer starts or restarts with its log (membership.ts listens to the log's events). */
  onStart: (peer: SimPeer) => void = () => undefined
  private readonly env: PeerEnvironment
  private groupId: Uint8Array | undefined

  constructor(index: number, key: DeviceKey, env: PeerEnvironment) {
    this.index = index
    this.name = `p${index}`
    this.key = key
    this.env = env
  }

  get running(): boolean {
    return this.log !== undefined
  }

  /** The log of a running peer (the caller has checked `running`). */
  get runningLog(): GroupLog {
    if (this.log === undefined) throw new Error(`${this.name} is down`)
    return this.log
  }

  async createGroup(name: string): Promise<GroupLog> {
    const log = await GroupLog.create({ name, key: this.key, store: this.store, ...this.env })
    this.groupId = log.id
    return this.started(log)
  }

  /** Joins with the group id and secret, as an invite gives them: the log starts empty. */
  async joinGroup(groupId: Uint8Array, secret: Uint8Array): Promise<GroupLog> {
    await this.store.putGroup({ id: groupId, secret, name: '', addedAt: this.env.now() })
    this.groupId = groupId
    return this.started(await GroupLog.open(this.logInit(secret)))
  }

  stop(): LogState {
    const state = stateOf(this.runningLog)
    this.log = undefined
    return state
  }

  async restart(): Promise<GroupLog> {
    const record = await this.store.getGroup(this.groupId as Uint8Array)
    if (record === undefined) throw new Error(`${this.name} lost its group record`)
    return this.started(await GroupLog.open(this.logInit(record.secret)))
  }

  private started(log: GroupLog): GroupLog {
    this.log = log
    this.incarnation++
    this.lastSync.clear()
    this.seenGossip.clear()
    this.cascade = new SyncCascade()
    this.syncTagHex = toHex(syncTag(log.syncKey))
    this.onStart(this)
    return log
  }

  private logInit(secret: Uint8Array): GroupLogInit {
    return {
      groupId: this.groupId as Uint8Array,
      secret,
      key: this.key,
      store: this.store,
      ...this.env,
      ...(this.person === undefined ? {} : { person: this.person })
    }
  }
}

export function stateOf(log: GroupLog): LogState {
  const state = log.membership()
  const rest = {
    members: log.members(),
    epochs: state?.epochs.map((e) => e.id) ?? [],
    keys: (state?.epochs ?? []).filter((e) => log.keys.has(e.id)).map((e) => e.id),
    gaps: [...(state?.gaps ?? new Map())],
    canWrite: log.canWrite(),
    needsRekey: log.needsRekey(),
    sealed: log.sealedCount,
    equivocations: log.equivocations(),
    seqs: [...log.authorSeqs()].sort(),
    metadata: log.view.metadata(),
    names: [...log.view.displayNames()].sort(),
    reads: [...log.view.readMarkersByAuthor()].sort()
  }
  return { size: log.size, heads: log.heads().map(toHex).join(','), rest: JSON.stringify(rest) }
}
