/**
 * Members this device has blocked: a local choice, never written to a log.
 * Their messages are hidden in every group's view and their devices may not
 * connect either way (blocking-gater.ts asks `blocks`).
 */
import type { PeerId } from '@libp2p/interface'
import { toHex } from '../codec/hex.ts'

export class BlockList {
  private keys = new Set<string>()

  set(deviceKeys: Iterable<string>): void {
    this.keys = new Set(deviceKeys)
  }

  list(): string[] {
    return [...this.keys]
  }

  /** The set itself, for group logs to hide by. */
  get current(): ReadonlySet<string> {
    return this.keys
  }

  /** Whether a peer is the device of a blocked member (a peer id is its device key). */
  blocks(peer: PeerId): boolean {
    const key = peer.publicKey?.raw
    return key !== undefined && this.keys.has(toHex(key))
  }
}
