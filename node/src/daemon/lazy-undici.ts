/**
 * Keeps undici (Node's fetch and WebSocket) unloaded in the daemon, which
 * never uses it: ~2 MiB less resident (its source alone is a 745 KB string
 * on the heap).
 *
 * node:http exposes WebSocket, CloseEvent and MessageEvent as getters that
 * load undici when first read: Node made them lazy because undici is large.
 * But the first `import … from 'node:http'` builds the module's ESM
 * namespace by reading every own property of its exports, getters
 * included, so that import alone loads undici; the control API and
 * libp2p's WebSockets listener both import node:http that way. Moved one
 * step down the prototype chain, the three getters are not read then, and
 * `http.WebSocket` (CommonJS, or through the default import) still works
 * and still loads undici when read. Only the named ESM exports of these
 * three (`import { WebSocket } from 'node:http'`) read undefined; the
 * globals (globalThis.WebSocket, fetch) are untouched. To be called before
 * anything imports node:http, as `causette start` does.
 */
import { createRequire } from 'node:module'

const UNDICI_GETTERS = ['WebSocket', 'CloseEvent', 'MessageEvent']

export function keepUndiciLazy(): void {
  const http = createRequire(import.meta.url)('node:http') as Record<string, unknown>
  const moved: PropertyDescriptorMap = {}
  for (const name of UNDICI_GETTERS) {
    const descriptor = Object.getOwnPropertyDescriptor(http, name)
    // a plain value (already read, or another Node) has nothing left to keep lazy
    if (descriptor?.get === undefined || descriptor.configurable !== true) continue
    moved[name] = descriptor
    delete http[name]
  }
  if (Object.keys(moved).length > 0) Object.setPrototypeOf(http, Object.create(Object.getPrototypeOf(http), moved))
}
