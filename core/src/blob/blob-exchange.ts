/**
 * One exchange of the blob protocol over a stream: the asker's side
 * (`askForBlobs`) and the answerer's (`answerBlobRequest`). The answerer
 * serves a group's blobs only to a device that is a current member of it
 * (the stream's remote peer, authenticated by Noise, is its device key),
 * and only blobs it keeps for that group.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { equals } from 'uint8arrays/equals'
import { BlobRefusedError } from './blob-errors.ts'
import { type BlobRequest, decodeAnswer, decodeRequest, encodeAnswer, encodeRequest, MAX_BLOB_FRAME_BYTES } from './blob-frames.ts'
import type { BlobStore } from './blob-store.ts'

/** A request's time to be answered, whole. */
const EXCHANGE_TIMEOUT_MS = 30_000

/** Asks for blobs; answers them in order, undefined where the peer does not hold one. Throws BlobRefusedError when refused. */
export async function askForBlobs(stream: Stream, request: BlobRequest, signal?: AbortSignal): Promise<Array<Uint8Array | undefined>> {
  const abort = AbortSignal.any([AbortSignal.timeout(EXCHANGE_TIMEOUT_MS), ...(signal === undefined ? [] : [signal])])
  const lp = lpStream(stream, { maxDataLength: MAX_BLOB_FRAME_BYTES })
  try {
    await lp.write(encodeRequest(request), { signal: abort })
    const found: Array<Uint8Array | undefined> = []
    for (const id of request.ids) {
      const answer = decodeAnswer((await lp.read({ signal: abort })).subarray())
      if ('refused' in answer) throw new BlobRefusedError(answer.refused)
      if (!equals(answer.id, id)) throw new BlobRefusedError('the peer answered with another blob than the one asked for')
      found.push(answer.bytes)
    }
    await stream.close({ signal: abort }).catch(() => undefined)
    return found
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
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
      // read together, sent in order
      const reads = request.ids.map((id) => a.store.get(group.id, id))
      for (const [i, id] of request.ids.entries()) {
        const bytes = await reads[i]
        await lp.write(encodeAnswer(bytes === undefined ? { id } : { id, bytes }), { signal: abort })
      }
    }
    await stream.close({ signal: abort })
  } catch (err) {
    stream.abort(err as Error)
  }
}
