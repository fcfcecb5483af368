/**
 * What a batch of new (or newly readable) entries changed in what a group
 * shows, for the event stream (`causette tail`, `causette start`): the
 * messages the batch adds, and those its edits, deletes, reactions, pins,
 * votes and closes change, rendered from the group's view, which the store wrote with the
 * entries. Batches are rendered in the order they came, so a stream never
 * shows an edit before the message it edits.
 */
import { type GroupLog, type LogEntry, type Message, type Operation, toHex } from '@causette/core'

export interface MessageChange {
  message: Message
  /** First time this message is seen (else an edit, delete, reaction, pin, vote or close changed it). */
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
      const target = targetOf(op)
      if (op.type === 'message') touched.set(e.idHex, true)
      else if (target !== undefined && !touched.has(target)) touched.set(target, false)
    }
    const render = this.rendering.then(() => renderChanges(log, touched))
    this.rendering = render.catch(() => undefined)
    return render
  }
}

/** The message an operation changes (hex id), if it changes one. */
function targetOf(op: Operation): string | undefined {
  switch (op.type) {
    case 'edit':
    case 'delete':
    case 'reaction':
    case 'pin':
      return toHex(op.target)
    case 'vote':
    case 'close-poll':
      return toHex(op.poll)
    default:
      return undefined
  }
}

async function renderChanges(log: GroupLog, touched: Map<string, boolean>): Promise<MessageChange[]> {
  // one read for the batch (a sync batch touches a thousand messages)
  const shown = await log.view.messagesById([...touched.keys()])
  const changes: MessageChange[] = []
  for (const [id, isNew] of touched) {
    // an edit whose message has not arrived (or is hidden) shows nothing yet: the message shows when it comes
    const message = shown.get(id)
    if (message !== undefined) changes.push({ message, isNew })
  }
  return changes
}
