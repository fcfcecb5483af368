/**
 * Importing a group bundle into a running daemon, all or nothing against
 * tampering. The bytes are first written to a file in the data directory
 * while their framing and checksum are checked (bundle-format.ts); then
 * every entry is decoded, checked to be of the bundle's group and its
 * signature verified (batch-verified, as sync does); only if all of them
 * pass are they added to the group's log, a page at a time, untrusted —
 * exactly as entries from a peer: parents, membership and keys are the
 * log's to check, and what it refuses is counted with its reason.
 */
import { randomBytes } from 'node:crypto'
import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type Entry, type Signatures, toHex } from '@causette/core'
import { BundleReader, checkBundleEntries, decodeBundleEntry } from '@causette/core/backups'
import type { DaemonEvent, ImportResponse } from '../api/api-types.ts'
import { BundleTooLargeError, GroupNotHeldError } from '../backup/errors.ts'
import type { GroupDirectory } from '../daemon/group-directory.ts'

/** The largest bundle one import takes (it is written to the data directory first). */
export const MAX_BUNDLE_BYTES = 4 * 1024 * 1024 * 1024
/** Entries checked, and added, at a time. */
const PAGE = 500
const READ_BYTES = 256 * 1024
/** Reasons for refused entries kept for the answer. */
const REASONS = 3
const WHAT = 'the bundle'

export interface ImportComponents {
  home: string
  directory: GroupDirectory
  signatures: Signatures
  emit: (event: DaemonEvent) => void
}

export async function importBundle(c: ImportComponents, body: AsyncIterable<Uint8Array>): Promise<ImportResponse> {
  const spool = join(c.home, `.import-${randomBytes(8).toString('hex')}.bundle`)
  try {
    const { groupId, count } = await receive(spool, body)
    const idHex = toHex(groupId)
    const known = c.directory.get(idHex)
    if (known === undefined) throw new GroupNotHeldError(idHex)
    const log = await c.directory.openLog(known)
    const progress = (stage: 'checking' | 'adding', done: number) => c.emit({ type: 'bundle:progress', groupId: idHex, stage, done, total: count })
    let checked = 0
    for await (const page of pages(spool, count)) {
      await checkBundleEntries(WHAT, page, groupId, checked, count, c.signatures)
      checked += page.length
      progress('checking', checked)
    }
    const result: ImportResponse = { group: known.ref, entries: count, added: 0, duplicates: 0, pending: 0, rejected: 0, reasons: [] }
    let added = 0
    for await (const page of pages(spool, count)) {
      const outcome = await log.add(page, { source: 'import' })
      result.added += outcome.added.length
      result.duplicates += outcome.duplicates
      result.rejected += outcome.rejected.length
      for (const r of outcome.rejected)
        if (result.reasons.length < REASONS && !result.reasons.includes(r.error.message)) result.reasons.push(r.error.message)
      added += page.length
      progress('adding', added)
    }
    result.pending = log.pendingCount
    return { ...result, group: known.ref }
  } finally {
    await rm(spool, { force: true })
  }
}

/** Writes the body to `spool`, refusing it as soon as its framing is wrong and at the end if its checksum is. */
async function receive(spool: string, body: AsyncIterable<Uint8Array>): Promise<{ groupId: Uint8Array; count: number }> {
  const reader = new BundleReader(WHAT)
  const file = await open(spool, 'wx', 0o600)
  let size = 0
  let refusal: Error | undefined
  try {
    for await (const piece of body) {
      size += piece.byteLength
      if (size > MAX_BUNDLE_BYTES) throw new BundleTooLargeError(MAX_BUNDLE_BYTES)
      // refused: the rest is read and dropped, so the client gets the answer rather than a cut connection
      if (refusal !== undefined) continue
      try {
        reader.push(piece)
      } catch (err) {
        refusal = err as Error
        continue
      }
      await file.write(piece)
    }
  } finally {
    await file.close()
  }
  if (refusal !== undefined) throw refusal
  reader.finish()
  return { groupId: reader.groupId as Uint8Array, count: reader.count }
}

/** The spooled bundle's entries, a page at a time (its checksum was checked as it arrived). */
async function* pages(spool: string, total: number): AsyncGenerator<Entry[]> {
  const reader = new BundleReader(WHAT)
  const file = await open(spool, 'r')
  try {
    const buffer = Buffer.alloc(READ_BYTES)
    let page: Entry[] = []
    let index = 0
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, null)
      if (bytesRead === 0) break
      for (const bytes of reader.push(buffer.subarray(0, bytesRead))) {
        page.push(decodeBundleEntry(WHAT, bytes, index++, total))
        if (page.length === PAGE) {
          yield page
          page = []
        }
      }
    }
    if (page.length > 0) yield page
  } finally {
    await file.close()
  }
}
