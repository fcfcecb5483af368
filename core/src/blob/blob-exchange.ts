/**
 * One exchange of the blob protocol over a stream: the asker's side
 * (`receiveBlobs`, each answer handled as it arrives; `askForBlobs`, all
 * of them at the end) and the answerer's (`answerBlobRequest`). The answerer
 * serves a group's blobs only to a device that is a current member of it
 * (the stream's remote peer, authenticated by Noise, is its device key),
 * and only blobs it keeps for that group.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'
import { equals } from 'uint8arrays/equals'
import { BlobRefusedError } from './blob-errors.ts'
import { type BlobRequest, decodeAnswer, decodeRequest, encodeAnswer, encodeRequest, MAX_BLOB_FRAME_BYTES } from './blob-frames.ts'
import type { BlobStore } from './blob-store.ts'
import type { PieceBuffers } from './piece-buffers.ts'

/** A request's time to be answered, whole. */
const EXCHANGE_TIMEOUT_MS = 30_000
/** Answers an asker handles at once while it reads the next. */
const HANDLING_AT_ONCE = 3
/** Pieces an answerer reads ahead of the one it sends. */
const READ_AHEAD = 2

/**
 * Asks for blobs and hands each answer to `onAnswer` as it arrives (bytes
 * undefined where the peer does not hold one), reading on while up to
 * HANDLING_AT_ONCE are being handled: a piece is checked and stored while
 * it is young, neither held until the whole request is answered nor left
 * waiting in the stream (V8 frees a short-lived buffer in its cheap
 * young-generation pass; one that outlives a few of them costs a full
 * collection). Resolves once every answer was handled. Throws
 * BlobRefusedError when refused, and the first error of `onAnswer`,
 * ending the exchange.
 */
export async function receiveBlobs(
  stream: Stream,
  request: BlobRequest,
  onAnswer: (id: Uint8Array, bytes: Uint8Array | undefined) => Promise<void>,
  options: { signal?: AbortSignal; buffers?: PieceBuffers } = {}
): Promise<void> {
  const { signal, buffers } = options
  const abort = AbortSignal.any([AbortSignal.timeout(EXCHANGE_TIMEOUT_MS), ...(signal === undefined ? [] : [signal])])
  const lp = lpStream(stream, { maxDataLength: MAX_BLOB_FRAME_BYTES })
  const handling: Array<Promise<void>> = []
  try {
    await lp.write(encodeRequest(request), { signal: abort })
    for (const id of request.ids) {
      const frame = await lp.read({ signal: abort })
      // the frame gathered into a pooled buffer, given back once its answer is handled
      const buffer = buffers?.take(frame.byteLength)
      const answer = decodeAnswer(buffer === undefined ? frame.subarray() : gather(frame, buffer))
      if ('refused' in answer) throw new BlobRefusedError(answer.refused)
      if (!equals(answer.id, id)) throw new BlobRefusedError('the peer answered with another blob than the one asked for')
      const handled = buffer === undefined ? onAnswer(id, answer.bytes) : onAnswer(id, answer.bytes).finally(() => buffers?.give(buffer))
      // a failure is thrown when its turn to be awaited comes, not as an unhandled rejection meanwhile
      handled.catch(() => undefined)
      handling.push(handled)
      if (handling.length > HANDLING_AT_ONCE) await handling[handling.length - 1 - HANDLING_AT_ONCE]
    }
    await Promise.all(handling)
    await stream.close({ signal: abort }).catch(() => undefined)
  } catch (err) {
    stream.abort(err as Error)
    // the answers being handled settle before the caller hears of the failure
    await Promise.allSettled(handling)
    throw err
  }
}

/** Asks for blobs; answers them in order, undefined where the peer does not hold one. Throws BlobRefusedError when refused. */
export async function askForBlobs(stream: Stream, request: BlobRequest, signal?: AbortSignal): Promise<Array<Uint8Array | undefined>> {
  const found: Array<Uint8Array | undefined> = []
  await receiveBlobs(stream, request, async (_, bytes) => void found.push(bytes), signal === undefined ? {} : { signal })
  return found
}

/** The frame's bytes copied into `buffer` (exactly its length). */
function gather(frame: Uint8ArrayList, buffer: Uint8Array): Uint8Array {
  let at = 0
  for (const part of frame) {
    buffer.set(part, at)
    at += part.byteLength
  }
  return buffer
}

export interface Answering {
  /** The group a tag names, with whether the device (hex key) is a current member of it; undefined when none. */
  groupOf(tag: Uint8Array, device: string): { id: Uint8Array; member: boolean } | undefined
  store: Pick<BlobStore, 'get'>
  signal: AbortSignal
}

/** Answers one request on an inbound stream from `device` (hex key). */
export async function answerBlobRequest(stream: Stream, device: string, a: Answering): Promise<void> {
  const abort = AbortSignal.any([AbortSignal.timeout(EXCHANGE_TIMEOUT_MS), a.signal])
  const lp = lpStream(stream, { maxDataLength: MAX_BLOB_FRAME_BYTES })
  try {
    const request = decodeRequest((await lp.read({ signal: abort })).subarray())
    const group = a.groupOf(request.tag, device)
    if (group === undefined || !group.member) {
      await lp.write(encodeAnswer({ refused: 'this device serves the files of a group to its current members only' }), { signal: abort })
    } else {
      // read a little ahead of what is sent, in order: a piece read long before the stream takes it lives long
      // enough to cost V8 a full collection, and the whole request read at once is 4 MB held
      const reads = request.ids.map((id) => () => {
        const read = a.store.get(group.id, id)
        // a read that fails while an earlier piece is being sent is thrown when its turn comes, not as an unhandled rejection
        read.catch(() => undefined)
        return read
      })
      const ahead = reads.slice(0, READ_AHEAD).map((read) => read())
      for (const [i, id] of request.ids.entries()) {
        const bytes = await ahead.shift()
        const next = reads[i + READ_AHEAD]
        if (next !== undefined) ahead.push(next())
        await lp.write(encodeAnswer(bytes === undefined ? { id } : { id, bytes }), { signal: abort })
      }
    }
    await stream.close({ signal: abort })
  } catch (err) {
    stream.abort(err as Error)
  }
}
