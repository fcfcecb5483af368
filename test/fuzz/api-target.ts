/**
 * The control API fuzz target: a real Daemon started in-process on a
 * temporary data directory (loopback, free ports, no mDNS), its real
 * ApiServer and routes answering requests over HTTP on 127.0.0.1 with the
 * token from its api-token file. Every request (api-requests.ts) must get an
 * answer under 500: a 4xx carries a JSON error naming what was wrong. The time
 * that counts is the server's, from the request's headers to the end of its
 * answer (node:http's diagnostics channels), not the client's. After the run
 * a valid message must still be sent and every message accepted before must
 * be in the history; no exception may have escaped.
 *
 * Requests that would end the fuzzing rather than test the daemon are not
 * sent (a valid stop, a join that would wait a minute for a member of a
 * group no one runs) or aimed elsewhere (a leave goes to a decoy group).
 */
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseInvite, toHex } from '@causette/core'
import { Daemon, daemonOptions } from '@causette/node'
import { type Answer, ApiClient } from './api-client.ts'
import { API_ROUTES, type ApiRequest, apiRequests, bodyBytes } from './api-requests.ts'
import type { FuzzTarget } from './fuzz-harness.ts'

/** How many decoy groups may be made, one after each successful leave. */
const MAX_DECOYS = 10
const SEED_MESSAGES = 5
/** Groups made by fuzzed requests, beyond which a valid create is not sent (a name change writes to each). */
const MAX_GROUPS_MADE = 40

interface Ids {
  group: string
  groupName: string
  decoy: string
  decoyName: string
  self: string
  selfName: string
  link: string
  message: string
  other: string
  otherName: string
}

