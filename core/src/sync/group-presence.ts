/**
 * Which peers are in each group right now (subscribed to its topic and
 * connected), and when this peer last completed a sync with each: whom the
 * sync service reconciles with, what group status reports and the
 * anti-entropy timer picks from. The gossip service reports who comes and
 * goes (group-topics.ts).
 */
export class GroupPresence {
  private readonly members = new Map<string, Set<string>>()
  /** `${groupId}/${peer}` → when a sync last completed. */
  private readonly syncs = new Map<string, number>()

  /** Records a member's peer; returns whether it is new. */
  joined(groupId: string, peer: string): boolean {
    let set = this.members.get(groupId)
    if (set === undefined) {
      set = new Set()
      this.members.set(groupId, set)
    }
    if (set.has(peer)) return false
    set.add(peer)
    return true
  }

  /** Forgets a member's peer; returns whether it was there. */
  left(groupId: string, peer: string): boolean {
    if (this.members.get(groupId)?.delete(peer) !== true) return false
    this.syncs.delete(`${groupId}/${peer}`)
    return true
  }

  connected(groupId: string): string[] {
    return [...(this.members.get(groupId) ?? [])]
  }

  groups(): string[] {
    return [...this.members.keys()]
  }

  synced(groupId: string, peer: string, at: number): void {
    this.syncs.set(`${groupId}/${peer}`, at)
  }

  /** Connected members whose latest sync with this peer completed. */
  upToDateWith(groupId: string): number {
    return this.connected(groupId).filter((p) => this.syncs.has(`${groupId}/${p}`)).length
  }

  lastSync(groupId: string): number | undefined {
    let last: number | undefined
    for (const [key, at] of this.syncs) if (key.startsWith(`${groupId}/`) && (last === undefined || at > last)) last = at
    return last
  }

  /** Connected members not synced with for `every` ms. */
  stale(groupId: string, now: number, every: number): string[] {
    return this.connected(groupId).filter((p) => now - (this.syncs.get(`${groupId}/${p}`) ?? 0) >= every)
  }
}
