/**
 * Who wrote what, as a person reads it: each author's safety-number
 * fingerprint (costly to compute, so cached per key), this device's display
 * name, and the members of a group as the authors seen in its log. Roles
 * and other members' names come with membership in core.
 */
import { fingerprint, fromHex, type GroupLog } from '@causette/core'
import type { AuthorView, MemberView } from '../api/api-types.ts'

const CACHE_SIZE = 10_000

export class Authors {
  private readonly self: string
  private readonly selfName: () => string | undefined
  private readonly fingerprints = new Map<string, string>()

  constructor(selfKeyHex: string, selfName: () => string | undefined) {
    this.self = selfKeyHex
    this.selfName = selfName
  }

  fingerprint(keyHex: string): string {
    let value = this.fingerprints.get(keyHex)
    if (value === undefined) {
      value = fingerprint(fromHex(keyHex))
      if (this.fingerprints.size >= CACHE_SIZE) this.fingerprints.delete(this.fingerprints.keys().next().value as string)
      this.fingerprints.set(keyHex, value)
    }
    return value
  }

  view(keyHex: string): AuthorView {
    const you = keyHex === this.self
    const name = you ? this.selfName() : undefined
    return { fingerprint: this.fingerprint(keyHex), you, ...(name === undefined ? {} : { name }) }
  }

  /** The views of the authors of these messages, by key. */
  viewsOf(keys: Iterable<string>): Record<string, AuthorView> {
    const out: Record<string, AuthorView> = {}
    for (const key of keys) out[key] ??= this.view(key)
    return out
  }

  /** Every author seen in the log, most recently active first; `online` holds the keys of connected peers. */
  members(log: GroupLog, online: Set<string>): MemberView[] {
    const seen = new Map<string, { messages: number; lastActive: number }>()
    for (const entry of log.entries()) {
      const member = seen.get(entry.authorHex) ?? { messages: 0, lastActive: 0 }
      if (entry.op?.type === 'message') member.messages++
      member.lastActive = Math.max(member.lastActive, entry.time)
      seen.set(entry.authorHex, member)
    }
    return [...seen]
      .map(([key, m]) => ({ key, ...this.view(key), ...m, connected: key !== this.self && online.has(key) }))
      .sort((a, b) => b.lastActive - a.lastActive)
  }
}
