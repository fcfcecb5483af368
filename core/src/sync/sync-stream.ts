/**
 * The libp2p adapter of the sync protocol (`/causette/sync/1.0.0`): drives a
 * SyncSession over one stream with length-prefixed frames. Reading and
 * writing run side by side, so two peers pushing entries at each other never
 * wait on each other's flow-control windows. What the peer sent and this side
 * has not read yet is bounded: past 2 MiB the stream is paused, so the muxer
 * stops granting the sender window (core caps yamux windows at 1 MiB), and it
 * resumes once less than a frame's worth is left — a fast sender cannot
 * overflow a slow receiver's read buffer, which libp2p punishes by aborting
 * the stream. One frame is read ahead while the one before is answered, so
 * a batch of entries is decoded and its signatures checked meanwhile.
 * Frames are capped in size, each read has an idle timeout, and every
 * failure ends the session with a named error saying what the peer did.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { decodeFrame, encodeFrame, MAX_SYNC_FRAME_BYTES, type SyncFrame } from './frames.ts'
import { MalformedSyncFrameError, SyncTimeoutError } from './sync-errors.ts'
import type { SyncSession } from './sync-session.ts'
import type { SyncedLog } from './synced-log.ts'

export const SYNC_PROTOCOL = '/causette/sync/1.0.0'
export const SYNC_IDLE_TIMEOUT_MS = 20_000
/** Unread bytes from the peer past which its sending is held back. */
const PAUSE_ABOVE_BYTES = 2 * MAX_SYNC_FRAME_BYTES
/** Below this the sender may go on; above it a whole frame is surely buffered, so a paused read never waits. */
const RESUME_BELOW_BYTES = MAX_SYNC_FRAME_BYTES + 16
/** libp2p's read buffer for the stream: the held-back bound, the muxer window in flight, and room. */
const READ_BUFFER_BYTES = 8 * 1024 * 1024

export interface SyncStreamOptions {
  signal?: AbortSignal
  /** Longest wait for the next frame. */
  idleTimeoutMs?: number
}

export interface SyncTraffic {
  bytesIn: number
  bytesOut: number
  framesIn: number
  framesOut: number
}

export async function runSyncSession<L extends SyncedLog>(
  stream: Stream,
  session: SyncSession<L>,
  options: SyncStreamOptions = {}
): Promise<SyncTraffic> {
  const traffic: SyncTraffic = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 }
  const lp = lpStream(stream, { maxDataLength: MAX_SYNC_FRAME_BYTES, maxBufferSize: READ_BUFFER_BYTES })
  // bytes the peer has sent that are not yet read as frames (flow control, see the header)
  let unread = 0
  const onData = (evt: { data: { byteLength: number } }) => {
    unread += evt.data.byteLength
    if (unread > PAUSE_ABOVE_BYTES && stream.readStatus === 'readable') stream.pause()
  }
  stream.addEventListener('message', onData)
  const idle = options.idleTimeoutMs ?? SYNC_IDLE_TIMEOUT_MS
  const queue: SyncFrame[] = []
  let wake: (() => void) | undefined
  let failed: Error | undefined
  const enqueue = (frames: SyncFrame[]) => {
    queue.push(...frames)
    wake?.()
  }

  const writer = (async () => {
    for (;;) {
      const frame = queue.shift()
      if (frame === undefined) {
        if (session.finished || failed !== undefined) return
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = undefined
        continue
      }
      const bytes = encodeFrame(frame)
      await lp.write(bytes, options.signal === undefined ? {} : { signal: options.signal })
      traffic.bytesOut += bytes.byteLength + varintLength(bytes.byteLength)
      traffic.framesOut++
    }
  })()

  // the read that may still be waiting once the session has finished
  const readAhead = new AbortController()
  const readFrame = async (): Promise<SyncFrame> => {
    const signals = [readAhead.signal, AbortSignal.timeout(idle)]
    if (options.signal !== undefined) signals.push(options.signal)
    let data: Uint8Array
    try {
      data = (await lp.read({ signal: AbortSignal.any(signals) })).subarray()
    } catch (err) {
      throw readError(err as Error, idle, options.signal)
    }
    traffic.bytesIn += data.byteLength + varintLength(data.byteLength)
    traffic.framesIn++
    unread -= data.byteLength + varintLength(data.byteLength)
    if (unread < RESUME_BELOW_BYTES && stream.readStatus === 'paused') stream.resume()
    return decodeFrame(data)
  }

  try {
    enqueue(session.start())
    let next = readFrame()
    while (!session.finished) {
      const frame = await next
      // the next frame is read while this one is answered, and entries that come meanwhile begin
      // their first look (SyncSession.anticipate); what it fails with is thrown when its turn comes
      next = readFrame().then((ahead) => {
        session.anticipate(ahead)
        return ahead
      })
      next.catch(() => undefined)
      enqueue(await session.receive(frame))
    }
    readAhead.abort()
    wake?.()
    await writer
    await stream.close()
    if (session.failure !== undefined) throw session.failure
    return traffic
  } catch (err) {
    readAhead.abort()
    failed = err as Error
    wake?.()
    stream.abort(failed)
    await writer.catch(() => undefined)
    throw failed
  }
}

function readError(err: Error, idle: number, outer?: AbortSignal): Error {
  if (outer?.aborted === true) return err
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return new SyncTimeoutError(`the peer sent nothing for ${Math.round(idle / 1000)} s during sync`)
  }
  if (err.name === 'InvalidDataLengthError' || err.name === 'InvalidDataLengthLengthError') {
    return new MalformedSyncFrameError(`the peer sent a sync frame larger than ${MAX_SYNC_FRAME_BYTES} bytes`)
  }
  if (err.name === 'UnexpectedEOFError') {
    return new MalformedSyncFrameError('the peer closed the stream before sync finished')
  }
  return err
}

function varintLength(n: number): number {
  let length = 1
  while (n >= 0x80) {
    n = Math.floor(n / 0x80)
    length++
  }
  return length
}
