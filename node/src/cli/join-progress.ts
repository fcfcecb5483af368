/**
 * What `causette join` shows while it waits: the daemon's join:* events as
 * notes on stderr — the addresses being reached, each member that answers,
 * the group's history coming in (at most once a second), the invite found.
 */
import type { DaemonEvent } from '../api/api-types.ts'
import type { ApiClient } from './api-client.ts'
import { count, thousands } from './message-format.ts'
import type { Output } from './output.ts'

const PROGRESS_EVERY_MS = 1000
/** How long the events of a finished join may lag its answer. */
const GRACE_MS = 1000

export class JoinProgress {
  private readonly out: Output
  private readonly abort = new AbortController()
  private done: Promise<void> = Promise.resolve()
  private readonly reached = new Set<string>()
  private shownAt = 0
  private readonly joined = new Set<string>()
  private onJoined: (groupId: string) => void = () => undefined

  private constructor(out: Output) {
    this.out = out
  }

  /** Starts printing the progress of joins; resolves once subscribed, so nothing of the join to come is missed. */
  static async follow(client: ApiClient, out: Output): Promise<JoinProgress> {
    const progress = new JoinProgress(out)
    const events = await client.events({ types: 'join:started,join:progress,group:joined' }, progress.abort.signal)
    progress.done = progress.print(events)
    return progress
  }

  /**
   * Stops following. After a join that succeeded (`joined` names its group)
   * it first lets the events still on their way through, up to the
   * daemon's `group:joined`, so the progress reads whole.
   */
  async stop(joined?: string): Promise<void> {
    if (joined !== undefined && !this.joined.has(joined)) {
      const { promise, resolve } = Promise.withResolvers<void>()
      this.onJoined = (groupId) => {
        if (groupId === joined) resolve()
      }
      const grace = setTimeout(resolve, GRACE_MS)
      await Promise.race([promise, this.done])
      clearTimeout(grace)
    }
    this.abort.abort()
    await this.done.catch(() => undefined)
  }

  private async print(events: AsyncGenerator<DaemonEvent>): Promise<void> {
    for await (const e of events) {
      if (e.type === 'group:joined') {
        this.joined.add(e.group.id)
        this.onJoined(e.group.id)
      } else if (e.type === 'join:started') {
        const where =
          e.addresses === 0
            ? 'looking for its members on the local network'
            : `reaching the ${count(e.addresses, 'address', 'addresses')} in the invite`
        this.out.note(`Joining ${e.name === '' ? 'the group' : e.name}: ${where} (waiting up to ${Math.round(e.timeoutMs / 1000)} s)…`)
      } else if (e.type === 'join:progress') {
        if (e.stage === 'reached' && !this.reached.has(e.peer)) {
          this.reached.add(e.peer)
          this.out.note(`Reached a member (…${e.peer.slice(-8)}); waiting for the invite to arrive with the group's history…`)
        } else if (e.stage === 'receiving' && e.received > 0 && Date.now() - this.shownAt >= PROGRESS_EVERY_MS) {
          this.shownAt = Date.now()
          this.out.note(`Receiving the group's history: ${thousands(e.received)} of ${count(e.expected, 'entry', 'entries')}…`)
        } else if (e.stage === 'invite-found') {
          this.out.note('Found the invite; writing your join…')
        }
      }
    }
  }
}
