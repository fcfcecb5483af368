/**
 * ApiClient: how every CLI command but `start` reaches the daemon of a data
 * directory, through the address and token it wrote there. A missing file,
 * a dead pid or a refused connection all mean the daemon is not running,
 * and the error says how to start it.
 */
import type { ApiErrorBody, DaemonEvent } from '../api/api-types.ts'
import { homeFlag, processAlive, readApiAddress, readApiToken } from '../data-dir.ts'
import { ApiRequestError, DaemonNotRunningError } from '../errors.ts'

export class ApiClient {
  readonly home: string
  readonly url: string
  private readonly token: string

  private constructor(home: string, url: string, token: string) {
    this.home = home
    this.url = url
    this.token = token
  }

  static async connect(home: string): Promise<ApiClient> {
    const address = await readApiAddress(home)
    const token = await readApiToken(home)
    if (address === undefined || token === undefined || !processAlive(address.pid)) throw notRunning(home)
    return new ApiClient(home, address.url, token)
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path)
  }

  post<T>(path: string, body: object = {}): Promise<T> {
    return this.request<T>('POST', path, body)
  }

  put<T>(path: string, body: object = {}): Promise<T> {
    return this.request<T>('PUT', path, body)
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path)
  }

  async request<T>(method: string, path: string, body?: object): Promise<T> {
    const res = await this.fetch(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    })
    return this.answer<T>(method, path, res)
  }

  private async answer<T>(method: string, path: string, res: Response): Promise<T> {
    const text = await res.text()
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw new ApiRequestError(
        'InvalidResponseError',
        `the daemon answered ${method} ${path} with something that is not JSON (HTTP ${res.status})`,
        res.status
      )
    }
    if (!res.ok) {
      const error = (value as Partial<ApiErrorBody>).error
      throw new ApiRequestError(error?.name ?? 'Error', error?.message ?? `HTTP ${res.status}`, res.status)
    }
    return value as T
  }

  /** The body of a streaming answer (an export), chunk by chunk. */
  async *stream(path: string): AsyncGenerator<string> {
    const decoder = new TextDecoder()
    for await (const chunk of this.bytes(path)) yield decoder.decode(chunk, { stream: true })
  }

  /** A streaming binary answer with its length and the file's name when the daemon gives them (a file). */
  async download(path: string): Promise<{ length?: number; name?: string; chunks: AsyncGenerator<Uint8Array> }> {
    const res = await this.fetch(path, { method: 'GET' })
    if (!res.ok) {
      const error = ((await res.json()) as Partial<ApiErrorBody>).error
      throw new ApiRequestError(error?.name ?? 'Error', error?.message ?? `HTTP ${res.status}`, res.status)
    }
    const length = Number(res.headers.get('content-length'))
    // Content-Disposition: attachment; filename*=UTF-8''<the name, percent-encoded> (file-routes.ts)
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1]
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield* res.body as unknown as AsyncIterable<Uint8Array>
    }
    return {
      ...(Number.isFinite(length) ? { length } : {}),
      ...(encoded === undefined ? {} : { name: decodeURIComponent(encoded) }),
      chunks: chunks()
    }
  }

  /** The body of a streaming binary answer (a backup, a bundle), chunk by chunk. */
  async *bytes(path: string): AsyncGenerator<Uint8Array> {
    const res = await this.fetch(path, { method: 'GET' })
    if (!res.ok) {
      const error = ((await res.json()) as Partial<ApiErrorBody>).error
      throw new ApiRequestError(error?.name ?? 'Error', error?.message ?? `HTTP ${res.status}`, res.status)
    }
    try {
      yield* res.body as unknown as AsyncIterable<Uint8Array>
    } catch (err) {
      if (!/terminated|other side closed|ECONNRESET/i.test(`${(err as Error).message} ${String((err as { cause?: unknown }).cause)}`)) throw err
      throw new DaemonNotRunningError(`the daemon's answer to ${path} was cut off before its end (did the daemon stop?)`, { cause: err })
    }
  }

  /**
   * Sends a file as the body of a POST, streamed with the back-pressure of
   * node:http (fetch's upload held what it had sent until the end: memory
   * grew with the file), and reads the JSON answer.
   */
  async upload<T>(path: string, file: string, onProgress?: (sent: number) => void): Promise<T> {
    const [{ request }, { createReadStream }, { pipeline }] = await Promise.all([
      import('node:http'),
      import('node:fs'),
      import('node:stream/promises')
    ])
    const { promise, resolve, reject } = Promise.withResolvers<{ status: number; text: string }>()
    const req = request(`${this.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/octet-stream' }
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', (err) => reject(notRunning(this.home, err)))
    // the daemon may answer (a refusal) before it has read all of the file: its answer is what counts
    const source = createReadStream(file, { highWaterMark: 64 * 1024 })
    if (onProgress !== undefined) {
      let sent = 0
      source.on('data', (chunk) => {
        sent += chunk.length
        onProgress(sent)
      })
    }
    pipeline(source, req).catch(() => undefined)
    const { status, text } = await promise
    return this.answer<T>('POST', path, new Response(text, { status }))
  }

  /**
   * The daemon's events, from the moment this resolves (the stream is open),
   * as an iterator that ends when the daemon stops.
   */
  async events(query: Record<string, string>, signal?: AbortSignal): Promise<AsyncGenerator<DaemonEvent>> {
    const res = await this.fetch(`/v1/events?${new URLSearchParams(query)}`, { method: 'GET', ...(signal === undefined ? {} : { signal }) })
    if (!res.ok) {
      const error = ((await res.json()) as Partial<ApiErrorBody>).error
      throw new ApiRequestError(error?.name ?? 'Error', error?.message ?? `HTTP ${res.status}`, res.status)
    }
    return serverSentEvents(res.body as unknown as AsyncIterable<Uint8Array>)
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.token}` }
      })
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err
      // the daemon died without removing its api.json, or is stopping
      throw notRunning(this.home, err)
    }
  }
}

function notRunning(home: string, cause?: unknown): DaemonNotRunningError {
  return new DaemonNotRunningError(
    `the Causette daemon is not running for ${home}; start it with \`causette start${homeFlag(home)}\` (it runs in the foreground: use another terminal, or a service manager)`,
    cause === undefined ? undefined : { cause }
  )
}

/** Parses a text/event-stream body: `event:` and `data:` lines, events separated by a blank line. */
async function* serverSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<DaemonEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n')
        if (data !== '') yield JSON.parse(data) as DaemonEvent
      }
    }
  } catch (err) {
    // the daemon going away mid-stream ends the stream like a clean close
    if ((err as Error).name === 'AbortError') return
    if (!/terminated|other side closed|ECONNRESET/i.test(`${(err as Error).message} ${String((err as { cause?: unknown }).cause)}`)) throw err
  }
}
