/**
 * Core's key derivation for backups, run in a Web Worker (kdf-worker.ts):
 * the DeriveFileKeys that the tab hands to core's backupSealer and
 * unlockBackup, with the worker's progress passed on.
 */
import type { DeriveFileKeys, FileKeys } from '@causette/core/backups'
import type { KdfAnswer, KdfRequest } from './kdf-worker.ts'

export const deriveInWorker: DeriveFileKeys = (passphrase, params, onProgress) =>
  new Promise<FileKeys>((resolve, reject) => {
    const worker = new Worker(new URL('./kdf-worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = (event: MessageEvent<KdfAnswer>) => {
      const said = event.data
      if ('progress' in said) {
        onProgress?.(said.progress)
        return
      }
      worker.terminate()
      if ('keys' in said) resolve(said.keys)
      else reject(Object.assign(new Error(said.error.message), { name: said.error.name }))
    }
    worker.onerror = (event) => {
      worker.terminate()
      reject(
        new Error(`the backup's key could not be derived in this browser (${event.message || 'its worker failed'}); reload the page and try again`)
      )
    }
    const request: KdfRequest = { passphrase, params }
    worker.postMessage(request)
  })
