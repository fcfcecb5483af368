/**
 * Notifications of a burst become one: the first message of a group
 * notifies at once; those arriving in the few seconds after it are held,
 * then shown as one notification in its place ("5 new messages in
 * Expedition", from whom), until the group has been quiet for a moment.
 */
import type { DesktopNotification } from './desktop-notifications.ts'

export const BURST_WINDOW_MS = 3000
const NAMES_SHOWN = 3

export interface Notable {
  groupId: string
  groupName: string
  sender: string
  /** The single message's notification, if it is the first of a burst. */
  alone: DesktopNotification
}

interface Burst {
  count: number
  held: number
  senders: string[]
  groupName: string
  shownId?: number
  timer: ReturnType<typeof setTimeout>
}

export class NotificationBursts {
  private readonly show: (n: DesktopNotification) => Promise<number | undefined>
  private readonly windowMs: number
  private readonly bursts = new Map<string, Burst>()

  constructor(show: (n: DesktopNotification) => Promise<number | undefined>, windowMs = BURST_WINDOW_MS) {
    this.show = show
    this.windowMs = windowMs
  }

  add(n: Notable): void {
    const burst = this.bursts.get(n.groupId)
    if (burst !== undefined) {
      burst.count++
      burst.held++
      burst.groupName = n.groupName
      if (!burst.senders.includes(n.sender)) burst.senders.push(n.sender)
      return
    }
    const started: Burst = { count: 1, held: 0, senders: [n.sender], groupName: n.groupName, timer: this.timer(n.groupId) }
    this.bursts.set(n.groupId, started)
    void this.show(n.alone).then((id) => {
      if (id !== undefined) started.shownId = id
    })
  }

  /** Forgets every burst (the daemon is stopping). */
  clear(): void {
    for (const burst of this.bursts.values()) clearTimeout(burst.timer)
    this.bursts.clear()
  }

  private timer(groupId: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.windowEnded(groupId), this.windowMs)
    timer.unref()
    return timer
  }

  private windowEnded(groupId: string): void {
    const burst = this.bursts.get(groupId)
    if (burst === undefined) return
    if (burst.held === 0) {
      this.bursts.delete(groupId)
      return
    }
    burst.held = 0
    burst.timer = this.timer(groupId)
    const others = burst.senders.length - NAMES_SHOWN
    const from = `From ${burst.senders.slice(0, NAMES_SHOWN).join(', ')}${others > 0 ? ` and ${others} more` : ''}`
    void this.show({
      summary: `${burst.count} new messages in ${burst.groupName}`,
      body: from,
      ...(burst.shownId === undefined ? {} : { replaces: burst.shownId })
    }).then((id) => {
      if (id !== undefined) burst.shownId = id
    })
  }
}
