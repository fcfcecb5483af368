/**
 * Keeps the message index (store/message-index.ts) equal to each open
 * group's view: on every batch of entries it re-renders the messages those
 * entries touch (a new message, the target of an edit, delete or reaction,
 * and any message whose waiting edits the batch released) and writes them in
 * one transaction; on opening a group it rebuilds the group's rows if they
 * lag its log (the daemon died between an entry commit and the index write).
 */
import { fromHex, type GroupLog, type LogEntry, type Message, orderKey, toHex } from '@causette/core'
import type { IndexedMessage, MessageIndex } from '../store/message-index.ts'

export interface IndexedChange {
  message: Message
  /** First time this message is seen (else an edit, delete or reaction changed it). */
  isNew: boolean
}

export class MessageIndexer {
  private readonly index: MessageIndex

  constructor(index: MessageIndex) {
    this.index = index
  }

  /** Brings the group's rows up to date with its freshly opened log; true if they had to be rebuilt. */
  catchUp(log: GroupLog): boolean {
    if (this.index.indexedEntries(log.id) === log.size) return false
    this.index.rebuild(log.id, indexedMessages(log, log.view.messages().messages), log.size)
    return true
  }

  /** Writes what these new entries changed; returns the changed messages in log order. */
  apply(log: GroupLog, entries: readonly LogEntry[]): IndexedChange[] {
    const touched = new Map<string, boolean>()
    for (const e of entries) {
      const op = e.op
      // an entry this device cannot read (yet) changes no message it can show
      if (op === undefined) continue
      if (op.type === 'message') touched.set(e.idHex, true)
      else if (op.type === 'edit' || op.type === 'delete' || op.type === 'reaction') {
        const target = toHex(op.target)
        if (!touched.has(target)) touched.set(target, false)
      }
    }
    const changes: IndexedChange[] = []
    for (const [id, isNew] of touched) {
      // an edit whose message has not arrived renders nothing yet: it is applied when the message comes
      const message = log.view.message(id)
      if (message !== undefined) changes.push({ message, isNew })
    }
    this.index.update(
      log.id,
      indexedMessages(
        log,
        changes.map((c) => c.message)
      ),
      log.size
    )
    return changes
  }
}

function indexedMessages(log: GroupLog, messages: Message[]): IndexedMessage[] {
  return messages.map((message) => {
    const entry = log.get(message.id) as LogEntry
    return { message, key: orderKey({ clock: entry.clock, author: fromHex(entry.authorHex), id: entry.id }) }
  })
}
