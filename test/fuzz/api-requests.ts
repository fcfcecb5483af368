/**
 * The inputs of the control API fuzz target: requests to the daemon's real
 * routes, each one a route with path parameters (well-formed references,
 * malformed or hostile ones), a query string, a content type, an
 * authorization and a body. Bodies are valid bodies mutated, values of any
 * JSON type in every field, huge strings, deep nesting, invalid UTF-8,
 * non-JSON text and bodies over the size cap. An input names what only the
 * running daemon knows (its group ids, its key, an invite link) by
 * placeholders such as `{group}`, so a saved input replays the same way.
 */
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from '@causette/core'
import fc from 'fast-check'

/** The placeholders `ApiTarget` fills in: the fuzzed group, a second group of its own, this device, a valid invite link. */
export const PLACEHOLDERS = [
  '{group}',
  '{group-prefix}',
  '{group-name}',
  '{decoy}',
  '{self}',
  '{self-prefix}',
  '{self-name}',
  '{link}',
  '{message}',
  '{other}',
  '{other-prefix}',
  '{other-name}'
] as const

export interface ApiRoute {
  name: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** The path, `:g` and `:m` standing for a group and a member. */
  path: string
  /** The fields of a valid body, each with values a valid request may hold (none: a GET or DELETE). */
  fields?: Record<string, fc.Arbitrary<unknown>>
  /** Fields a valid body must have. */
  required?: readonly string[]
  /** Query parameters it takes, with valid values. */
  query?: Record<string, fc.Arbitrary<string>>
}

/** Text a person might send, and text that tests what a string is: lone surrogates, controls, bidi marks, combining marks. */
const shortText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.constantFrom(
    'hello',
    'héllo 😀',
    ' padded ',
    '{self-name}',
    '\ud800',
    'a\udfffb',
    '\u0000',
    '\u202eevil',
    'e\u0301',
    '\r\n',
    '\u200b',
    '@fuzzer'
  )
)
const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: min, maxLength: max })
const messageRef = fc.oneof(fc.constant('{message}'), hex(1, 70))

/** Every route the API has except the event stream (it never ends) and the stop (it is fuzzed with bodies it must refuse). */
export const API_ROUTES: readonly ApiRoute[] = [
  { name: 'create-group', method: 'POST', path: '/v1/groups', fields: { name: shortText }, required: ['name'] },
  {
    name: 'invite',
    method: 'POST',
    path: '/v1/groups/:g/invites',
    fields: { expiresInMs: fc.integer({ min: 1000, max: 365 * 24 * 3600_000 }), singleUse: fc.boolean(), addresses: fc.boolean() }
  },
  {
    name: 'join',
    method: 'POST',
    path: '/v1/join',
    fields: { link: fc.constant('{link}'), timeoutMs: fc.integer({ min: 1000, max: 240_000 }) },
    required: ['link']
  },
  { name: 'send', method: 'POST', path: '/v1/groups/:g/messages', fields: { text: shortText, replyTo: messageRef }, required: ['text'] },
  { name: 'profile', method: 'PUT', path: '/v1/profile', fields: { name: shortText }, required: ['name'] },
  {
    name: 'role',
    method: 'PUT',
    path: '/v1/groups/:g/members/:m/role',
    fields: { role: fc.constantFrom('admin', 'moderator', 'member') },
    required: ['role']
  },
  { name: 'leave', method: 'POST', path: '/v1/groups/:g/leave', fields: { force: fc.boolean() } },
  {
    name: 'verify',
    method: 'PUT',
    path: '/v1/groups/:g/members/:m/verification',
    fields: { safetyNumber: fc.oneof(fc.stringMatching(/^[0-9]{60}$/), fc.stringMatching(/^([0-9]{5} ){11}[0-9]{5}$/)) },
    required: ['safetyNumber']
  },
  { name: 'block', method: 'PUT', path: '/v1/groups/:g/members/:m/block', fields: {} },
  { name: 'stop', method: 'POST', path: '/v1/stop', fields: {} },
  { name: 'status', method: 'GET', path: '/v1/status' },
  { name: 'groups', method: 'GET', path: '/v1/groups' },
  { name: 'group', method: 'GET', path: '/v1/groups/:g' },
  { name: 'history', method: 'GET', path: '/v1/groups/:g/messages', query: { limit: fc.nat(1200).map(String), before: messageRef } },
  { name: 'export', method: 'GET', path: '/v1/groups/:g/export' },
  { name: 'search', method: 'GET', path: '/v1/search', query: { q: shortText, group: fc.constant('{group}'), limit: fc.nat(600).map(String) } },
  { name: 'members', method: 'GET', path: '/v1/groups/:g/members' },
  { name: 'remove', method: 'DELETE', path: '/v1/groups/:g/members/:m' },
  { name: 'safety-number', method: 'GET', path: '/v1/groups/:g/members/:m/safety-number' },
  { name: 'unverify', method: 'DELETE', path: '/v1/groups/:g/members/:m/verification' },
  { name: 'unblock', method: 'DELETE', path: '/v1/groups/:g/members/:m/block' },
  { name: 'blocked', method: 'GET', path: '/v1/blocked' },
  { name: 'profile-get', method: 'GET', path: '/v1/profile' },
  { name: 'peers', method: 'GET', path: '/v1/peers' }
]

