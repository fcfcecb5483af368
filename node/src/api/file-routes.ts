/**
 * The control API's endpoints for files: sending one (its bytes as the
 * request body, streamed into blobs; name, type and caption in the query)
 * and reading a message's file back (streamed; one byte range at a time
 * with `Range: bytes=a-b`). docs/control-api.md lists them.
 */
import {
  MAX_DISAPPEARING_MS,
  MAX_FILE_NAME_LENGTH,
  MAX_FILE_TYPE_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_THUMB_BYTES,
  MIN_DISAPPEARING_MS
} from '@causette/core'
import type { FileOperations } from '../daemon/file-operations.ts'
import { InvalidRequestError, RangeNotSatisfiableError } from '../errors.ts'
import { type Route, route } from './route.ts'
import { optionalHexPrefix, query, queryInteger } from './validation.ts'

const GROUP = '([^/]+)'

export function fileRoutes(ops: FileOperations): Route[] {
  return [
    route('POST', `/v1/groups/${GROUP}/files`, async ({ params, query: q, bytes }) => {
      const p = query(q, ['name', 'type', 'text', 'replyTo', 'disappearAfter', 'thumb', 'width', 'height'])
      const name = p.get('name')?.trim() ?? ''
      if (name === '' || name.length > MAX_FILE_NAME_LENGTH)
        throw new InvalidRequestError(`"name" (the file's name) is 1 to ${MAX_FILE_NAME_LENGTH} characters`)
      const type = p.get('type') ?? ''
      if (type.length > MAX_FILE_TYPE_LENGTH || /[^\x21-\x7e]/.test(type)) throw new InvalidRequestError('"type" is a media type such as image/jpeg')
      const text = p.get('text') ?? ''
      if (text.length > MAX_TEXT_LENGTH) throw new InvalidRequestError(`"text" (the caption) is at most ${MAX_TEXT_LENGTH} characters`)
      const replyTo = optionalHexPrefix(p.get('replyTo'), 'replyTo')
      const disappear =
        p.get('disappearAfter') === undefined
          ? undefined
          : queryInteger(p, 'disappearAfter', { min: MIN_DISAPPEARING_MS / 1000, max: MAX_DISAPPEARING_MS / 1000, default: 0 })
      const file = {
        name,
        type,
        text,
        ...placeholderOf(p),
        ...(replyTo === undefined ? {} : { replyTo }),
        ...(disappear === undefined ? {} : { disappearAfter: disappear * 1000 })
      }
      return { status: 201, json: await ops.send(params[0] as string, bytes(), file) }
    }),
    route('GET', `/v1/groups/${GROUP}/messages/([^/]+)/files/(\\d{1,2})`, async ({ params, query: q, headers }) => {
      query(q, [])
      const message = optionalHexPrefix(params[1], 'message') as string
      const range = rangeOf(headers.range)
      const opened = await ops.open(params[0] as string, message, Number(params[2]), range ?? {})
      if (range !== undefined && (range.start ?? 0) >= opened.file.size && opened.file.size > 0) throw new RangeNotSatisfiableError(opened.file.size)
      // the first piece before the answer's head: a file no one can give is a clear error, not a cut stream
      const first = await opened.bytes.next()
      async function* rest(): AsyncGenerator<Uint8Array> {
        if (first.done !== true) yield first.value
        yield* opened.bytes
      }
      const length = opened.end - opened.start
      return {
        stream: rest(),
        contentType: opened.file.type === '' ? 'application/octet-stream' : opened.file.type,
        status: range === undefined ? 200 : 206,
        headers: {
          'content-length': String(length),
          'accept-ranges': 'bytes',
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(opened.file.name)}`,
          ...(range === undefined ? {} : { 'content-range': `bytes ${opened.start}-${Math.max(opened.start, opened.end - 1)}/${opened.file.size}` })
        }
      }
    })
  ]
}

/** One range, `bytes=a-b`, `bytes=a-` or `bytes=-n` (the last n); undefined without a Range header. */
function rangeOf(header: string | undefined): { start?: number; end?: number } | undefined {
  if (header === undefined) return undefined
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim())
  if (match === null || (match[1] === '' && match[2] === '')) throw new InvalidRequestError('"Range" must be one byte range, e.g. bytes=0-1023')
  if (match[1] === '') return { start: -Number(match[2]) }
  return match[2] === '' ? { start: Number(match[1]) } : { start: Number(match[1]), end: Number(match[2]) + 1 }
}

/** An image's placeholder in the query: `thumb` (base64url, a ThumbHash) with `width` and `height`, all three or none. */
function placeholderOf(p: Map<string, string>): { thumb?: Uint8Array; width?: number; height?: number } {
  if (!p.has('thumb') && !p.has('width') && !p.has('height')) return {}
  const thumb = p.get('thumb') ?? ''
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(thumb))
    throw new InvalidRequestError('"thumb" is an image\'s placeholder, base64url, sent with "width" and "height"')
  const bytes = new Uint8Array(Buffer.from(thumb, 'base64url'))
  if (bytes.byteLength > MAX_THUMB_BYTES) throw new InvalidRequestError(`"thumb" is at most ${MAX_THUMB_BYTES} bytes`)
  return {
    thumb: bytes,
    width: queryInteger(p, 'width', { min: 1, max: 65_535, default: 0 }),
    height: queryInteger(p, 'height', { min: 1, max: 65_535, default: 0 })
  }
}
