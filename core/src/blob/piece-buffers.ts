/**
 * Buffers for pieces in flight, taken and given back, so a file read moves
 * its pieces through the same few buffers instead of a new one per piece:
 * V8 counts every new buffer against the old generation's room until its
 * next full collection, and a fresh 256 KiB buffer per piece, a few times
 * over per piece, had a reading daemon run one every few megabytes
 * (test/bench/RESULTS.md). A pool lives as long as the read it serves.
 */
import { MAX_BLOB_FRAME_BYTES } from './blob-frames.ts'

export class PieceBuffers {
  private readonly free: Uint8Array[] = []

  /** A buffer of `bytes` (at most a frame's), as a view of a pooled one; give it back when done with it. */
  take(bytes: number): Uint8Array {
    if (bytes > MAX_BLOB_FRAME_BYTES) throw new RangeError(`a piece's buffer holds at most ${MAX_BLOB_FRAME_BYTES} bytes, not ${bytes}`)
    const buffer = this.free.pop() ?? new Uint8Array(MAX_BLOB_FRAME_BYTES)
    return buffer.subarray(0, bytes)
  }

  /** Gives back a buffer take() handed out: nothing may read or write it afterwards. */
  give(view: Uint8Array): void {
    this.free.push(new Uint8Array(view.buffer, 0, MAX_BLOB_FRAME_BYTES))
  }
}