/** A body as sent: JSON written at run time (placeholders filled in), raw text, raw bytes, or valid JSON then damaged. */
export type BodySpec =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'mutated'; value: unknown; edits: Edit[] }
  | { kind: 'oversize'; bytes: number }
  | { kind: 'none' }

/** A byte edit at a fraction of the body's length, so it lands alike whatever the placeholders expand to. */
export interface Edit {
  at: number
  op: 'delete' | 'insert' | 'replace' | 'truncate' | 'duplicate'
  byte: number
}

export interface ApiRequest {
  route: string
  /** Another method than the route's, now and then: 405. */
  method?: string
  /** The path parameters as sent, already URL-encoded (placeholders filled in at run time). */
  params: string[]
  query: string
  /** undefined: no content-type header. */
  contentType?: string
  auth: 'token' | 'none' | 'wrong'
  body: BodySpec
  /** A request target sent as it is instead of the route's path. */
  rawPath?: string
  /** Sent in this many pieces (chunked), splitting UTF-8 sequences and JSON tokens. */
  pieces: number
}

const INTERESTING_LENGTHS = [0, 1, MAX_NAME_LENGTH, MAX_NAME_LENGTH + 1, 4096, 4097, MAX_TEXT_LENGTH, MAX_TEXT_LENGTH + 1, 40_000]

/** A string of an interesting length, of one- to four-byte characters. */
const hugeString = fc
  .tuple(fc.constantFrom(...INTERESTING_LENGTHS), fc.constantFrom('a', 'é', '中', '😀', '\ud800', ' ', '\\', '"', '\u0000', '9'))
  .map(([length, unit]) => unit.repeat(unit.length === 2 ? Math.ceil(length / 2) : length))

const anyJson = fc.jsonValue({ maxDepth: 3 })

/** Deeply nested arrays or objects, under the size cap. */
const deepNesting = fc
  .tuple(fc.integer({ min: 100, max: 40_000 }), fc.boolean(), fc.boolean())
  .map(([depth, objects, closed]) =>
    objects ? '{"a":'.repeat(depth) + (closed ? `1${'}'.repeat(depth)}` : '') : '['.repeat(depth) + (closed ? ']'.repeat(depth) : '')
  )

const NOT_JSON = [
  '',
  ' ',
  '\n',
  'null',
  'true',
  '[]',
  '"text"',
  '{',
  '{"name":',
  "{'name':'x'}",
  'NaN',
  '\uFEFF{}',
  '{"a":1,}',
  '{"__proto__":{"x":1}}'
]

