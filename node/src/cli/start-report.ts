/**
 * What `causette start` shows while the daemon runs: who it is and where it
 * listens, then progress — the device key made on a first start, each group
 * opened, and every long catch-up with a member (received of expected
 * entries, at most once a second, then a summary). With --json the same
 * moments are JSON lines.
 */
import type { DaemonEvent } from '../api/api-types.ts'
import { count, thousands } from './message-format.ts'
import type { Output } from './output.ts'

/** A catch-up is long, and worth showing, from this many entries. */
const LONG_CATCH_UP = 200
const PROGRESS_EVERY_MS = 1000
/** Opening a group this large takes a noticeable moment: say so before, not only after. */
const LARGE_GROUP = 10_000

interface CatchUp {
  shownAt: number
  shown: boolean
}

export class StartReport {
  private readonly out: Output
  private readonly names = new Map<string, string>()
  private readonly catchUps = new Map<string, CatchUp>()

  constructor(out: Output) {
    this.out = out
  }

  stopped(): void {
    this.out.data({ type: 'stopped' })
    this.out.line('Stopped.')
  }

  event(e: DaemonEvent): void {
    switch (e.type) {
      case 'ready':
        this.out.data(e)
        this.out.line(`Causette daemon running as ${e.name === undefined ? 'an unnamed device' : `"${e.name}"`}`)
        this.out.line(`  peer id    ${e.peerId}`)
        this.out.line(`  data       ${e.home}`)
        e.addresses.forEach((a, i) => {
          this.out.line(`  ${i === 0 ? 'listening' : '         '}  ${a}`)
        })
        this.out.line(`  control    ${e.api} (token in the data directory's api-token file)`)
        if (e.webApp !== undefined) this.out.line(`Open ${e.webApp} in your browser`)
        return
      case 'notifications':
        this.out.data(e)
        this.out.line(`Desktop notifications: ${e.available ? `on, through ${e.reason}` : `off, ${e.reason}`}`)
        return
      case 'store:upgrading':
        this.out.data(e)
        this.out.line(
          `Upgrading this data directory's store (version ${e.from} to ${e.to})${e.copying ? ': its messages are copied once, about 2 s for every 100,000' : ''}…`
        )
        return
      case 'key:generated':
        this.out.data(e)
        this.out.line(`First start: made this device's key (peer id ${e.peerId})`)
        return
      case 'groups:opening':
        this.out.data(e)
        if (e.total > 0) this.out.line(`Opening ${count(e.total, 'group')}…`)
        return
      case 'group:opening':
        this.names.set(e.groupId, e.name)
        this.out.data(e)
        if (e.entries >= LARGE_GROUP)
          this.out.line(`  [${e.index}/${e.total}] ${this.name(e.groupId)}: loading ${count(e.entries, 'entry', 'entries')}…`)
        return
      case 'group:opened':
        this.out.data(e)
        this.out.line(
          `  ${this.name(e.groupId)}: ${count(e.messages, 'message')}, ${count(e.entries, 'entry', 'entries')}${e.reindexed ? ', history read once for this version' : ''} (${seconds(e.durationMs)})`
        )
        return
      case 'group:open-failed':
        this.out.data(e)
        this.out.line(`  ${this.name(e.groupId)}: could not be opened: ${e.error.message}`)
        return
      case 'groups:opened':
        this.out.data(e)
        if (e.total > 0) this.out.line(`All ${count(e.total, 'group')} open (${seconds(e.durationMs)}).`)
        this.out.line('Ready.')
        return
      case 'group:created':
      case 'group:joined':
        this.names.set(e.group.id, e.group.name)
        this.out.data(e)
        this.out.line(`${e.type === 'group:created' ? 'Created' : 'Joined'} group ${this.name(e.group.id)}`)
        return
      case 'sync:progress':
        this.progress(e, shortPeer(e.peer))
        return
      case 'mailbox:progress':
        this.progress({ ...e, peer: e.relay }, `relay ${shortPeer(e.relay)}`)
        return
      case 'mailbox:synced':
      case 'mailbox:failed': {
        const key = `${e.groupId}/${e.relay}`
        const shown = this.catchUps.get(key)?.shown === true
        this.catchUps.delete(key)
        if (!shown) return
        this.out.data(e)
        this.out.line(
          e.type === 'mailbox:synced'
            ? `Caught up ${this.name(e.groupId)} from relay ${shortPeer(e.relay)}`
            : `Catching up ${this.name(e.groupId)} from relay ${shortPeer(e.relay)} stopped: ${e.reason}`
        )
        return
      }
      case 'sync:finished': {
        const key = `${e.groupId}/${e.peer}`
        const shown = this.catchUps.get(key)?.shown === true
        this.catchUps.delete(key)
        if (!shown && e.added < LONG_CATCH_UP) return
        this.out.data(e)
        this.out.line(
          `Caught up ${this.name(e.groupId)} with ${shortPeer(e.peer)}: ${count(e.added, 'new entry', 'new entries')} in ${seconds(e.durationMs)}`
        )
        return
      }
      case 'sync:failed': {
        const key = `${e.groupId}/${e.peer}`
        const shown = this.catchUps.get(key)?.shown === true
        this.catchUps.delete(key)
        if (!shown) return
        this.out.data(e)
        this.out.line(`Catching up ${this.name(e.groupId)} with ${shortPeer(e.peer)} stopped: ${e.error.message}`)
        return
      }
      case 'file:handover': {
        const relay = `relay ${shortPeer(e.relay)}`
        const file = `the file of message ${e.message.slice(0, 12)} in ${this.name(e.groupId)}`
        // a hand-over that worked at once is the usual case: said only when it took more than one try
        if (e.outcome === 'kept' && e.tries === 1) return
        this.out.data(e)
        if (e.outcome === 'kept') this.out.line(`The ${relay} keeps ${file} now (${count(e.pieces ?? 0, 'piece')}, after ${e.tries} tries).`)
        else if (e.outcome === 'waiting') {
          if (e.tries === 1) this.out.line(`Could not hand ${file} to the ${relay} (${e.reason}); it is handed over once the relay is back.`)
        } else if (e.outcome === 'refused')
          this.out.line(`The ${relay} refused to keep ${file}: ${e.reason}. Asked again ${when(e.nextAt ?? Date.now())}.`)
        else this.out.line(`Gave up handing ${file} to the ${relay} after ${e.tries} tries: ${e.reason}. Members still fetch it from this device.`)
        return
      }
      case 'rejected':
        this.out.data(e)
        this.out.line(`Refused an entry of ${this.name(e.groupId)} from ${shortPeer(e.peer)}: ${e.error.message}`)
        return
      case 'equivocation':
        this.out.data(e)
        this.out.line(`Warning: in ${this.name(e.groupId)}, device ${e.author.slice(0, 8)} wrote two different entries numbered ${e.seq}`)
        return
      case 'stopping':
        this.out.data(e)
        this.out.line('Stopping…')
        return
      default:
        // messages, entries and membership changes are for the event stream, not the daemon's terminal
        return
    }
  }

