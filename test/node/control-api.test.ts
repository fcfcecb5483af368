/**
 * The control API as any program (not only the CLI) uses it: 127.0.0.1 only,
 * the token required, every malformed request answered with a 400-class
 * status and a JSON error that names what was wrong, and the daemon still
 * serving afterwards.
 */
import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { type IncomingMessage, request } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary } from '@causette/node'
import { DaemonProcess, type TempDir, tempDir } from './fixtures/daemons.ts'

interface Answer {
  status: number
  body: { error?: { name: string; message: string } } & Record<string, unknown>
}

describe('control API', () => {
  let dirs: TempDir
  let daemon: DaemonProcess
  let token = ''
  let groupId = ''

  async function call(method: string, path: string, init: { body?: string; type?: string; token?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${init.token ?? token}` }
    if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json'
    const res = await fetch(`${daemon.ready.api}${path}`, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) })
    return { status: res.status, body: (await res.json()) as Answer['body'] }
  }

  async function refused(
    method: string,
    path: string,
    init: { body?: string; type?: string; token?: string },
    status: number,
    name: string,
    message: RegExp
  ) {
    const answer = await call(method, path, init)
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`)
    assert.equal(answer.body.error?.name, name)
    assert.match(answer.body.error?.message ?? '', message)
  }

  before(async () => {
    dirs = await tempDir()
    daemon = await DaemonProcess.start(join(dirs.path, 'home'))
    token = (await readFile(join(daemon.home, 'api-token'), 'utf8')).trim()
    groupId = (await daemon.cliJson<{ group: GroupSummary }>(['create', 'API'])).group.id
  })

  after(async () => {
    await daemon?.kill()
    await dirs?.remove()
  })

  it('listens on 127.0.0.1 only, and keeps its token, address and device key readable by their owner only', async () => {
    assert.match(daemon.ready.api, /^http:\/\/127\.0\.0\.1:\d+$/)
    const written = JSON.parse(await readFile(join(daemon.home, 'api.json'), 'utf8')) as { url: string; pid: number }
    assert.equal(written.url, daemon.ready.api)
    assert.equal(written.pid, daemon.process.pid)
    for (const file of ['api-token', 'api.json', 'device.key', 'causette.db']) {
      assert.equal((await stat(join(daemon.home, file))).mode & 0o077, 0, `${file} is private`)
    }
  })

  it('refuses requests without the token', async () => {
    await refused('GET', '/v1/status', { token: '' }, 401, 'UnauthorizedError', /lacks the API token/)
    await refused('GET', '/v1/status', { token: `${token.slice(1)}x` }, 401, 'UnauthorizedError', /api-token file/)
  })

  it('names unknown endpoints and wrong methods', async () => {
    await refused('GET', '/v1/nothing-here', {}, 404, 'RouteNotFoundError', /no API endpoint GET \/v1\/nothing-here/)
    await refused('DELETE', '/v1/groups', {}, 405, 'MethodNotAllowedError', /\/v1\/groups does not take DELETE; it takes GET, POST/)
  })

  it('refuses bodies that are not JSON objects of the expected fields, saying which field is wrong', async () => {
    const messages = `/v1/groups/${groupId}/messages`
    await refused('POST', messages, { body: 'hello', type: 'text/plain' }, 415, 'UnsupportedMediaTypeError', /application\/json/)
    await refused('POST', messages, { body: '{"text": "unclosed' }, 400, 'InvalidRequestError', /not valid JSON/)
    await refused('POST', messages, { body: '' }, 400, 'InvalidRequestError', /body is empty/)
    await refused('POST', messages, { body: '["hello"]' }, 400, 'InvalidRequestError', /must be a JSON object/)
    await refused('POST', messages, { body: '{"text": 42}' }, 400, 'InvalidRequestError', /"text" must be a string/)
    await refused('POST', messages, { body: '{"text": "   "}' }, 400, 'InvalidRequestError', /"text" is empty/)
    await refused(
      'POST',
      messages,
      { body: '{"text": "hi", "bold": true}' },
      400,
      'InvalidRequestError',
      /unexpected field "bold"; the fields are text, replyTo/
    )
    await refused(
      'POST',
      messages,
      { body: JSON.stringify({ text: 'x'.repeat(16_001) }) },
      400,
      'InvalidRequestError',
      /16001 characters long; the limit is 16000/
    )
    await refused(
      'POST',
      messages,
      { body: JSON.stringify({ text: 'hi', replyTo: 'zz' }) },
      400,
      'InvalidRequestError',
      /"replyTo" must be a message id/
    )
    await refused('POST', messages, { body: JSON.stringify({ text: 'hi', replyTo: 'abcdef12' }) }, 404, 'UnknownMessageError', /no message abcdef12/)
    await refused('POST', '/v1/groups', { body: '{"name": null}' }, 400, 'InvalidRequestError', /"name" must be a string/)
    await refused(
      'POST',
      `/v1/groups/${groupId}/invites`,
      { body: '{"expiresInMs": -5}' },
      400,
      'InvalidRequestError',
      /"expiresInMs" must be a whole number/
    )
    await refused('POST', '/v1/join', { body: '{"link": "causette:join/AAAA"}' }, 400, 'TruncatedInviteError', /incomplete/)
    await refused('POST', '/v1/stop', { body: '{"now": true}' }, 400, 'InvalidRequestError', /this request takes none/)
    const mute = `/v1/groups/${groupId}/mute`
    await refused('PUT', mute, { body: '{"forMs": 1000}' }, 400, 'InvalidRequestError', /"forMs" must be a whole number from 60000 to/)
    await refused('PUT', '/v1/groups/nowhere/mute', { body: '{}' }, 404, 'UnknownGroupError', /no group named "nowhere"/)
    await refused(
      'PUT',
      `/v1/groups/${groupId}/notify`,
      { body: '{"level": "loud"}' },
      400,
      'InvalidRequestError',
      /one of all, mentions, off, not "loud"/
    )
    await refused('PUT', '/v1/receipts', { body: '{"sending": "no"}' }, 400, 'InvalidRequestError', /"sending" must be true or false/)
  })

  it('refuses bad query parameters', async () => {
    const history = `/v1/groups/${groupId}/messages`
    await refused('GET', `${history}?limit=0`, {}, 400, 'InvalidRequestError', /"limit" must be a whole number from 1 to 1000/)
    await refused('GET', `${history}?limit=ten`, {}, 400, 'InvalidRequestError', /"limit"/)
    await refused('GET', `${history}?limit=5&limit=6`, {}, 400, 'InvalidRequestError', /given twice/)
    await refused('GET', `${history}?page=2`, {}, 400, 'InvalidRequestError', /unexpected query parameter "page"; the parameters are limit, before/)
    await refused('GET', '/v1/search', {}, 400, 'InvalidRequestError', /"q" \(what to search for\) is missing/)
    await refused('GET', '/v1/search?q=%22%2A()', {}, 400, 'InvalidRequestError', /at least one word/)
    await refused('GET', '/v1/events?types=DROP%20TABLE', {}, 400, 'InvalidRequestError', /"types" must be a comma-separated list/)
    await refused('GET', '/v1/groups/%E0%A4%A/messages', {}, 404, 'UnknownGroupError', /no group named/)
  })

  it('caps the size of a request body before reading it all, even one that does not say its size', async () => {
    await refused(
      'POST',
      `/v1/groups/${groupId}/messages`,
      { body: JSON.stringify({ text: 'x'.repeat(300_000) }) },
      413,
      'RequestTooLargeError',
      /larger than 131072 bytes/
    )
    // chunked, no content-length: 64 MiB unless the daemon stops reading; written slowly, so its answer is read before the next chunk
    const url = new URL(`${daemon.ready.api}/v1/groups/${groupId}/messages`)
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
    let res: IncomingMessage | undefined
    req.on('response', (r) => {
      res = r
    })
    req.on('error', () => undefined)
    let sent = 0
    while (res === undefined && sent < 1024 && !req.destroyed) {
      req.write('x'.repeat(64 * 1024))
      sent++
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    assert.ok(res !== undefined, `the daemon answered before the body ended (${sent} chunks of 64 KiB written)`)
    let text = ''
    for await (const part of res) text += part
    req.destroy()
    assert.equal(res.statusCode, 413)
    assert.equal((JSON.parse(text) as Answer['body']).error?.name, 'RequestTooLargeError')
    assert.ok(sent < 16, `it stopped reading soon after the cap (${sent} chunks written)`)
  })

  it('streams the events of a group as Server-Sent Events', async () => {
    const abort = new AbortController()
    const res = await fetch(`${daemon.ready.api}/v1/events?group=${groupId}&types=message`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal
    })
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader()
    let received = ''
    try {
      received += (await reader.read()).value ?? ''
      assert.match(received, /^: subscribed/)
      const sent = await call('POST', `/v1/groups/${groupId}/messages`, { body: JSON.stringify({ text: 'through the stream' }) })
      assert.equal(sent.status, 201)
      while (!received.includes('through the stream')) received += (await reader.read()).value ?? ''
      const block = received.slice(received.indexOf('event: message'))
      assert.match(block, /^event: message\ndata: \{.*"text":"through the stream".*\}\n\n/)
    } finally {
      abort.abort()
    }
  })

  it('still serves after all of that', async () => {
    const status = await call('GET', '/v1/status')
    assert.equal(status.status, 200)
    assert.equal(status.body.peerId, daemon.ready.peerId)
  })
})
