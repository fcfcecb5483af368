/**
 * Sending a file from this tab: refused before a byte is read when it is
 * over the size this device sends (core's `files.maxFileBytes`); an
 * image's size and placeholder worked out (image-placeholder.ts); then its
 * bytes streamed into core's sendFile, which stores them as sealed chunks
 * and writes the message.
 */
import { type CausettePeer, FileTooLargeError } from '@causette/core'
import { sizeLabel } from './file-size.ts'
import { imageMeta } from './image-placeholder.ts'

export interface SendFileOptions {
  /** A voice note's length (ms). */
  duration?: number
  replyTo?: Uint8Array
  /** Bytes stored so far. */
  onProgress?: (bytes: number) => void
}

/** Refuses, with what to do, a file larger than this device sends. */
export function checkFileSize(peer: CausettePeer, file: File): void {
  const most = peer.files.maxFileBytes
  if (file.size > most) {
    throw new FileTooLargeError(
      `“${file.name}” is ${sizeLabel(file.size)}: the most you can send is ${sizeLabel(most)}. Send a smaller file, or share it another way.`
    )
  }
}

export async function sendFile(peer: CausettePeer, groupId: string, file: File, options: SendFileOptions = {}): Promise<void> {
  checkFileSize(peer, file)
  const image = file.type.startsWith('image/') ? await imageMeta(file) : undefined
  await peer.sendFile(
    groupId,
    chunksOf(file),
    {
      name: file.name.trim() === '' ? 'file' : file.name,
      type: file.type,
      ...(image ?? {}),
      ...(options.duration === undefined ? {} : { duration: Math.round(options.duration) })
    },
    {
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress })
    }
  )
}

/** The file's bytes as the browser reads them, a piece at a time. */
async function* chunksOf(file: Blob): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}
