/** The chunked encryption of backup files is core's (core/src/backup/sealed-chunks.ts), shared with the web app; named here for the daemon's tests. */
export { ChunkOpenError, ChunkOpener, ChunkSealer, NONCE_PREFIX_BYTES, type OpenFailure } from '@causette/core/backups'
