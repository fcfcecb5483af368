/**
 * Giving one of this device's files to one relay that keeps its group
 * (blob-keeping.ts): its pieces read from the store one after another and
 * handed over under the first of the relay's tags it takes — a relay not
 * yet told the group's newest capability knows it by an earlier one.
 * relay-handovers.ts decides when; this is the exchange.
 */
import type { Stream } from '@libp2p/interface'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import { handBlobs } from './blob-keeping.ts'
import type { BlobStore } from './blob-store.ts'
import { type FileKeys, fileBlobIds } from './file-reading.ts'

export interface RelayKeeping {
  store: BlobStore
  aead: XChaChaAead
  /** The group's id. */
  group: Uint8Array
  /** Opens a blob-keep stream to the relay. */
  open: () => Promise<Stream>
  signal?: AbortSignal
}

/** Hands the file's pieces to the relay; resolves with how many it kept. Throws BlobRefusedError when it refuses under every tag. */
export async function handFileToRelay(file: FileKeys, tags: readonly Uint8Array[], k: RelayKeeping): Promise<number> {
  const ids = await fileBlobIds(file, k)
  async function* pieces(): AsyncGenerator<{ id: Uint8Array; bytes: Uint8Array }> {
    for (const id of ids) {
      const bytes = await k.store.get(k.group, id)
      if (bytes !== undefined) yield { id, bytes }
    }
  }
  let refused: Error | undefined
  for (const tag of tags) {
    try {
      return await handBlobs(await k.open(), tag, pieces(), k.signal)
    } catch (err) {
      // a relay that knows the group by an earlier capability refuses the newer tag: the next one is tried
      if ((err as Error).name !== 'BlobRefusedError') throw err
      refused = err as Error
    }
  }
  throw refused ?? new RangeError('a hand-over names the group by at least one tag')
}