  /** "Catching up Climbing with …a1b2c3d4: 1,200 of 20,000 entries", every few seconds while it lasts. */
  private progress(e: { groupId: string; peer: string; received: number; expected: number }, from: string): void {
    if (e.expected < LONG_CATCH_UP) return
    const key = `${e.groupId}/${e.peer}`
    const now = Date.now()
    const state = this.catchUps.get(key) ?? { shownAt: 0, shown: false }
    this.catchUps.set(key, state)
    if (now - state.shownAt < PROGRESS_EVERY_MS && e.received < e.expected) return
    state.shownAt = now
    state.shown = true
    this.out.data(e)
    this.out.line(`Catching up ${this.name(e.groupId)} with ${from}: ${thousands(e.received)} of ${count(e.expected, 'entry', 'entries')}`)
  }

  private name(groupId: string): string {
    const name = this.names.get(groupId)
    return name === undefined || name === '' ? groupId.slice(0, 12) : `${name} (${groupId.slice(0, 8)})`
  }
}

function shortPeer(peer: string): string {
  return `…${peer.slice(-8)}`
}

/** "in 1 h", "in 6 h", "in 30 s": how soon a time comes. */
function when(at: number): string {
  const s = Math.max(0, Math.round((at - Date.now()) / 1000))
  return s < 90 ? `in ${s} s` : s < 5400 ? `in ${Math.round(s / 60)} min` : `in ${Math.round(s / 3600)} h`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