function bodyOf(route: ApiRoute): fc.Arbitrary<BodySpec> {
  const fields = route.fields ?? {}
  const names = Object.keys(fields)
  const valid =
    names.length === 0
      ? fc.constant({})
      : fc.record(fields as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [...(route.required ?? [])] as never[] })
  const wrongTypes = fc.dictionary(
    fc.oneof(fc.constantFrom(...names, 'extra', '__proto__', 'constructor'), fc.string({ maxLength: 8 })),
    fc.oneof(anyJson, hugeString),
    {
      maxKeys: 4
    }
  )
  const withHuge =
    names.length === 0
      ? fc.constant({ x: 'a'.repeat(100) })
      : fc.tuple(valid, fc.constantFrom(...names), hugeString).map(([v, k, s]) => ({ ...(v as object), [k]: s }))
  const edit: fc.Arbitrary<Edit> = fc.record({
    at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    op: fc.constantFrom('delete', 'insert', 'replace', 'truncate', 'duplicate'),
    byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x2c, 0x3a, 0xc0, 0xff, 0xed, 0xf4))
  })
  return fc.oneof(
    { arbitrary: valid.map((value) => ({ kind: 'json' as const, value })), weight: 6 },
    {
      arbitrary: fc
        .tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 }))
        .map(([value, edits]) => ({ kind: 'mutated' as const, value, edits })),
      weight: 6
    },
    { arbitrary: wrongTypes.map((value) => ({ kind: 'json' as const, value })), weight: 5 },
    { arbitrary: anyJson.map((value) => ({ kind: 'json' as const, value })), weight: 2 },
    { arbitrary: withHuge.map((value) => ({ kind: 'json' as const, value })), weight: 2 },
    { arbitrary: deepNesting.map((text) => ({ kind: 'text' as const, text })), weight: 1 },
    {
      arbitrary: fc
        .oneof(fc.constantFrom(...NOT_JSON), fc.string({ unit: 'binary', maxLength: 60 }))
        .map((text) => ({ kind: 'text' as const, text })),
      weight: 2
    },
    { arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ kind: 'bytes' as const, bytes })), weight: 1 },
    { arbitrary: fc.integer({ min: 128 * 1024 + 1, max: 600 * 1024 }).map((bytes) => ({ kind: 'oversize' as const, bytes })), weight: 1 },
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 }
  )
}

/** Path parameters: the real references, damaged ones, malformed percent-encoding, and text of any kind. */
const param: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...PLACEHOLDERS.filter((p) => p !== '{link}')), weight: 8 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s.toWellFormed())), weight: 3 },
  { arbitrary: hex(1, 80), weight: 2 },
  { arbitrary: fc.constantFrom('%', '%zz', '%C0%AF', '%ff', '%E2%82', '%00', '%2F', '%2e%2e', '..', '.', '%20', '%F0%9F%98%80'), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom(...PLACEHOLDERS), fc.constantFrom('%', '%2F', 'x', '%00', '%20')).map(([p, s]) => p + s), weight: 1 },
  { arbitrary: fc.integer({ min: 100, max: 4000 }).map((n) => 'a'.repeat(n)), weight: 1 }
)

/** Request targets no client of the API sends: an authority where the path goes, stray slashes, dots, bad escapes. */
const rawPath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '//',
    '//[',
    '//%zz',
    '///',
    '//a%00',
    '//@/',
    '//a:99999/',
    '*',
    '//v1/status',
    '/v1//groups',
    '/v1/groups/',
    '/./v1/status',
    '/v1/%2e%2e/v1/status',
    '/%',
    '/v1/status?%zz=%zz',
    'http://127.0.0.1/v1/status',
    'http://[::1/v1/status',
    '/\\v1/status',
    // the web app's files, served outside /v1/ without a token: never anything outside web/dist
    '/',
    '/index.html',
    '/config.json',
    '/%2e%2e/package.json',
    '/assets/../../package.json',
    '/..%2f..%2fpackage.json',
    '/favicon.svg%00'
  ),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((p) => `/${p}`),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 20 }).map((p) => `//${p}`)
)

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      ' application/json ;',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json-patch+json',
      'application/jsonx',
      '',
      ';'
    ),
    weight: 2
  },
  { arbitrary: fc.constant(undefined), weight: 1 }
)

