/**
 * BackupOperations: what a running daemon gives the CLI for backups and
 * bundles. A backup is streamed as its plaintext records (the CLI seals
 * them under the passphrase, which never reaches the daemon); a bundle as
 * the file's bytes; an imported bundle is checked whole, then added to its
 * group like entries from a peer (bundle/bundle-import.ts).
 */
import { deviceKeyToBytes } from '@causette/core'
import { bundleFromStore } from '@causette/core/backups'
import type { ImportResponse } from '../api/api-types.ts'
import { backupRecords } from '../backup/backup-source.ts'
import { importBundle } from '../bundle/bundle-import.ts'
import type { DaemonParts } from './daemon.ts'

export class BackupOperations {
  private readonly parts: Pick<DaemonParts, 'peer' | 'store' | 'directory' | 'signatures' | 'options' | 'emit'>

  constructor(parts: Pick<DaemonParts, 'peer' | 'store' | 'directory' | 'signatures' | 'options' | 'emit'>) {
    this.parts = parts
  }

  /** The backup's records (core's backup-records.ts): device key, settings, groups and their entries. */
  backup(signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const { peer, store } = this.parts
    return backupRecords({ deviceKey: deviceKeyToBytes(peer.key), store, tables: store.tables, ...(signal === undefined ? {} : { signal }) })
  }

  /** A group's bundle (core's bundle-format.ts), every entry the store holds, in the log's order. */
  bundle(ref: string): AsyncGenerator<Uint8Array> {
    const { directory, store } = this.parts
    return bundleFromStore(store, directory.resolve(ref).record.id)
  }

  /** Imports a bundle into the group it names, which this device must hold. */
  import(body: AsyncIterable<Uint8Array>): Promise<ImportResponse> {
    const { options, directory, signatures, emit } = this.parts
    return importBundle({ home: options.home, directory, signatures, emit }, body)
  }
}
