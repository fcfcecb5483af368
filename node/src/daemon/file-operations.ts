/**
 * Files through the daemon (core's blob/group-blobs.ts): sending one, with
 * its bytes streamed from the request into blobs on disk; and reading one
 * back, fetched from the group's members where this daemon lacks pieces,
 * whole or a range of it. Nothing holds a whole file in memory.
 */
import { type FileView, fileKeysOf } from '@causette/core'
import type { SendResponse } from '../api/api-types.ts'
import { InvalidRequestError, UnknownMessageError } from '../errors.ts'
import type { DaemonParts } from './daemon.ts'
import { messageId, messageIdBytes } from './message-reads.ts'

export interface FileToSend {
  name: string
  type: string
  text?: string
  replyTo?: string
  /** ms */
  disappearAfter?: number
  /** An image's placeholder (a ThumbHash) and size, shown before its pieces arrive. */
  thumb?: Uint8Array
  width?: number
  height?: number
}

export interface OpenedFile {
  file: FileView
  /** The bytes asked for, in order: [start, end) of the file. */
  bytes: AsyncGenerator<Uint8Array>
  start: number
  end: number
}

export class FileOperations {
  private readonly parts: Pick<DaemonParts, 'directory' | 'peer'>

  constructor(parts: Pick<DaemonParts, 'directory' | 'peer'>) {
    this.parts = parts
  }

  /** Stores the file's bytes as they arrive, then sends a message carrying it; resolves once both are durable. */
  async send(ref: string, source: AsyncIterable<Uint8Array>, file: FileToSend): Promise<SendResponse> {
    const { directory, peer } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const options: { text?: string; replyTo?: Uint8Array; disappearAfter?: number } = { text: file.text ?? '' }
    if (file.replyTo !== undefined) options.replyTo = await messageIdBytes(log, file.replyTo)
    if (file.disappearAfter !== undefined) options.disappearAfter = file.disappearAfter
    const shape = file.thumb === undefined ? {} : { thumb: file.thumb, width: file.width as number, height: file.height as number }
    const entry = await peer.sendFile(log.idHex, source, { name: file.name, type: file.type, ...shape }, options)
    const message = await log.view.message(entry.idHex)
    if (message === undefined) throw new UnknownMessageError(`message ${entry.idHex.slice(0, 12)} was written but is not in the view`)
    return { group: known.ref, message }
  }

  /** A message's file (the `index`th, from 0), its bytes in [start, end) — fetched from members where missing. */
  async open(ref: string, message: string, index: number, range: { start?: number; end?: number } = {}): Promise<OpenedFile> {
    const { directory, peer } = this.parts
    const log = await directory.openLog(directory.resolve(ref))
    const id = await messageId(log, message)
    const shown = await log.view.message(id)
    const files = shown?.files ?? []
    const file = files[index]
    if (file === undefined) {
      throw new UnknownMessageError(
        files.length === 0
          ? `message ${id.slice(0, 12)} carries no file`
          : `message ${id.slice(0, 12)} carries ${files.length} file${files.length === 1 ? '' : 's'}, numbered from 0`
      )
    }
    // a negative start counts from the end (a suffix range: the last n bytes)
    const start = range.start === undefined ? 0 : range.start < 0 ? Math.max(0, file.size + range.start) : range.start
    const end = Math.min(range.end ?? file.size, file.size)
    if (start > end || start < 0) throw new InvalidRequestError(`the range asked for is not within the file's ${file.size} bytes`)
    return { file, start, end, bytes: peer.files.read(log.idHex, fileKeysOf(file), { range: { start, end } }) }
  }
}
