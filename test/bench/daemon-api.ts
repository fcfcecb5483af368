/**
 * The control API of a running daemon as the benchmarks call it: directly
 * over HTTP, with no CLI process in the measurement.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DaemonProcess } from '../node/fixtures/daemons.ts'

/** The control API of a running daemon, called directly (no CLI process in the measurement). */
export class Api {
  readonly url: string
  private readonly token: string

  private constructor(url: string, token: string) {
    this.url = url
    this.token = token
  }

  static async of(daemon: DaemonProcess): Promise<Api> {
    return new Api(daemon.ready.api, (await readFile(join(daemon.home, 'api-token'), 'utf8')).trim())
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const request = () =>
      fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
    // a kept-alive connection the daemon closed while this process was busy (signing thousands of
    // entries) resets on reuse; a GET is safe to ask again, on a new connection
    const res = await request().catch((err: Error) => (method === 'GET' ? request() : Promise.reject(err)))
    const value = (await res.json()) as T & { error?: { message: string } }
    if (!res.ok) throw new Error(`${method} ${path}: ${value.error?.message}`)
    return value
  }

  /** Counts the entries the daemon adds, by where they came from. */
  async countEntries(signal: AbortSignal): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    const res = await fetch(`${this.url}/v1/events?types=entries`, { headers: { authorization: `Bearer ${this.token}` }, signal })
    ;(async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        // whole events only: a chunk may end in the middle of one
        const end = buffer.lastIndexOf('\n\n')
        for (const match of buffer.slice(0, end + 1).matchAll(/"count":(\d+),"source":"(\w+)"/g)) {
          counts.set(match[2] as string, (counts.get(match[2] as string) ?? 0) + Number(match[1]))
        }
        buffer = buffer.slice(end + 1)
      }
    })().catch(() => undefined)
    return counts
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now()
  const result = await work()
  return [result, performance.now() - start]
}
