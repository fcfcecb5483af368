/**
 * Keeps the message index (store/message-index.ts) equal to each open
 * group's view: on every batch of entries it notes the messages those
 * entries touch (a new message, the target of an edit, delete or reaction,
 * and any message whose waiting edits the batch released) and writes their
 * current rendering soon after, many batches in one transaction; when the
 * log rebuilds its view (a removal hid entries, the block list changed) it
 * rewrites the group's rows from the view at the next flush; on opening a
 * group it rebuilds the group's rows if they lag its log (the daemon died
 * between an entry commit and the index write). Whoever reads the index
 * flushes it first.
 *
 * The rows' words are indexed in bulk (store/message-index.ts): once
 * WORDS_AT_ONCE rows are pending, or when nothing was written for
 * WORDS_WHEN_IDLE_MS; a search indexes what is pending itself.
 */
import { type GroupLog, type LogEntry, type Message, toHex } from '@causette/core'
import type { IndexedMessage, MessageIndex } from '../store/message-index.ts'

/** Rows pending that get their words indexed at once: bulk indexing costs little, and a search then waits for little. */
export const WORDS_AT_ONCE = 2000
/** Quiet time after the last write before the pending rows' words are indexed. */
export const WORDS_WHEN_IDLE_MS = 300

export interface IndexedChange {
  message: Message
  /** First time this message is seen (else an edit, delete or reaction changed it). */
  isNew: boolean
}

export class MessageIndexer {
  private readonly index: MessageIndex
  /** Messages changed since the last write, by group, rendered: written together, soon after (see flush). */
  private readonly dirty = new Map<string, { log: GroupLog; messages: Map<string, IndexedMessage> }>()
  /** Groups whose view was rebuilt since the last write: all their rows are rewritten. */
  private readonly stale = new Map<string, GroupLog>()
  /** Renderings under way, in the order the batches came: a flush waits for them. */
  private rendering: Promise<unknown> = Promise.resolve()
  private scheduled = false
  private idleWords: ReturnType<typeof setTimeout> | undefined

  constructor(index: MessageIndex) {
    this.index = index
  }

  /** Brings the group's rows up to date with its freshly opened log; true if they had to be rebuilt. */
  async catchUp(log: GroupLog): Promise<boolean> {
    await this.flush()
    if (this.index.indexedEntries(log.id) === log.size) return false
    await this.rebuild(log)
    return true
  }

  /** Rewrites every row of the group from its view (after the log rebuilt its view); returns how many messages it holds. */
  async rebuild(log: GroupLog): Promise<number> {
    this.dirty.delete(log.idHex)
    const size = log.size
    const messages = await log.view.keyedMessages()
    this.index.rebuild(log.id, messages, size)
    return messages.length
  }

  /**
   * Notes what these new entries changed and resolves with the changed
   * messages, in log order, read from the group's view. The rows are written
   * at the next flush: on the next turn of the event loop, so a burst of
   * gossip costs one transaction, or sooner when someone reads the index or
   * must see a write in it. Batches are rendered in the order they came.
   */
  apply(log: GroupLog, entries: readonly LogEntry[]): Promise<IndexedChange[]> {
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
    const size = log.size
    const render = this.rendering.then(() => this.render(log, touched, size))
    this.rendering = render.catch(() => undefined)
    return render
  }

  /**
   * Notes that the group's view was rebuilt from scratch: its rows are
   * rewritten at the next flush, once however many rebuilds a batch of
   * entries caused.
   */
  invalidate(log: GroupLog): void {
    this.stale.set(log.idHex, log)
    this.schedule()
  }

  /** Writes every change noted so far, with each group's entry count, once the renderings under way are done. */
  async flush(): Promise<void> {
    await this.rendering
    this.scheduled = false
    const stale = [...this.stale.values()]
    this.stale.clear()
    for (const log of stale) await this.rebuild(log)
    if (this.dirty.size === 0) return
    const groups = [...this.dirty.values()].map(({ log, messages }) => ({
      groupId: log.id,
      messages: [...messages.values()],
      entries: this.counts.get(log.idHex) ?? log.size
    }))
    this.dirty.clear()
    this.index.update(groups)
    this.considerWords()
  }

  /** The log's size when the latest batch noted for it was rendered: what the rows written reflect. */
  private readonly counts = new Map<string, number>()

  private async render(log: GroupLog, touched: Map<string, boolean>, size: number): Promise<IndexedChange[]> {
    const group = this.dirty.get(log.idHex) ?? { log, messages: new Map<string, IndexedMessage>() }
    this.dirty.set(log.idHex, group)
    const changes: IndexedChange[] = []
    for (const [id, isNew] of touched) {
      // an edit whose message has not arrived renders nothing yet: it is shown when the message comes
      const keyed = await log.view.keyedMessage(id)
      if (keyed === undefined) continue
      changes.push({ message: keyed.message, isNew })
      group.messages.set(id, keyed)
    }
    this.counts.set(log.idHex, size)
    this.schedule()
    return changes
  }

  /** Stops the idle indexing of words (what is pending stays noted in the store, for the next start or search). */
  stop(): void {
    clearTimeout(this.idleWords)
    this.idleWords = undefined
  }

  private considerWords(): void {
    if (this.index.wordsPending >= WORDS_AT_ONCE) {
      this.index.indexWords()
      return
    }
    if (this.index.wordsPending === 0) return
    if (this.idleWords !== undefined) {
      this.idleWords.refresh()
      return
    }
    this.idleWords = setTimeout(() => {
      this.idleWords = undefined
      try {
        this.index.indexWords()
      } catch {
        // the store closed under a stopping daemon: the rows stay pending, and are indexed at the next search
      }
    }, WORDS_WHEN_IDLE_MS)
    this.idleWords.unref()
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.flush().catch(() => {
        // the store closed under a stopping daemon, or failed: the rows lag, and the next start rebuilds them
      })
    })
  }
}
