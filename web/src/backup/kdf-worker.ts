/**
 * The Web Worker that derives a backup's key from its passphrase (Argon2id,
 * 128 MiB: seconds in a tab), so the page stays responsive and can show how
 * far it is. Asked once, answers progress then the keys, and is ended.
 */
import { deriveFileKeys, type KdfParams } from '@causette/core/backup-key'

export interface KdfRequest {
  passphrase: string
  params: KdfParams
}

export type KdfAnswer = { progress: number } | { keys: { key: Uint8Array; check: Uint8Array } } | { error: { name: string; message: string } }

const answer = (message: KdfAnswer): void => postMessage(message)

addEventListener('message', async (event: MessageEvent<KdfRequest>) => {
  try {
    let said = 0
    const keys = await deriveFileKeys(event.data.passphrase, event.data.params, (done) => {
      if (done - said < 0.01 && done < 1) return
      said = done
      answer({ progress: done })
    })
    answer({ keys })
  } catch (err) {
    answer({ error: { name: (err as Error).name, message: (err as Error).message } })
  }
})
