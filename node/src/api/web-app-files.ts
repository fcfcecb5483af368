/**
 * The web app, served by the daemon beside its control API: the static
 * files Vite built into web/dist, and `config.json`, which tells a tab
 * where its first peer is (this daemon's WebSockets address on loopback).
 * These need no token: they are the same files any host may serve, and
 * they carry nothing secret; every /v1/ route still does. A path that is
 * no file of the app is answered as the API's errors are (JSON, 404).
 *
 * Only files inside the directory are served (no `..`, no symlink games:
 * the resolved path must stay under it); index.html is never cached, the
 * hashed assets are cached for good; a strict Content-Security-Policy keeps
 * the page to its own scripts.
 */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebAppFileNotFoundError } from '../errors.ts'

/** Where `npm start` builds the app (web/vite.config.ts). */
export const WEB_APP_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json'
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer'
}

/** What a tab is told about the daemon that serves it (web/src/peer/app-config.ts reads it). */
export interface WebAppConfig {
  daemon: { peerId: string; addresses: string[] }
  /** Daemons of the LAN this one knows (by mDNS, or met), with their WebSockets addresses on it: the tab dials them as it would peers it discovered. */
  lan: Array<{ peerId: string; addresses: string[] }>
}

export class WebAppFiles {
  private readonly dir: string
  private readonly config: () => Promise<WebAppConfig>

  constructor(dir: string, config: () => Promise<WebAppConfig>) {
    this.dir = dir
    this.config = config
  }

  /** Whether the app was built (the daemon says where to open it only then). */
  async built(): Promise<boolean> {
    return (await fileAt(join(this.dir, 'index.html'))) !== undefined
  }

  /** Answers a GET or HEAD outside /v1/: a file of the app, its config, or 404. */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (pathname === '/config.json') {
      this.send(res, 200, { 'content-type': TYPES['.json'] as string, 'cache-control': 'no-store' }, JSON.stringify(await this.config()), req.method)
      return
    }
    const file = await this.resolve(pathname)
    // answered as every error of the API is, in JSON (api-server.ts)
    if (file === undefined) throw new WebAppFileNotFoundError(pathname, await this.built())
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(file.path)] ?? 'application/octet-stream',
      'content-length': String(file.size),
      'cache-control': file.path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'
    }
    res.writeHead(200, headers)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(file.path)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  private async resolve(pathname: string): Promise<{ path: string; size: number } | undefined> {
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      return undefined
    }
    if (decoded.includes('\0') || decoded.split('/').includes('..')) return undefined
    const wanted = decoded === '/' || decoded === '' ? '/index.html' : decoded
    const found = await fileAt(join(this.dir, wanted))
    if (found === undefined) return undefined
    const root = await realpath(this.dir).catch(() => undefined)
    if (root === undefined || !(found.path === root || found.path.startsWith(`${root}${sep}`))) return undefined
    return found
  }

  private send(res: ServerResponse, status: number, headers: Record<string, string>, body: string, method?: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(body)) })
    res.end(method === 'HEAD' ? undefined : body)
  }
}

async function fileAt(path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const real = await realpath(path)
    const info = await stat(real)
    return info.isFile() ? { path: real, size: info.size } : undefined
  } catch {
    return undefined
  }
}
