/**
 * What a batch of new (or newly readable) entries changed in what a group
 * shows, for the event stream (`causette tail`, `causette start`): the
 * messages the batch adds, and those its edits, deletes and reactions
 * change, rendered from the group's view, which the store wrote with the
 * entries. Batches are rendered in the order they came, so a stream never
 * shows an edit before the message it edits.
 */
import { type GroupLog, type LogEntry, type Message, toHex } from '@causette/core'

export interface MessageChange {
  message: Message
  /** First time this message is seen (else an edit, delete or reaction changed it). */
  isNew: boolean
}

export class MessageChanges {
  /** Renderings under way, in the order the batches came. */
  private rendering: Promise<unknown> = Promise.resolve()

  /** The messages these entries add or change, in log order, as the group's view now shows them. */
  of(log: GroupLog, entries: readonly LogEntry[]): Promise<MessageChange[]> {
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
    const render = this.rendering.then(() => renderChanges(log, touched))
    this.rendering = render.catch(() => undefined)
    return render
  }
}

async function renderChanges(log: GroupLog, touched: Map<string, boolean>): Promise<MessageChange[]> {
  const changes: MessageChange[] = []
  for (const [id, isNew] of touched) {
    // an edit whose message has not arrived (or is hidden) shows nothing yet: the message shows when it comes
    const message = await log.view.message(id)
    if (message !== undefined) changes.push({ message, isNew })
  }
  return changes
}
