/**
 * Group bundles in a tab, as the daemon makes and imports them (core's
 * bundle-format.ts and bundle-check.ts): a group's entries saved as a file,
 * and a bundle file imported into a group this tab holds. An import is
 * checked whole before any entry is added — its framing and checksum, then
 * each entry's group and signature — so a changed byte refuses all of it;
 * only then are the entries added to the group's log, a page at a time,
 * exactly as entries from a peer (their parents, author and keys are the
 * log's to check). The picked file is read again for each pass rather than
 * held in memory.
 */
import { type Entry, libp2pSignatures, toHex } from '@causette/core'
import { BundleReader, bundleFromStore, checkBundleEntries, decodeBundleEntry, GroupNotHeldError } from '@causette/core/backups'
import type { Session } from '../app/session.ts'
import { blobOf, fileNameOf, piecesOf } from './file-bytes.ts'
import type { BackupStep } from './progress-text.ts'

/** Entries checked, and added, at a time. */
const PAGE = 500
const HINTS = { backupHint: 'it is a backup: restore it from the first screen of a new browser profile (“Restore from a backup”)' }
const JOIN = 'with an invite link from a member'

export interface BundleImport {
  group: string
  entries: number
  added: number
  duplicates: number
  pending: number
  rejected: number
  reasons: string[]
}

/** A group's bundle as a file to save. */
export async function bundleOfGroup(session: Session, groupId: string): Promise<{ file: Blob; name: string }> {
  const log = session.peer.group(groupId)
  const file = await blobOf(bundleFromStore(session.store, log.id))
  return { file, name: `${fileNameOf(log.view.metadata().name, 'group')}.bundle` }
}

/** Imports a bundle file; its errors name it by the file's name. */
export async function importBundleFile(session: Session, file: File, onStep: (step: BackupStep) => void): Promise<BundleImport> {
  const what = `“${file.name}”`
  const { groupId, count } = await readWhole(what, file)
  const idHex = toHex(groupId)
  if (!session.peer.hasGroup(idHex)) throw new GroupNotHeldError(idHex, JOIN)
  const log = session.peer.group(idHex)
  const signatures = libp2pSignatures()
  let checked = 0
  for await (const page of pages(what, file, count)) {
    await checkBundleEntries(what, page, groupId, checked, count, signatures)
    checked += page.length
    onStep({ kind: 'checking', done: checked, total: count })
  }
  const result: BundleImport = { group: log.view.metadata().name, entries: count, added: 0, duplicates: 0, pending: 0, rejected: 0, reasons: [] }
  let added = 0
  for await (const page of pages(what, file, count)) {
    const outcome = await log.add(page, { source: 'import' })
    result.added += outcome.added.length
    result.duplicates += outcome.duplicates
    result.rejected += outcome.rejected.length
    for (const r of outcome.rejected) if (result.reasons.length < 3 && !result.reasons.includes(r.error.message)) result.reasons.push(r.error.message)
    added += page.length
    onStep({ kind: 'adding', done: added, total: count })
  }
  result.pending = log.pendingCount
  return result
}

/** Reads the whole file once: its framing and checksum, its group and how many entries it holds. */
async function readWhole(what: string, file: Blob): Promise<{ groupId: Uint8Array; count: number }> {
  const reader = new BundleReader(what, HINTS)
  for await (const piece of piecesOf(file)) reader.push(piece)
  reader.finish()
  return { groupId: reader.groupId as Uint8Array, count: reader.count }
}

async function* pages(what: string, file: Blob, total: number): AsyncGenerator<Entry[]> {
  const reader = new BundleReader(what, HINTS)
  let page: Entry[] = []
  let index = 0
  for await (const piece of piecesOf(file)) {
    for (const bytes of reader.push(piece)) {
      page.push(decodeBundleEntry(what, bytes, index++, total))
      if (page.length === PAGE) {
        yield page
        page = []
      }
    }
  }
  if (page.length > 0) yield page
}
