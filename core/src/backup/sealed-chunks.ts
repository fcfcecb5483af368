/**
 * Chunked authenticated encryption of a stream (the STREAM construction of
 * Hoang, Reyhanitabar, Rogaway and Vizár): the plaintext is cut into chunks,
 * each sealed with XChaCha20-Poly1305 under a nonce made of a per-file
 * random prefix, the chunk's index and a flag marking the last chunk, with
 * the file's header as associated data. So a chunk that is changed, moved,
 * dropped or taken from another file fails to open, a stream cut short
 * lacks its last chunk, and anything after the last chunk is refused. Logic
 * only: backup-sealing.ts and its callers do the reading and writing.
 *
 * A frame is `[flag: 0 | 1][length: u32 BE][sealed chunk]`; the flag is 1 on
 * the last frame and is authenticated through the nonce.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { concat } from 'uint8arrays/concat'

export const NONCE_PREFIX_BYTES = 16
const TAG_BYTES = 16
const FRAME_HEAD_BYTES = 5
const MORE = 0
const LAST = 1

function nonceOf(prefix: Uint8Array, index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(24)
  nonce.set(prefix)
  new DataView(nonce.buffer).setUint32(NONCE_PREFIX_BYTES, index)
  nonce[23] = last ? LAST : MORE
  return nonce
}

/** Turns plaintext, pushed in pieces of any size, into sealed frames. */
export class ChunkSealer {
  private readonly key: Uint8Array
  private readonly header: Uint8Array
  private readonly prefix: Uint8Array
  private readonly chunkBytes: number
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private index = 0

  constructor(init: { key: Uint8Array; header: Uint8Array; noncePrefix: Uint8Array; chunkBytes: number }) {
    this.key = init.key
    this.header = init.header
    this.prefix = init.noncePrefix
    this.chunkBytes = init.chunkBytes
  }

  /** The frames the plaintext so far fills; the rest waits for more, or for finish(). */
  push(plain: Uint8Array): Uint8Array[] {
    this.pending.push(plain)
    this.pendingBytes += plain.byteLength
    const frames: Uint8Array[] = []
    // a full chunk is never the last: finish() seals what remains, even nothing
    while (this.pendingBytes > this.chunkBytes) frames.push(this.seal(this.take(this.chunkBytes), false))
    return frames
  }

  /** The last frame. */
  finish(): Uint8Array {
    return this.seal(this.take(this.pendingBytes), true)
  }

  private take(bytes: number): Uint8Array {
    const all = concat(this.pending, this.pendingBytes)
    const chunk = all.subarray(0, bytes)
    this.pending = bytes < all.byteLength ? [all.subarray(bytes)] : []
    this.pendingBytes = all.byteLength - bytes
    return chunk
  }

  private seal(chunk: Uint8Array, last: boolean): Uint8Array {
    const sealed = xchacha20poly1305(this.key, nonceOf(this.prefix, this.index++, last), this.header).encrypt(chunk)
    const frame = new Uint8Array(FRAME_HEAD_BYTES + sealed.byteLength)
    frame[0] = last ? LAST : MORE
    new DataView(frame.buffer).setUint32(1, sealed.byteLength)
    frame.set(sealed, FRAME_HEAD_BYTES)
    return frame
  }
}

/** Why a sealed stream cannot be read, with where (bytes after the header). */
export type OpenFailure = { kind: 'damaged'; detail: string } | { kind: 'truncated' }

export class ChunkOpenError extends Error {
  static override name = 'ChunkOpenError'
  override name = 'ChunkOpenError'
  readonly failure: OpenFailure
  constructor(failure: OpenFailure) {
    super(failure.kind === 'damaged' ? failure.detail : 'the stream ends before its last chunk')
    this.failure = failure
  }
}

/** Turns sealed frames, pushed in pieces of any size, back into plaintext, refusing anything changed, reordered, cut short or appended. */
export class ChunkOpener {
  private readonly key: Uint8Array
  private readonly header: Uint8Array
  private readonly prefix: Uint8Array
  private readonly maxSealed: number
  private buffer: Uint8Array = new Uint8Array(0)
  private index = 0
  private offset = 0
  private ended = false

  constructor(init: { key: Uint8Array; header: Uint8Array; noncePrefix: Uint8Array; chunkBytes: number }) {
    this.key = init.key
    this.header = init.header
    this.prefix = init.noncePrefix
    this.maxSealed = init.chunkBytes + TAG_BYTES
  }

  /** The plaintext of every whole frame now held. */
  push(bytes: Uint8Array): Uint8Array[] {
    this.buffer = this.buffer.byteLength === 0 ? bytes : concat([this.buffer, bytes])
    const plain: Uint8Array[] = []
    for (;;) {
      if (this.buffer.byteLength > 0 && this.ended) {
        throw new ChunkOpenError({ kind: 'damaged', detail: `bytes follow its end, at ${this.offset} bytes into its content` })
      }
      if (this.buffer.byteLength < FRAME_HEAD_BYTES) return plain
      const flag = this.buffer[0] as number
      const length = new DataView(this.buffer.buffer, this.buffer.byteOffset).getUint32(1)
      if ((flag !== MORE && flag !== LAST) || length < TAG_BYTES || length > this.maxSealed) {
        throw new ChunkOpenError({
          kind: 'damaged',
          detail: `part ${this.index + 1}, at ${this.offset} bytes into its content, has an impossible frame`
        })
      }
      if (this.buffer.byteLength < FRAME_HEAD_BYTES + length) return plain
      const sealed = this.buffer.subarray(FRAME_HEAD_BYTES, FRAME_HEAD_BYTES + length)
      try {
        plain.push(xchacha20poly1305(this.key, nonceOf(this.prefix, this.index, flag === LAST), this.header).decrypt(sealed))
      } catch {
        throw new ChunkOpenError({
          kind: 'damaged',
          detail: `part ${this.index + 1}, at ${this.offset} bytes into its content, does not authenticate`
        })
      }
      this.index++
      this.offset += FRAME_HEAD_BYTES + length
      this.buffer = this.buffer.subarray(FRAME_HEAD_BYTES + length)
      this.ended = flag === LAST
    }
  }

  /** At the end of the input: refuses a stream that lacks its last chunk. */
  finish(): void {
    if (!this.ended || this.buffer.byteLength > 0) throw new ChunkOpenError({ kind: 'truncated' })
  }
}
