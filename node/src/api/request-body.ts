/**
 * Reading a request body: JSON, capped in size before it is buffered, so no
 * request can make the daemon hold more than the cap in memory; or raw
 * bytes (a bundle to import), streamed to the endpoint as they arrive.
 */
import type { IncomingMessage } from 'node:http'
import { InvalidRequestError, RequestTooLargeError, UnsupportedMediaTypeError } from '../errors.ts'

/** Room for the longest message (16,000 characters, each up to 6 bytes once JSON-escaped) and its envelope. */
export const MAX_BODY_BYTES = 128 * 1024

export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') throw new UnsupportedMediaTypeError()
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new RequestTooLargeError(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength
    if (size > limit) throw new RequestTooLargeError(limit)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new InvalidRequestError('the request body is empty; send a JSON object')
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new InvalidRequestError(`the request body is not valid JSON: ${(err as Error).message}`)
  }
}

/** The body as it arrives, for the endpoints that take bytes; the endpoint bounds how much it takes. */
export function byteBody(req: IncomingMessage): AsyncIterable<Uint8Array> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/octet-stream')
    throw new UnsupportedMediaTypeError('send the file as the request body, with "Content-Type: application/octet-stream"')
  return req as AsyncIterable<Uint8Array>
}
