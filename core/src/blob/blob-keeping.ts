/**
 * Handing a file's pieces to a relay that keeps the group
 * (`/causette/blob-keep/1.0.0`), so a member who is never online with the
 * sender still fetches the file: the sender names the group by its mailbox
 * tag, then sends each piece (the same frame as a blob answer, blob-frames.ts),
 * then an end; the relay answers how many it kept, or why it refused. The
 * relay checks what it can without keys: the sender is a member it serves,
 * each piece is what its name says and no larger than a piece, and the
 * group's room for files.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { encode } from 'cborg'
import { equals } from 'uint8arrays/equals'
import { TAG_BYTES } from '../sync/frames.ts'
import { BlobRefusedError, MalformedBlobError } from './blob-errors.ts'
import { blobId } from './blob-format.ts'
import { decodeAnswer, decodeMap, encodeAnswer, MAX_BLOB_FRAME_BYTES } from './blob-frames.ts'

export const BLOB_KEEP_PROTOCOL = '/causette/blob-keep/1.0.0'
const KEEP_TIMEOUT_MS = 120_000

/** Sends pieces to a relay under the group's mailbox tag; resolves with how many it kept. Throws BlobRefusedError when it refuses. */
export async function handBlobs(
  stream: Stream,
  tag: Uint8Array,
  blobs: AsyncIterable<{ id: Uint8Array; bytes: Uint8Array }>,
  signal?: AbortSignal
): Promise<number> {
  const abort = AbortSignal.any([AbortSignal.timeout(KEEP_TIMEOUT_MS), ...(signal === undefined ? [] : [signal])])
  const lp = lpStream(stream, { maxDataLength: MAX_BLOB_FRAME_BYTES })
  try {
    await lp.write(encode({ tag }), { signal: abort })
    for await (const blob of blobs) await lp.write(encodeAnswer(blob), { signal: abort })
    await lp.write(encode({ end: true }), { signal: abort })
    const answer = decodeMap((await lp.read({ signal: abort })).subarray())
    if (typeof answer.refused === 'string') throw new BlobRefusedError(answer.refused.slice(0, 500))
    if (!Number.isSafeInteger(answer.kept)) throw new MalformedBlobError('the relay answered without saying how many pieces it kept')
    await stream.close({ signal: abort }).catch(() => undefined)
    return answer.kept as number
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

export interface Keeping {
  /** The group a mailbox tag names and whether the device (hex key) may hand it pieces; undefined when none. */
  groupOf(tag: Uint8Array, device: string): { id: Uint8Array; member: boolean } | undefined
  /** Keeps a checked piece; a string says why not (the group's room is full), and ends the exchange. */
  keep(group: Uint8Array, id: Uint8Array, bytes: Uint8Array): Promise<string | undefined>
  signal: AbortSignal
}

/** The relay's side of one exchange, from `device` (hex key). */
export async function receiveBlobs(stream: Stream, device: string, k: Keeping): Promise<void> {
  const abort = AbortSignal.any([AbortSignal.timeout(KEEP_TIMEOUT_MS), k.signal])
  const lp = lpStream(stream, { maxDataLength: MAX_BLOB_FRAME_BYTES })
  const refuse = async (reason: string) => {
    await lp.write(encode({ refused: reason }), { signal: abort })
    await stream.close({ signal: abort })
  }
  try {
    const hello = decodeMap((await lp.read({ signal: abort })).subarray())
    if (!(hello.tag instanceof Uint8Array) || hello.tag.byteLength !== TAG_BYTES)
      throw new MalformedBlobError('a keep request names its group by a 16-byte tag')
    const group = k.groupOf(hello.tag, device)
    if (group === undefined || !group.member) return await refuse('this relay keeps the files of a group for the members it serves only')
    let kept = 0
    for (;;) {
      const frame = (await lp.read({ signal: abort })).subarray()
      if (decodeMap(frame).end === true) break
      const piece = decodeAnswer(frame)
      if ('refused' in piece || piece.bytes === undefined) throw new MalformedBlobError('a keep request sends pieces with their bytes')
      const name = await blobId(piece.bytes)
      if (!equals(name, piece.id)) return await refuse('a piece is not what its name says; nothing more is taken from this exchange')
      const refusal = await k.keep(group.id, piece.id, piece.bytes)
      if (refusal !== undefined) return await refuse(refusal)
      kept++
    }
    await lp.write(encode({ kept }), { signal: abort })
    await stream.close({ signal: abort })
  } catch (err) {
    stream.abort(err as Error)
  }
}