function queryOf(route: ApiRoute): fc.Arbitrary<string> {
  const valid = Object.entries(route.query ?? {}).map(([key, value]) => value.map((v) => `${key}=${encodeURIComponent(v.toWellFormed())}`))
  const pair = fc.oneof(
    ...(valid.length === 0 ? [] : valid),
    fc
      .tuple(fc.constantFrom('limit', 'before', 'q', 'group', 'x', ''), fc.string({ unit: 'binary', maxLength: 12 }))
      .map(([k, v]) => `${k}=${encodeURIComponent(v.toWellFormed())}`),
    fc.constantFrom('limit=-1', 'limit=1e3', 'limit=0x10', 'limit=9999999999', 'limit', '=', '&', '%zz', 'limit=1&limit=2', 'q=%ff')
  )
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 3 },
    { arbitrary: fc.array(pair, { minLength: 1, maxLength: 3 }).map((p) => p.join('&')), weight: 2 }
  )
}

/** A group, most often the fuzzed one (so requests get past the lookup), a member most often one of its two members. */
const groupParam = fc.oneof({ arbitrary: fc.constantFrom('{group}', '{group-prefix}', '{group-name}'), weight: 2 }, { arbitrary: param, weight: 1 })
const memberParam = fc.oneof(
  { arbitrary: fc.constantFrom('{other}', '{other-prefix}', '{other-name}', '{self-prefix}', '{self-name}'), weight: 2 },
  { arbitrary: param, weight: 1 }
)

export function requestOf(route: ApiRoute): fc.Arbitrary<ApiRequest> {
  const positions = route.path.match(/:[gm]/g) ?? []
  const hasBody = route.method === 'POST' || route.method === 'PUT'
  return fc.record({
    route: fc.constant(route.name),
    method: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 30 },
      { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), weight: 1 }
    ),
    params: fc.tuple(...positions.map((p) => (p === ':g' ? groupParam : memberParam))),
    query: hasBody ? fc.oneof({ arbitrary: fc.constant(''), weight: 20 }, { arbitrary: queryOf(route), weight: 1 }) : queryOf(route),
    contentType: hasBody ? contentType : fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: contentType, weight: 1 }),
    auth: fc.oneof(
      { arbitrary: fc.constant('token' as const), weight: 40 },
      { arbitrary: fc.constantFrom('none' as const, 'wrong' as const), weight: 1 }
    ),
    body: hasBody
      ? bodyOf(route)
      : fc.oneof({ arbitrary: fc.constant({ kind: 'none' as const }), weight: 8 }, { arbitrary: bodyOf(route), weight: 1 }),
    pieces: fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: fc.integer({ min: 2, max: 7 }), weight: 1 }),
    rawPath: fc.oneof({ arbitrary: fc.constant(undefined), weight: 30 }, { arbitrary: rawPath, weight: 1 })
  }) as fc.Arbitrary<ApiRequest>
}

/** Requests to every route, those that take a body four times as often as the others. */
export const apiRequests: fc.Arbitrary<ApiRequest> = fc.oneof(
  ...API_ROUTES.map((route) => ({ arbitrary: requestOf(route), weight: route.fields === undefined ? 1 : 4 }))
)

/** The body's bytes, placeholders filled in by `fill`; oversize bodies are a valid JSON object padded past the cap. */
export function bodyBytes(body: BodySpec, fill: (text: string) => string): Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined
    case 'json':
      return Buffer.from(fill(JSON.stringify(body.value) ?? 'null'))
    case 'text':
      return Buffer.from(body.text)
    case 'bytes':
      return Buffer.from(body.bytes)
    case 'oversize':
      return Buffer.from(`{"text":"${'a'.repeat(Math.max(0, body.bytes - 11))}"}`)
    case 'mutated':
      return body.edits.reduce(applyEdit, Buffer.from(fill(JSON.stringify(body.value) ?? 'null')))
  }
}

function applyEdit(bytes: Buffer, edit: Edit): Buffer {
  const at = Math.floor(edit.at * bytes.length)
  const byte = Buffer.of(edit.byte)
  switch (edit.op) {
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)])
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), byte, bytes.subarray(at)])
    case 'replace':
      return Buffer.concat([bytes.subarray(0, at), byte, bytes.subarray(at + 1)])
    case 'truncate':
      return bytes.subarray(0, at)
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at), bytes.subarray(at)])
  }
}
