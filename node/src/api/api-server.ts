/**
 * The control API's HTTP server: 127.0.0.1 only, every request carrying the
 * token from the data directory's api-token file, JSON in and out, errors as
 * `{ error: { name, message } }` with a status that says whose fault it was.
 * No request, however malformed, can crash the daemon: every failure of a
 * handler becomes an answer.
 */
import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Daemon } from '../daemon/daemon.ts'
import { DaemonStoppingError, InvalidRequestError, MethodNotAllowedError, RouteNotFoundError, UnauthorizedError } from '../errors.ts'
import type { ApiErrorBody, DaemonEvent } from './api-types.ts'
import { personMessage } from './error-messages.ts'
import { statusOf } from './error-status.ts'
import { EventStream } from './event-stream.ts'
import { byteBody, readJsonBody } from './request-body.ts'
import type { Reply, Route } from './route.ts'
import { routes } from './routes.ts'
import type { WebAppFiles } from './web-app-files.ts'

export const API_HOST = '127.0.0.1'
/** Requests have this long to send their headers and body; event streams are unaffected. */
const REQUEST_TIMEOUT_MS = 30_000

export class ApiServer {
  readonly token: string
  private readonly daemon: Daemon
  private readonly server: Server
  private readonly routes: Route[]
  private readonly streams = new Set<EventStream>()
  private readonly webApp: WebAppFiles | undefined
  private unsubscribe?: () => void

  /** `webApp`: the web app's files, served without a token outside /v1/ (web-app-files.ts). */
  constructor(daemon: Daemon, token: string, webApp?: WebAppFiles) {
    this.daemon = daemon
    this.token = token
    this.webApp = webApp
    this.routes = routes(daemon.operations)
    this.server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
      this.serve(req, res).catch((err) => this.fail(res, err))
    })
  }

  /** Listens on 127.0.0.1:`port` (0: a free port) and resolves with the base URL. */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, API_HOST, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    this.unsubscribe = this.daemon.subscribe((event) => this.broadcast(event))
    return `http://${API_HOST}:${(this.server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    this.unsubscribe?.()
    for (const stream of this.streams) stream.close()
    if (!this.server.listening) return
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeIdleConnections()
    // requests in flight get a moment to finish, then their connections are cut
    const cut = setTimeout(() => this.server.closeAllConnections(), 2000)
    await closed
    clearTimeout(cut)
  }

  private broadcast(event: DaemonEvent): void {
    for (const stream of this.streams) {
      stream.send(event)
      if (stream.isClosed) this.streams.delete(stream)
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url ?? '/')
    const method = req.method ?? 'GET'
    if (this.webApp !== undefined && !url.pathname.startsWith('/v1/') && (method === 'GET' || method === 'HEAD')) {
      await this.webApp.serve(req, res, url.pathname)
      return
    }
    if (!this.authorized(req)) throw new UnauthorizedError()
    const matching = this.routes.filter((r) => r.path.test(url.pathname))
    if (matching.length === 0) throw new RouteNotFoundError(method, url.pathname)
    const route = matching.find((r) => r.method === method)
    if (route === undefined) {
      throw new MethodNotAllowedError(
        method,
        url.pathname,
        matching.map((r) => r.method)
      )
    }
    if (this.daemon.isStopping) throw new DaemonStoppingError()
    const params = (route.path.exec(url.pathname) as RegExpExecArray).slice(1).map(decodeParam)
    const headers = req.headers as Record<string, string | undefined>
    const reply = await route.handle({ params, query: url.searchParams, body: () => readJsonBody(req), bytes: () => byteBody(req), headers })
    await this.answer(res, reply)
  }

  private async answer(res: ServerResponse, reply: Reply): Promise<void> {
    if ('events' in reply) {
      const stream = new EventStream(res, reply.events)
      this.streams.add(stream)
      // a client that shows messages as they come: the daemon renders each one for it
      const unfollow = stream.wantsType('message') ? this.daemon.followMessages() : undefined
      res.on('close', () => {
        this.streams.delete(stream)
        unfollow?.()
      })
      return
    }
    if ('stream' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType, 'cache-control': 'no-store', ...reply.headers })
      for await (const chunk of reply.stream) {
        if (res.destroyed) return
        // wait for the client to take each page: an export never piles up in memory
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve))
      }
      res.end()
      return
    }
    this.json(res, reply.status ?? 200, reply.json)
    if (reply.after !== undefined) res.once('finish', reply.after)
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '')
    const expected = Buffer.from(this.token)
    return given.byteLength === expected.byteLength && timingSafeEqual(given, expected)
  }

  private fail(res: ServerResponse, err: unknown): void {
    const status = statusOf(err)
    const error =
      err instanceof Error ? { name: err.name, message: personMessage(err, this.daemon.operations.names) } : { name: 'Error', message: String(err) }
    if (status === 500) process.stderr.write(`causette: API request failed: ${(err as Error)?.stack ?? String(err)}\n`)
    if (res.headersSent) {
      res.destroy()
      return
    }
    const body: ApiErrorBody = { error }
    // a body that was refused is not read: close rather than drain it
    if (status === 413) res.setHeader('connection', 'close')
    this.json(res, status, body)
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store'
    })
    res.end(text)
  }
}

/**
 * The URL of a request target. A path is taken as a path even when it starts
 * with `//` (which a URL parser reads as a host: `//` alone, or `//[`, would
 * not parse at all); a target that is no URL is the client's fault.
 */
function requestUrl(target: string): URL {
  try {
    return new URL(target.startsWith('/') ? `http://${API_HOST}${target}` : target, `http://${API_HOST}`)
  } catch {
    throw new InvalidRequestError(`the request target ${JSON.stringify(target.slice(0, 200))} is not a URL path such as /v1/status`)
  }
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}
