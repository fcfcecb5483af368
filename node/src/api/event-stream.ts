/**
 * One client of GET /v1/events: Server-Sent Events, one `event: <type>` and
 * one JSON `data:` line per DaemonEvent, filtered by group and type. A
 * comment line every 15 s keeps idle connections from being cut; a client
 * that stops reading is dropped once a few MB wait for it, so it can never
 * make the daemon buffer without bound.
 */
import type { ServerResponse } from 'node:http'
import type { DaemonEvent } from './api-types.ts'

const HEARTBEAT_MS = 15_000
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024

export interface EventFilter {
  groupId?: string
  types?: Set<string>
}

export class EventStream {
  private readonly res: ServerResponse
  private readonly filter: EventFilter
  private readonly heartbeat: ReturnType<typeof setInterval>
  private closed = false

  constructor(res: ServerResponse, filter: EventFilter) {
    this.res = res
    this.filter = filter
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive'
    })
    // a first line, so the client knows it is subscribed before any event comes
    res.write(': subscribed\n\n')
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS)
    this.heartbeat.unref()
    res.on('close', () => this.close())
  }

  get isClosed(): boolean {
    return this.closed
  }

  send(event: DaemonEvent): void {
    if (this.closed || !this.wants(event)) return
    this.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.heartbeat)
    this.res.end()
  }

  /** Whether it takes events of this type (whatever their group). */
  wantsType(type: DaemonEvent['type']): boolean {
    return this.filter.types === undefined || this.filter.types.has(type)
  }

  private wants(event: DaemonEvent): boolean {
    if (!this.wantsType(event.type)) return false
    if (this.filter.groupId === undefined) return true
    const groupId = 'groupId' in event ? event.groupId : 'group' in event ? event.group.id : undefined
    // events about no group in particular (stopping) go to everyone
    return groupId === undefined || groupId === this.filter.groupId
  }

  private write(text: string): void {
    if (this.closed) return
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.closed = true
      clearInterval(this.heartbeat)
      this.res.destroy()
      return
    }
    this.res.write(text)
  }
}
