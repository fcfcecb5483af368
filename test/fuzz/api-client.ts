/**
 * The HTTP client of the control API fuzz target: one keep-alive connection
 * to 127.0.0.1, request targets sent as they are (no URL parsing on this
 * side), bodies framed by their length or chunked in pieces, and a bound on
 * how long an answer may take.
 */
import { Agent, request } from 'node:http'

/** A request not answered in this long hangs. */
const ANSWER_TIMEOUT_MS = 10_000

export interface Answer {
  status: number
  type: string
  body: Buffer
}

export interface RawRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: Buffer | undefined
  /** Sent in this many pieces (chunked) if more than 1. */
  pieces: number
}

export class ApiClient {
  private agent = new Agent({ keepAlive: true, maxSockets: 1 })
  private readonly host: string
  private readonly port: string

  constructor(base: string) {
    const url = new URL(base)
    this.host = url.hostname
    this.port = url.port
  }

  /** Drops the connection (after the server closed it on a refused body). */
  reconnect(): void {
    this.agent.destroy()
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 })
  }

  close(): void {
    this.agent.destroy()
  }

  send(r: RawRequest): Promise<Answer> {
    const { promise, resolve, reject } = Promise.withResolvers<Answer>()
    const headers = { ...r.headers }
    // framed explicitly: node:http sends a GET's or DELETE's body unframed otherwise
    if (r.body !== undefined) {
      if (r.pieces === 1) headers['content-length'] = String(r.body.byteLength)
      else headers['transfer-encoding'] = 'chunked'
    }
    // the path as it is: a URL parser on this side would refuse or normalize the targets being tested
    const req = request({ host: this.host, port: this.port, path: r.path, method: r.method, headers, agent: this.agent })
    const timer = setTimeout(() => {
      req.destroy()
      reject(new Error(`${r.method} ${r.path}: no answer in ${ANSWER_TIMEOUT_MS} ms`))
    }, ANSWER_TIMEOUT_MS)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        clearTimeout(timer)
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) })
      })
      res.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
    })
    req.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    if (r.body === undefined) req.end()
    else {
      const size = Math.ceil(r.body.byteLength / r.pieces)
      for (let at = 0; at < r.body.byteLength; at += size) req.write(r.body.subarray(at, at + size))
      req.end()
    }
    return promise
  }
}
