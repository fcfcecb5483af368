/**
 * The daemon's HandoverLedger (core's blob/relay-handovers.ts): which of
 * the files this device sent a relay has not yet confirmed keeping, in
 * `blobs/relay-handovers.json` beside the pieces — message ids and relay
 * ids, no key. Written whole to a temporary name, fsynced and renamed, so
 * a crash leaves the old list or the new one; a list that cannot be read
 * (damaged by hand) is set aside as `.damaged` and the daemon goes on with
 * none, since the files are still its own and members still fetch them.
 */
import { mkdir, readFile, rename } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { HandoverLedger, PendingHandover } from '@causette/core'
import { writePrivateFile } from '../data-dir.ts'

export const HANDOVERS_FILE = 'relay-handovers.json'

export class FileHandoverLedger implements HandoverLedger {
  readonly path: string

  /** The ledger in the blob store's directory `dir`. */
  constructor(dir: string) {
    this.path = join(dir, HANDOVERS_FILE)
  }

  async load(): Promise<PendingHandover[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    try {
      const list = JSON.parse(text) as unknown
      if (!Array.isArray(list)) throw new TypeError('not a list')
      return list.filter(isPending)
    } catch {
      await rename(this.path, `${this.path}.damaged`).catch(() => undefined)
      return []
    }
  }

  async save(pending: readonly PendingHandover[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 })
    await writePrivateFile(this.path, JSON.stringify(pending))
  }
}

function isPending(p: unknown): p is PendingHandover {
  const r = p as Record<string, unknown>
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.group === 'string' &&
    typeof r.message === 'string' &&
    typeof r.relay === 'string' &&
    Number.isFinite(r.since) &&
    Number.isSafeInteger(r.tries) &&
    Number.isSafeInteger(r.refusals) &&
    Number.isFinite(r.nextAt)
  )
}
