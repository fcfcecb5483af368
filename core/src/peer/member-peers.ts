/**
 * The peer ids of the other current members of each open group: whom
 * member-links.ts keeps connections to. A device's peer id is its Ed25519
 * key, so the membership in the log names them; ids are cached per key.
 */
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { fromHex } from '../codec/hex.ts'
import type { GroupLog } from '../log/group-log.ts'

export class MemberPeers {
  private readonly ids = new Map<string, string>()
  private readonly selfHex: string

  constructor(selfHex: string) {
    this.selfHex = selfHex
  }

  of(groups: readonly GroupLog[]): Map<string, string[]> {
    const out = new Map<string, string[]>()
    for (const group of groups) {
      const keys = group.membership()?.memberKeys() ?? []
      out.set(
        group.idHex,
        keys.filter((k) => k !== this.selfHex).map((k) => this.peerId(k))
      )
    }
    return out
  }

  private peerId(keyHex: string): string {
    let id = this.ids.get(keyHex)
    if (id === undefined) {
      id = peerIdFromPublicKey(publicKeyFromRaw(fromHex(keyHex))).toString()
      this.ids.set(keyHex, id)
    }
    return id
  }
}
