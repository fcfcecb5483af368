/**
 * A minimal client of a Node process's inspector (started with
 * `--inspect=HOST:PORT`), over the WebSocket Node has built in: reads the
 * process's V8 heap statistics and takes heap snapshots of it. For the
 * diagnostic scripts only: an inspector costs the inspected process some
 * memory of its own, so no recorded metric is read with one attached.
 */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

export interface HeapFigures {
  rss: number
  heapTotal: number
  heapUsed: number
  external: number
  arrayBuffers: number
  /** Committed (physical) bytes of each V8 heap space. */
  spaces: Record<string, { committed: number; used: number }>
}

export class InspectorClient {
  private readonly socket: WebSocket
  private next = 1
  private readonly waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>()
  private onEvent: (method: string, params: Record<string, unknown>) => void = () => undefined

  private constructor(socket: WebSocket) {
    this.socket = socket
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: Record<string, unknown> }
      if (message.id !== undefined) {
        this.waiting.get(message.id)?.(message as never)
        this.waiting.delete(message.id)
      } else if (message.method !== undefined) this.onEvent(message.method, message.params ?? {})
    })
  }

  /** Connects to the inspector listening on 127.0.0.1:`port`. */
  static async connect(port: number): Promise<InspectorClient> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>
    const socket = new WebSocket((targets[0] as { webSocketDebuggerUrl: string }).webSocketDebuggerUrl)
    await once(socket as unknown as EventTarget, 'open')
    return new InspectorClient(socket)
  }

  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++
    const { promise, resolve, reject } = Promise.withResolvers<T>()
    this.waiting.set(id, (message) => (message.error === undefined ? resolve(message.result as T) : reject(new Error(message.error.message))))
    this.socket.send(JSON.stringify({ id, method, params }))
    return promise
  }

  /** process.memoryUsage() and the committed size of each heap space, as the process sees them. */
  async heap(): Promise<HeapFigures> {
    const expression = `JSON.stringify((() => {
      const v8 = process.getBuiltinModule('node:v8')
      const spaces = {}
      for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = { committed: s.physical_space_size, used: s.space_used_size }
      return { ...process.memoryUsage(), spaces }
    })())`
    const { result } = await this.call<{ result: { value: string } }>('Runtime.evaluate', { expression, returnByValue: true })
    return JSON.parse(result.value) as HeapFigures
  }

  /** Writes a heap snapshot of the process to `path` (V8 collects garbage first). */
  async snapshot(path: string): Promise<void> {
    const out = createWriteStream(path)
    this.onEvent = (method, params) => {
      if (method === 'HeapProfiler.addHeapSnapshotChunk') out.write(params.chunk as string)
    }
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
    this.onEvent = () => undefined
    out.end()
    await once(out, 'finish')
  }

  close(): void {
    this.socket.close()
  }
}
