/**
 * The files a chat is sending, one after another (dropped, pasted, picked
 * or recorded): which one and how far along, and what could not be sent —
 * a file over the size limit is refused at once, before it is read.
 */
import type { CausettePeer } from '@causette/core'
import { type Accessor, createSignal } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { checkFileSize, sendFile } from './file-sending.ts'

export interface Sending {
  name: string
  /** Bytes stored so far. */
  sent: number
  total: number
}

export interface FileSending {
  sending: Accessor<Sending | undefined>
  error: Accessor<string | undefined>
  /** Sends each file after those already under way; `duration` for a voice note, `replyTo` when answering a message. */
  send: (files: File[], options?: { duration?: number; replyTo?: Uint8Array }) => Promise<void>
}

export function createFileSending(peer: CausettePeer, groupId: string): FileSending {
  const [sending, setSending] = createSignal<Sending>()
  const [error, setError] = createSignal<string>()
  let queue = Promise.resolve()
  const send = (files: File[], options: { duration?: number; replyTo?: Uint8Array } = {}): Promise<void> => {
    setError(undefined)
    for (const file of files) {
      try {
        checkFileSize(peer, file)
      } catch (err) {
        setError(personMessage(err))
        continue
      }
      queue = queue.then(async () => {
        const name = file.name
        setSending({ name, sent: 0, total: file.size })
        try {
          await sendFile(peer, groupId, file, { ...options, onProgress: (sent) => setSending({ name, sent, total: file.size }) })
        } catch (err) {
          setError(personMessage(err))
        } finally {
          setSending(undefined)
        }
      })
    }
    return queue
  }
  return { sending, error, send }
}