export function apiTarget(): FuzzTarget<ApiRequest> & { summary(): string } {
  let daemon: Daemon | undefined
  /** A second daemon, member of the fuzzed group, so member routes reach past the lookup (roles, verification, blocking). */
  let member: Daemon | undefined
  let home = ''
  let token = ''
  let base = ''
  let client: ApiClient | undefined
  let ids: Ids | undefined
  const sent = new Set<string>()
  let decoys = 0
  let created = 0
  let serial = 0
  /** The slowest answer of each kind, server-side. */
  const slowest = new Map<string, number>()
  let served: { id: string; started: number; took?: number } | undefined
  const escaped: unknown[] = []
  const onEscape = (err: unknown): void => {
    escaped.push(err)
  }
  const onStart = (message: unknown): void => {
    const req = (message as { request: IncomingMessage }).request
    const id = req.headers['x-fuzz-input']
    if (typeof id === 'string') served = { id, started: performance.now() }
  }
  const onFinish = (message: unknown): void => {
    const { request: req } = message as { request: IncomingMessage; response: ServerResponse }
    if (served !== undefined && req.headers['x-fuzz-input'] === served.id) served.took = performance.now() - served.started
  }

  const ops = () => (daemon as Daemon).operations
  /** How long the server took over the last request, once it answered. */
  const servedTook = (): number | undefined => served?.took

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const answer = await (client as ApiClient).send({
      method,
      path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      pieces: 1
    })
    return { status: answer.status, json: JSON.parse(answer.body.toString('utf8')) as Record<string, unknown> }
  }

  /** The input with the daemon's ids in place of its placeholders; a leave aims at the decoy group, never at the fuzzed one. */
  function filler(input: ApiRequest, quote: (value: string) => string): (text: string) => string {
    const i = ids as Ids
    const leave = input.route === 'leave'
    const values: Record<string, string> = {
      '{group}': leave ? i.decoy : i.group,
      '{group-prefix}': (leave ? i.decoy : i.group).slice(0, 6),
      '{group-name}': leave ? i.decoyName : i.groupName,
      '{decoy}': i.decoy,
      '{self}': i.self,
      '{self-prefix}': i.self.slice(0, 8),
      '{self-name}': i.selfName,
      '{link}': i.link,
      '{message}': i.message,
      '{other}': i.other,
      '{other-prefix}': i.other.slice(0, 6),
      '{other-name}': i.otherName
    }
    return (text) => text.replace(/\{[a-z-]+\}/g, (p) => (values[p] === undefined ? p : quote(values[p])))
  }

  /** The path the daemon's URL parser sees in a request target, or undefined where it fails. */
  function pathnameOf(path: string): string | undefined {
    try {
      return new URL(`${base}${path.startsWith('/') ? path : `/${path}`}`).pathname
    } catch {
      return undefined
    }
  }

  /** Why the request is not sent, if it would stop the daemon, leave the fuzzed group or wait for a join. */
  function notSent(method: string, path: string, contentType: string | undefined, body: Buffer | undefined): string | undefined {
    const pathname = pathnameOf(path)
    if (pathname === undefined) return undefined
    const parsed = jsonOf(contentType, body)
    if (method === 'POST' && pathname === '/v1/stop' && isPlainObject(parsed) && Object.keys(parsed).length === 0) return 'not sent: a valid stop'
    const leaving = /^\/v1\/groups\/([^/]+)\/leave$/.exec(pathname)
    if (method === 'POST' && leaving !== null && resolvesTo(decode(leaving[1] as string)) === ids?.group) return 'not sent: leaves the fuzzed group'
    const making = method === 'POST' && pathname === '/v1/groups' && isPlainObject(parsed) && typeof parsed.name === 'string'
    if (making && created >= MAX_GROUPS_MADE) return 'not sent: enough groups made'
    const removing = /^\/v1\/groups\/[^/]+\/members\/([^/]+)$/.exec(pathname)
    if (method === 'DELETE' && removing !== null && ids !== undefined && names(decode(removing[1] as string), ids.other, ids.otherName)) {
      return 'not sent: removes the other member'
    }
    const role = /^\/v1\/groups\/[^/]+\/members\/([^/]+)\/role$/.exec(pathname)
    if (
      method === 'PUT' &&
      role !== null &&
      ids !== undefined &&
      names(decode(role[1] as string), ids.self, ids.selfName) &&
      isPlainObject(parsed) &&
      parsed.role !== 'admin'
    ) {
      return 'not sent: this device gives up being admin'
    }
    if (method === 'POST' && pathname === '/v1/join' && isPlainObject(parsed) && typeof parsed.link === 'string') {
      try {
        const invite = parseInvite(parsed.link, Date.now())
        if (resolvesTo(toHex(invite.groupId)) !== toHex(invite.groupId)) return 'not sent: a join would wait for a member'
      } catch {
        // a link the daemon refuses: sent
      }
    }
    return undefined
  }

  function resolvesTo(ref: string): string | undefined {
    try {
      return ops().groupRef(ref).id
    } catch {
      return undefined
    }
  }

  /** What a successful request changed: messages sent to the fuzzed group, groups made (left at once), the decoy left, the name. */
  async function follow(route: string, status: number, answer: Record<string, unknown>): Promise<void> {
    const i = ids as Ids
    if (route === 'send' && status === 201) {
      const { group, message } = answer as { group: { id: string }; message: { id: string } }
      if (group.id === i.group) sent.add(message.id)
    } else if (route === 'create-group' && status === 201) {
      created++
      await ops().members.leave((answer as { group: { id: string } }).group.id, { force: true })
    } else if (route === 'leave' && status === 200 && decoys < MAX_DECOYS) {
      decoys++
      const decoy = await ops().createGroup(`fuzz-decoy-${decoys}`)
      i.decoy = decoy.id
      i.decoyName = decoy.name
    } else if (route === 'profile' && status === 200) {
      i.selfName = (answer as { name: string }).name
    }
  }

  /** Sends one input; answers with what became of it, or throws when the daemon misbehaved. */
  async function answerOf(input: ApiRequest): Promise<string> {
    const route = API_ROUTES.find((r) => r.name === input.route)
    assert.ok(route !== undefined, `a route named ${input.route}`)
    // the daemon's values as they go in a URL and in a JSON string (a name may hold anything)
    const inUrl = filler(input, (v) => encodeURIComponent(v.toWellFormed()))
    const params = input.params.map(inUrl)
    const path = input.rawPath ?? route.path.replace(/:[gm]/g, () => params.shift() ?? '') + (input.query === '' ? '' : `?${inUrl(input.query)}`)
    const method = input.method ?? route.method
    const body = bodyBytes(
      input.body,
      filler(input, (v) => JSON.stringify(v).slice(1, -1))
    )
    const skipped = notSent(method, path, input.contentType, body)
    served = undefined
    if (skipped !== undefined) return skipped
    const id = String(++serial)
    const headers: Record<string, string> = { 'x-fuzz-input': id }
    if (input.contentType !== undefined) headers['content-type'] = input.contentType
    if (input.auth === 'token') headers.authorization = `Bearer ${token}`
    else if (input.auth === 'wrong') headers.authorization = `Bearer ${token.slice(1)}x`
    let answer: Answer
    try {
      answer = await (client as ApiClient).send({ method, path, headers, body, pieces: input.pieces })
    } catch (err) {
      // a body refused before it was read: the server answered and closed while it was still being sent
      const refused = body !== undefined && body.byteLength > 128 * 1024 && servedTook() !== undefined
      if (!refused) throw err
      client?.reconnect()
      return 'refused while sending (413)'
    }
    const what = `${method} ${path.slice(0, 200)} → ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`
    assert.ok(escaped.length === 0, `an exception escaped: ${String(escaped[0])}`)
    assert.ok(answer.status < 500, `a server error: ${what}`)
    if (served === undefined) {
      // refused by node:http before the daemon saw it (a malformed request line): not the daemon's answer
      assert.ok(answer.status >= 400, what)
      return `${answer.status} from node:http`
    }
    if (route.name === 'export' && answer.status === 200) return '200 export'
    // outside /v1/, a GET is the web app's: one of its files (web-app-files.ts), or the JSON 404 below
    if (answer.status === 200 && method === 'GET' && input.rawPath !== undefined && pathnameOf(path)?.startsWith('/v1/') === false) {
      assert.match(answer.type, /^(text\/html|text\/javascript|text\/css|image\/svg\+xml|application\/json)/, what)
      return '200 web app file'
    }
    assert.match(answer.type, /^application\/json/, what)
    const json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>
    if (answer.status >= 400) {
      const error = json.error as { name?: unknown; message?: unknown } | undefined
      assert.ok(typeof error?.name === 'string' && error.name.endsWith('Error'), `an error without a name: ${what}`)
      assert.ok(typeof error.message === 'string' && error.message.length >= 10, `an error without a message: ${what}`)
      return `${answer.status} ${error.name}`
    }
    if (method !== route.method || input.rawPath !== undefined) return `${answer.status} ${method} elsewhere`
    await follow(route.name, answer.status, json)
    return `${answer.status} ${route.name}`
  }

  return {
    name: 'control-api',
    decoder: 'the control API (ApiServer, routes, request bodies) of an in-process daemon, over HTTP',
    allowed: [],
    arbitrary: apiRequests,

    async open() {
      process.on('uncaughtException', onEscape)
      process.on('unhandledRejection', onEscape)
      diagnostics.subscribe('http.server.request.start', onStart)
      diagnostics.subscribe('http.server.response.finish', onFinish)
      home = await mkdtemp(join(tmpdir(), 'causette-fuzz-api-'))
      daemon = await Daemon.start(
        await daemonOptions(home, { apiPort: 0, p2pPort: 0, listenHost: '127.0.0.1', mdns: false, notifications: false, name: 'fuzzer' })
      )
      token = (await readFile(join(home, 'api-token'), 'utf8')).trim()
      base = daemon.apiUrl
      client = new ApiClient(base)
      const group = await call('POST', '/v1/groups', { name: 'fuzz-main' })
      const groupId = (group.json.group as { id: string }).id
      const decoy = await ops().createGroup('fuzz-decoy')
      const invite = await call('POST', `/v1/groups/${groupId}/invites`, {})
      let message = ''
      for (let n = 0; n < SEED_MESSAGES; n++) {
        const answer = await call('POST', `/v1/groups/${groupId}/messages`, { text: `seed ${n}` })
        assert.equal(answer.status, 201, JSON.stringify(answer.json))
        message = (answer.json.message as { id: string }).id
        sent.add(message)
      }
      member = await Daemon.start(
        await daemonOptions(join(home, 'member'), {
          apiPort: 0,
          p2pPort: 0,
          listenHost: '127.0.0.1',
          mdns: false,
          notifications: false,
          name: 'other'
        })
      )
      await member.operations.join(invite.json.link as string, 30_000)
      const other = (await member.operations.status()).key
      const self = (await ops().status()).key
      ids = {
        group: groupId,
        groupName: 'fuzz-main',
        decoy: decoy.id,
        decoyName: decoy.name,
        self,
        selfName: 'fuzzer',
        link: invite.json.link as string,
        message,
        other,
        otherName: 'other'
      }
    },

    async run(input) {
      const label = await answerOf(input)
      if (served?.took !== undefined) slowest.set(label, Math.max(slowest.get(label) ?? 0, served.took))
      return label
    },

    lastTookMs: () => served?.took,

    async close() {
      try {
        assert.ok(daemon !== undefined && ids !== undefined, 'the daemon started')
        assert.ok(escaped.length === 0, `an exception escaped: ${String(escaped[0])}`)
        const after = await call('POST', `/v1/groups/${ids.group}/messages`, { text: 'after the fuzzing' })
        assert.equal(after.status, 201, `a valid send after the run: ${JSON.stringify(after.json)}`)
        sent.add((after.json.message as { id: string }).id)
        const history = new Set<string>()
        let before = ''
        for (;;) {
          const page = await call('GET', `/v1/groups/${ids.group}/messages?limit=1000${before}`)
          assert.equal(page.status, 200, JSON.stringify(page.json))
          const messages = page.json.messages as Array<{ id: string }>
          for (const m of messages) history.add(m.id)
          if (page.json.hasOlder !== true || messages.length === 0) break
          before = `&before=${(messages[0] as { id: string }).id}`
        }
        const missing = [...sent].filter((m) => !history.has(m))
        assert.equal(missing.length, 0, `${missing.length} of ${sent.size} messages accepted are missing from the history`)
        assert.equal(history.size, sent.size, `the history holds ${history.size} messages, ${sent.size} were sent`)
      } finally {
        client?.close()
        await member?.stop()
        await daemon?.stop()
        await rm(home, { recursive: true, force: true })
        diagnostics.unsubscribe('http.server.request.start', onStart)
        diagnostics.unsubscribe('http.server.response.finish', onFinish)
        process.off('uncaughtException', onEscape)
        process.off('unhandledRejection', onEscape)
      }
    },

    summary: () => {
      const worst = [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 3)
      return `${sent.size} messages in the fuzzed group's history, ${created} groups made and left, ${decoys} decoys left; slowest answers: ${worst.map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`).join(', ')}`
    }
  }
}

/** Whether `ref` could name the member with this key and name (by name, or the start of its key). */
function names(ref: string, key: string, name: string): boolean {
  const wanted = ref.trim().toLowerCase()
  return wanted === name.trim().toLowerCase() || (wanted.length >= 4 && key.startsWith(wanted))
}

function jsonOf(contentType: string | undefined, body: Buffer | undefined): unknown {
  if (body === undefined || contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/json') return undefined
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}
