/**
 * Entries written ahead of a benchmark, kept back to back in a few large
 * buffers rather than as two small arrays each: a million entries as
 * objects are two million typed arrays for the benchmark's own collector
 * to go through while the daemon it measures shares the machine.
 */

/** One entry as it is read back: views into the reel's buffers. */
export interface ReelEntry {
  id: Uint8Array
  bytes: Uint8Array
}

const ID_BYTES = 32

export class EntryReel {
  private readonly chunkBytes: number
  private readonly chunks: Uint8Array[] = []
  /** For entry i: its chunk, where its id starts in it, and its length (id then bytes). */
  private chunkOf = new Uint32Array(1024)
  private startOf = new Uint32Array(1024)
  private sizeOf = new Uint32Array(1024)
  private used: number
  length = 0

  /** `chunkBytes`: the size of each buffer (64 MiB; smaller in its test). */
  constructor(chunkBytes = 64 * 2 ** 20) {
    this.chunkBytes = chunkBytes
    this.used = chunkBytes
  }

  push(id: Uint8Array, bytes: Uint8Array): void {
    if (id.byteLength !== ID_BYTES) throw new Error(`an entry id has ${ID_BYTES} bytes, not ${id.byteLength}`)
    const size = ID_BYTES + bytes.byteLength
    if (size > this.chunkBytes) throw new Error(`an entry of ${bytes.byteLength} bytes does not fit the reel's ${this.chunkBytes}-byte buffers`)
    if (this.used + size > this.chunkBytes) {
      this.chunks.push(new Uint8Array(this.chunkBytes))
      this.used = 0
    }
    if (this.length === this.chunkOf.length) this.grow()
    const chunk = this.chunks[this.chunks.length - 1] as Uint8Array
    chunk.set(id, this.used)
    chunk.set(bytes, this.used + ID_BYTES)
    this.chunkOf[this.length] = this.chunks.length - 1
    this.startOf[this.length] = this.used
    this.sizeOf[this.length] = size
    this.used += size
    this.length++
  }

  at(i: number): ReelEntry {
    if (i < 0 || i >= this.length) throw new RangeError(`entry ${i} is not in a reel of ${this.length}`)
    const chunk = this.chunks[this.chunkOf[i] as number] as Uint8Array
    const start = this.startOf[i] as number
    return { id: chunk.subarray(start, start + ID_BYTES), bytes: chunk.subarray(start + ID_BYTES, start + (this.sizeOf[i] as number)) }
  }

  /** Entries `from` up to `to` (not included), as views. */
  slice(from: number, to: number): ReelEntry[] {
    const entries: ReelEntry[] = []
    for (let i = from; i < Math.min(to, this.length); i++) entries.push(this.at(i))
    return entries
  }

  private grow(): void {
    const larger = (old: Uint32Array) => {
      const next = new Uint32Array(old.length * 2)
      next.set(old)
      return next
    }
    this.chunkOf = larger(this.chunkOf)
    this.startOf = larger(this.startOf)
    this.sizeOf = larger(this.sizeOf)
  }
}
