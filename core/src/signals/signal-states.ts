/**
 * What the signals of a group say now: who is typing, and each member's
 * presence with when they were last seen. A signal lasts a short while
 * unless repeated (typing TYPING_TTL_MS, presence PRESENCE_TTL_MS: the
 * sender repeats its presence every PRESENCE_EVERY_MS), so a device that
 * vanishes without a word stops "typing" within seconds and goes offline
 * within a minute. Each author may send RATE_LIMIT signals per RATE_WINDOW_MS
 * per group; more are dropped. Pure state over a clock: the service
 * (group-signals.ts) feeds it and asks it.
 */
import type { SignalKind } from './signal-frames.ts'

export const TYPING_TTL_MS = 6_000
/** How often a device says it is still typing, while it is. */
export const TYPING_EVERY_MS = 3_000
export const PRESENCE_EVERY_MS = 20_000
export const PRESENCE_TTL_MS = 50_000
/** A signal dated further than this from the receiver's clock is dropped (a replay, or a clock far off). */
export const MAX_CLOCK_SKEW_MS = 60_000
export const RATE_LIMIT = 12
export const RATE_WINDOW_MS = 10_000

export type PresenceState = 'online' | 'away' | 'offline'

export interface MemberPresence {
  state: PresenceState
  /** When a signal of theirs was last received (ms, this device's clock); undefined if never. */
  lastSeen?: number
}

export interface SignalChange {
  member: string
  typing?: boolean
  presence?: MemberPresence
}

interface GroupSignals {
  typing: Map<string, number>
  presence: Map<string, { state: 'online' | 'away'; until: number; lastSeen: number }>
  lastSeen: Map<string, number>
  /** Per author: times of the signals in the current rate window (RATE_WINDOW_MS). */
  sent: Map<string, number[]>
}

export class SignalStates {
  private readonly groups = new Map<string, GroupSignals>()
  private readonly now: () => number

  constructor(now: () => number) {
    this.now = now
  }

  /** Whether another signal from this author in this group is within its rate; counts it if so. */
  admit(groupId: string, member: string): boolean {
    const g = this.of(groupId)
    const now = this.now()
    const recent = (g.sent.get(member) ?? []).filter((t) => now - t < RATE_WINDOW_MS)
    if (recent.length >= RATE_LIMIT) {
      g.sent.set(member, recent)
      return false
    }
    recent.push(now)
    g.sent.set(member, recent)
    return true
  }

  /** Takes in a checked signal; says what changed for the UI. */
  apply(groupId: string, member: string, kind: SignalKind): SignalChange {
    const g = this.of(groupId)
    const now = this.now()
    const wasTyping = this.isTyping(g, member, now)
    const wasPresence = this.presenceOf(g, member, now).state
    g.lastSeen.set(member, now)
    switch (kind) {
      case 'typing':
        g.typing.set(member, now + TYPING_TTL_MS)
        g.presence.set(member, { state: 'online', until: now + PRESENCE_TTL_MS, lastSeen: now })
        break
      case 'stopped':
        g.typing.delete(member)
        break
      case 'online':
      case 'away':
        g.presence.set(member, { state: kind, until: now + PRESENCE_TTL_MS, lastSeen: now })
        break
      case 'offline':
        g.typing.delete(member)
        g.presence.delete(member)
        break
    }
    const change: SignalChange = { member }
    if (this.isTyping(g, member, now) !== wasTyping) change.typing = !wasTyping
    const presence = this.presenceOf(g, member, now)
    if (presence.state !== wasPresence) change.presence = presence
    return change
  }

  /** Members typing now, by device key. */
  typing(groupId: string): string[] {
    const g = this.groups.get(groupId)
    if (g === undefined) return []
    const now = this.now()
    return [...g.typing.keys()].filter((m) => this.isTyping(g, m, now))
  }

  presence(groupId: string, member: string): MemberPresence {
    const g = this.groups.get(groupId)
    return g === undefined ? { state: 'offline' } : this.presenceOf(g, member, this.now())
  }

  /** What expired since the last call (typing that stopped, presence that lapsed), for the UI; forgets it. */
  expire(groupId: string): SignalChange[] {
    const g = this.groups.get(groupId)
    if (g === undefined) return []
    const now = this.now()
    const changes: SignalChange[] = []
    for (const [member, until] of g.typing) {
      if (until > now) continue
      g.typing.delete(member)
      changes.push({ member, typing: false })
    }
    for (const [member, p] of g.presence) {
      if (p.until > now) continue
      g.presence.delete(member)
      changes.push({ member, presence: { state: 'offline', lastSeen: p.lastSeen } })
    }
    return changes
  }

  /** Forgets a member (removed, blocked) or, without one, the whole group. */
  forget(groupId: string, member?: string): void {
    if (member === undefined) {
      this.groups.delete(groupId)
      return
    }
    const g = this.groups.get(groupId)
    g?.typing.delete(member)
    g?.presence.delete(member)
  }

  groupIds(): string[] {
    return [...this.groups.keys()]
  }

  private isTyping(g: GroupSignals, member: string, now: number): boolean {
    return (g.typing.get(member) ?? 0) > now
  }

  private presenceOf(g: GroupSignals, member: string, now: number): MemberPresence {
    const p = g.presence.get(member)
    const lastSeen = g.lastSeen.get(member)
    if (p !== undefined && p.until > now) return { state: p.state, lastSeen: p.lastSeen }
    return lastSeen === undefined ? { state: 'offline' } : { state: 'offline', lastSeen }
  }

  private of(groupId: string): GroupSignals {
    let g = this.groups.get(groupId)
    if (g === undefined) {
      g = { typing: new Map(), presence: new Map(), lastSeen: new Map(), sent: new Map() }
      this.groups.set(groupId, g)
    }
    return g
  }
}
