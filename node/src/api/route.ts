/** What an endpoint is: a method, a path pattern, and a handler that says what to answer. */
import type { EventFilter } from './event-stream.ts'

export interface RouteContext {
  /** The decoded path parameters, in order. */
  params: string[]
  query: URLSearchParams
  body: () => Promise<unknown>
  /** The body as raw bytes (`Content-Type: application/octet-stream`), streamed as it arrives. */
  bytes: () => AsyncIterable<Uint8Array>
  /** The request's headers (lower-case names). */
  headers: Record<string, string | undefined>
}

export type Reply =
  | { json: unknown; status?: number; after?: () => void }
  | { stream: AsyncIterable<string | Uint8Array>; contentType: string; status?: number; headers?: Record<string, string> }
  | { events: EventFilter }

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: RegExp
  handle: (ctx: RouteContext) => Promise<Reply>
}

export function route(method: Route['method'], path: string, handle: Route['handle']): Route {
  return { method, path: new RegExp(`^${path}$`), handle }
}
