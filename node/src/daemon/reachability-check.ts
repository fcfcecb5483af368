/**
 * Whether this daemon can be reached from the internet, as its relays find
 * by dialling it back (AutoNAT v2, which causette-relay serves): each time
 * the daemon connects to one of its relays, and every 5 minutes, it asks
 * the relay to dial its public addresses, and keeps the answer. An address
 * a relay reached is confirmed to libp2p's address manager, so libp2p
 * announces it (a public address is not announced until verified), and
 * members then dial it directly, by invite or by DCUtR.
 *
 * Why not @libp2p/autonat-v2's client: it takes 4 dial-backs from distinct
 * networks to trust an observed address and 8 failures to say an address is
 * not reachable, right for a node among many peers of a DHT; a daemon asks
 * the one or two relays its person configured, and trusts them.
 */
import type { ComponentLogger, Connection, Libp2pEvents, Logger, PeerId, Startable, Stream, TypedEventTarget } from '@libp2p/interface'
import type { AddressManager, ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { isGlobalUnicast, isNetworkAddress, isPrivate, lpStream } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { ReachabilityReason } from '../api/api-types.ts'
import {
  DIAL_BACK_PROTOCOL,
  DIAL_ERROR,
  DIAL_OK,
  DIAL_REQUEST_PROTOCOL,
  decodeDialBackNonce,
  decodeServerMessage,
  encodeDialBackOk,
  encodeDialDataResponse,
  encodeDialRequest,
  RESPONSE_OK
} from './autonat-messages.ts'

/** Checked again this often (libp2p keeps an address verified for 10 minutes). */
export const RECHECK_MS = 5 * 60_000
/** How long a relay has to answer (it gives its own dials 30 s). */
export const CHECK_TIMEOUT_MS = 40_000
/** Most addresses one request names. */
const MAX_ADDRESSES = 8
/** Most bytes sent when a relay asks for data before dialling an address of another IP (libp2p's client sends up to 200 KB). */
const MAX_DIAL_DATA = 200_000

/** What one relay's check found, or why it found nothing. */
export interface RelayVerdict {
  reason: ReachabilityReason
  /** reachable: the addresses the relay dialled back; dial-back-failed: those it could not. */
  addresses: string[]
  relay: string
  at: number
}

export interface ReachabilityCheckInit {
  /** The daemon's relays (multiaddrs with /p2p/): the peers it asks. */
  relays: string[]
  recheckMs?: number
  timeoutMs?: number
}

export interface ReachabilityCheckComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
  addressManager: AddressManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export class ReachabilityCheck implements Startable {
  private readonly components: ReachabilityCheckComponents
  private readonly relays: Set<string>
  private readonly recheckMs: number
  private readonly timeoutMs: number
  private readonly log: Logger
  private readonly verdicts = new Map<string, RelayVerdict>()
  private readonly running = new Set<string>()
  private readonly identified = new WeakSet<Connection>()
  /** Nonces of the requests under way, and those a dial-back has proved. */
  private readonly nonces = new Map<bigint, boolean>()
  private timer?: ReturnType<typeof setInterval>
  private readonly stopping = new AbortController()

  constructor(components: ReachabilityCheckComponents, init: ReachabilityCheckInit) {
    this.components = components
    this.relays = new Set(init.relays.flatMap((r) => /\/p2p\/([^/]+)$/.exec(r)?.[1] ?? []))
    this.recheckMs = init.recheckMs ?? RECHECK_MS
    this.timeoutMs = init.timeoutMs ?? CHECK_TIMEOUT_MS
    this.log = components.logger.forComponent('causette:reachability-check')
    this.onIdentify = this.onIdentify.bind(this)
  }

  readonly [Symbol.toStringTag] = 'causette:reachability-check'

  async start(): Promise<void> {
    await this.components.registrar.handle(DIAL_BACK_PROTOCOL, (stream) => this.answerDialBack(stream), { maxInboundStreams: 4 })
    this.components.events.addEventListener('peer:identify', this.onIdentify)
    this.timer = setInterval(() => this.checkAll(), this.recheckMs)
    this.timer.unref?.()
  }

  async stop(): Promise<void> {
    this.stopping.abort()
    clearInterval(this.timer)
    this.components.events.removeEventListener('peer:identify', this.onIdentify)
    await this.components.registrar.unhandle(DIAL_BACK_PROTOCOL)
  }

  /** The latest finding of each relay that answered, newest first. */
  findings(): RelayVerdict[] {
    return [...this.verdicts.values()].sort((a, b) => b.at - a.at)
  }

  /**
   * A new connection this daemon made to one of its relays. Not the relay's own dial-backs (inbound: each is identified
   * too, and checking again on each would have the relay dial back for ever), nor a connection identified again.
   */
  private onIdentify(evt: CustomEvent<{ peerId: PeerId; connection: Connection }>): void {
    const { peerId, connection } = evt.detail
    if (!this.relays.has(peerId.toString()) || connection.direction !== 'outbound' || this.identified.has(connection)) return
    this.identified.add(connection)
    void this.check(connection)
  }

  private checkAll(): void {
    for (const connection of this.components.connectionManager.getConnections()) {
      if (this.relays.has(connection.remotePeer.toString()) && connection.limits === undefined) void this.check(connection)
    }
  }

  /** Asks the relay at the other end of `connection` to dial this daemon's public addresses back; records what it found. */
  private async check(connection: Connection): Promise<void> {
    const relay = connection.remotePeer.toString()
    if (this.running.has(relay) || this.stopping.signal.aborted) return
    this.running.add(relay)
    try {
      const verdict = await this.ask(connection)
      if (verdict !== undefined) this.verdicts.set(relay, verdict)
    } catch (err) {
      this.log.error('reachability check with %s failed - %e', relay, err)
      this.verdicts.set(relay, { reason: 'relay-did-not-answer', addresses: [], relay, at: Date.now() })
    } finally {
      this.running.delete(relay)
    }
  }

  private async ask(connection: Connection): Promise<RelayVerdict | undefined> {
    const relay = connection.remotePeer.toString()
    const at = () => Date.now()
    const candidates = this.publicAddresses()
    if (candidates.length === 0) return { reason: 'no-public-address', addresses: [], relay, at: at() }
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopping.signal])
    let stream: Stream
    try {
      stream = await connection.newStream(DIAL_REQUEST_PROTOCOL, { signal })
    } catch (err) {
      if (this.stopping.signal.aborted) return undefined
      this.log('%s does not check reachability - %e', relay, err)
      return { reason: 'relay-cannot-check', addresses: [], relay, at: at() }
    }
    const nonce = randomNonce()
    this.nonces.set(nonce, false)
    const reached: string[] = []
    const failed: string[] = []
    try {
      const messages = lpStream(stream)
      await messages.write(
        encodeDialRequest(
          candidates.map((a) => a.bytes),
          nonce
        ),
        { signal }
      )
      while (true) {
        let bytes: Uint8Array
        try {
          bytes = (await messages.read({ signal })).subarray()
        } catch (err) {
          if (signal.aborted) throw err
          break // the relay closed the stream: every answer is in
        }
        const message = decodeServerMessage(bytes)
        if ('dialDataRequest' in message) {
          await sendDialData(messages, message.dialDataRequest.numBytes, signal)
        } else if ('dialResponse' in message) {
          const { status, addrIdx, dialStatus } = message.dialResponse
          const address = candidates[addrIdx]
          if (status !== RESPONSE_OK || address === undefined) continue
          // a dial-back that carried our nonce proves the relay really reached us
          if (dialStatus === DIAL_OK && this.nonces.get(nonce) === true) reached.push(address.toString())
          else if (dialStatus === DIAL_ERROR) failed.push(address.toString())
        }
      }
      await stream.close({ signal }).catch(() => undefined)
    } finally {
      this.nonces.delete(nonce)
    }
    for (const address of reached) this.components.addressManager.confirmObservedAddr(multiaddr(address))
    if (reached.length > 0) return { reason: 'dial-back', addresses: reached, relay, at: at() }
    if (failed.length > 0) return { reason: 'dial-back-failed', addresses: failed, relay, at: at() }
    return { reason: 'relay-did-not-answer', addresses: [], relay, at: at() }
  }

  /** A relay dialled back with a nonce: answer OK if it is one of ours. */
  private async answerDialBack(stream: Stream): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs)
    try {
      const messages = lpStream(stream)
      const nonce = decodeDialBackNonce((await messages.read({ signal })).subarray())
      if (nonce === undefined || !this.nonces.has(nonce)) throw new Error('a dial-back with a nonce this daemon did not send')
      this.nonces.set(nonce, true)
      await messages.write(encodeDialBackOk(), { signal })
      await stream.close({ signal })
    } catch (err) {
      this.log('refused a dial-back - %e', err)
      stream.abort(err as Error)
    }
  }

  /** This daemon's own addresses others on the internet could dial: IP, not private, not relayed. */
  private publicAddresses(): Multiaddr[] {
    const seen = new Set<string>()
    const out: Multiaddr[] = []
    for (const { multiaddr: address } of this.components.addressManager.getAddressesWithMetadata()) {
      const text = address.toString()
      if (seen.has(text) || text.includes('/p2p-circuit') || !isNetworkAddress(address) || isPrivate(address)) continue
      if (text.startsWith('/ip6/') && !isGlobalUnicast(address)) continue
      seen.add(text)
      out.push(address)
    }
    return out.slice(0, MAX_ADDRESSES)
  }
}

async function sendDialData(
  messages: { write: (data: Uint8Array, options: { signal: AbortSignal }) => Promise<void> },
  numBytes: number,
  signal: AbortSignal
): Promise<void> {
  if (numBytes > MAX_DIAL_DATA) throw new Error(`the relay asked for ${numBytes} bytes before dialling back, more than ${MAX_DIAL_DATA}`)
  const chunk = new Uint8Array(4096)
  for (let sent = 0; sent < numBytes; sent += chunk.length) await messages.write(encodeDialDataResponse(chunk), { signal })
}

function randomNonce(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return new DataView(bytes.buffer).getBigUint64(0, true)
}

export function reachabilityCheck(init: ReachabilityCheckInit): (components: ReachabilityCheckComponents) => ReachabilityCheck {
  return (components) => new ReachabilityCheck(components, init)
}
