/**
 * What a group shows, kept in its store as rows (view-rows.ts) and read a
 * page at a time: an open group holds only the group's registers in memory
 * (name, topic, description, each member's display name and read marker:
 * bounded by members, not history). Accepted entries are noted as they are
 * committed and their rows written with their batch (`flush`); what the
 * reader hides (removal gaps, blocked members) is passed to every read, so
 * a change of it rewrites nothing: the registers are read again (`refresh`).
 *
 * ```ts
 * const page = await log.view.messages({ limit: 50 })
 * const older = await log.view.messages({ limit: 50, before: page.messages[0]?.id })
 * ```
 */
import { compare } from 'uint8arrays/compare'
import { fromHex, toHex } from '../codec/hex.ts'
import { keptOrderKey } from '../log/order.ts'
import type { Store } from '../store/store.ts'
import type { GroupMetadata, Message, MessagePage, ViewEntry } from './message-types.ts'
import type { FileRef } from './operations.ts'
import { readPinned } from './pinned.ts'
import { type RenderedRegisters, renderMessages, renderPage, renderRegisters } from './view-render.ts'
import { type HiddenRange, type MessageRows, type RegisterRow, rowHidden, rowsAt, rowsOf, type ViewRow } from './view-rows.ts'

/** Messages read per page by the whole-view reads (count, snapshot). */
const SCAN_PAGE = 1000

export interface StoredViewComponents {
  groupId: Uint8Array
  store: Store
  /** What the reader leaves out now. */
  hidden(): readonly HiddenRange[]
  /** The wall clock (ms): a disappearing message past its deadline is never shown, even before its body is erased. */
  now?: () => number
}

export interface ViewSnapshot {
  metadata: GroupMetadata
  messages: Message[]
  readMarkers: [string, string][]
  names: [string, string][]
}

export interface KeyedMessage {
  message: Message
  /** Its entry's order key (log/order.ts). */
  key: Uint8Array
}

export class StoredView {
  private readonly components: StoredViewComponents
  /** The winning row of each register: group registers by name, per-member ones by name + author. */
  private readonly registers = new Map<string, RegisterRow>()
  private rendered?: RenderedRegisters
  /** Rows of entries committed since the last flush. */
  private unwritten: ViewRow[] = []
  /** Entries whose rows went to the store with them (this device's own, see `stored`). */
  private readonly written = new Set<string>()

  constructor(components: StoredViewComponents) {
    this.components = components
  }

  /** Notes a committed entry this device can read: its rows go to the store with its batch (`take`) or at the next flush; the registers change now. */
  note(entry: ViewEntry & { id: Uint8Array }, key?: Uint8Array): void {
    const rows = key === undefined ? rowsOf(entry) : rowsAt(entry, key)
    const written = this.written.delete(entry.idHex)
    if (rows.length === 0) return
    const hidden = this.components.hidden()
    for (const row of rows) {
      if (!written) this.unwritten.push(row)
      if (row.kind === 'register' && !rowHidden(hidden, row)) this.keep(row)
    }
  }

  /** Says that the rows of the entry about to be noted are stored already, with it (`rowsOf`, passed to Store.putEntries). */
  stored(idHex: string): void {
    this.written.add(idHex)
  }

  /** The rows noted and not yet written, for the store to write with their batch of entries. */
  take(): ViewRow[] {
    const rows = this.unwritten
    this.unwritten = []
    return rows
  }

  /** Writes the rows noted since the last flush (or drops them: `write` false, for entries whose rows the store holds already). */
  async flush(write = true): Promise<void> {
    const rows = this.take()
    if (write && rows.length > 0) await this.components.store.putViewRows(this.components.groupId, rows)
  }

  /** Reads the registers again: what the reader hides changed. */
  async refresh(): Promise<void> {
    this.registers.clear()
    this.rendered = undefined
    for (const row of await this.components.store.registerRows(this.components.groupId, this.components.hidden())) this.keep(row)
  }

  /** Lowers a message's shown time (an answer to it was written earlier than its author's clock says). */
  async lowerShownTime(idHex: string, time: number): Promise<void> {
    await this.components.store.setShownTimes(this.components.groupId, [{ id: fromHex(idHex), shownTime: time }])
  }

  /** The newest `limit` messages (all by default), or those before the message `before`; empty when `before` is not shown. */
  async messages(options: { limit?: number; before?: string } = {}): Promise<MessagePage> {
    const { groupId, store } = this.components
    const hidden = this.components.hidden()
    let before: Uint8Array | undefined
    if (options.before !== undefined) {
      const anchor = (await store.messageRowsById(groupId, [fromHex(options.before)], hidden)).messages[0]
      if (anchor === undefined) return { messages: [], hasOlder: false }
      before = anchor.key
    }
    if (options.limit === undefined) return { messages: (await this.all(before)).map((m) => m.message), hasOlder: false }
    return renderPage(this.live(await store.messageRows(groupId, { limit: options.limit, hidden, ...(before === undefined ? {} : { before }) })))
  }

  async message(idHex: string): Promise<Message | undefined> {
    return (await this.keyedMessage(idHex))?.message
  }

  /** The shown messages among these (hex ids), in one read: a message not held, hidden or gone is left out. */
  async messagesById(idHexes: readonly string[]): Promise<Map<string, Message>> {
    const shown = new Map<string, Message>()
    if (idHexes.length === 0) return shown
    const rows = await this.components.store.messageRowsById(
      this.components.groupId,
      idHexes.map((id) => fromHex(id)),
      this.components.hidden()
    )
    for (const message of renderMessages(this.live(rows))) shown.set(message.id, message)
    return shown
  }

  /** A shown message with its order key (log/order.ts). */
  async keyedMessage(idHex: string): Promise<KeyedMessage | undefined> {
    const rows = this.live(await this.components.store.messageRowsById(this.components.groupId, [fromHex(idHex)], this.components.hidden()))
    return keyed(rows)[0]
  }

  /** Every shown message with its order key, oldest first (reads them all, a page at a time: for checks, not for screens). */
  keyedMessages(): Promise<KeyedMessage[]> {
    return this.all()
  }

  /** The first `limit` shown messages after the order key `after` (from the first without it), oldest first: a history read forwards, as an export does. */
  async messagesAfter(limit: number, after: Uint8Array = new Uint8Array(0)): Promise<KeyedMessage[]> {
    const rows = await this.components.store.messageRowsAfter(this.components.groupId, { after, limit, hidden: this.components.hidden() })
    return keyed(this.live(rows))
  }

  /** The files a held message carries, deleted or not (what to forget once it is deleted). */
  async filesOf(idHex: string): Promise<FileRef[]> {
    const rows = await this.components.store.messageRowsById(this.components.groupId, [fromHex(idHex)], [])
    return rows.messages[0]?.files ?? []
  }

  /** The pinned messages, the latest pinned first (pinned.ts); never a deleted or hidden one. */
  pinnedMessages(): Promise<Message[]> {
    return readPinned(this.components.store, this.components.groupId, this.components.hidden())
  }

  /** How many messages are shown (deleted ones too: they show as deleted). */
  countMessages(): Promise<number> {
    return this.components.store.countMessageRows(this.components.groupId, this.components.hidden())
  }

  /** Full hex ids of the group's messages starting with `prefix` (lowercase hex): at most two, enough to tell one from several. */
  async idsStartingWith(prefix: string): Promise<string[]> {
    const odd = prefix.length % 2 === 1
    const from = fromHex(odd ? `${prefix}0` : prefix)
    // every id starting with the prefix sorts in [from, to)
    const to = followingPrefix(fromHex(odd ? `${prefix}f` : prefix))
    const ids = await this.components.store.messageIds(this.components.groupId, { from, limit: 2, ...(to === undefined ? {} : { to }) })
    return ids.map(toHex)
  }

  metadata(): GroupMetadata {
    return this.render().metadata
  }

  /** Display names members chose, by device key. */
  displayNames(): Map<string, string> {
    return new Map(this.render().displayNames)
  }

  /** Each member's read marker: the id of the newest message they have read. */
  readMarkersByAuthor(): Map<string, string> {
    return new Map(this.render().readMarkers)
  }

  /** Everything the view shows, in a form two replicas can compare. */
  async snapshot(): Promise<ViewSnapshot> {
    const byKey = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : 1)
    return {
      metadata: this.metadata(),
      messages: (await this.all()).map((m) => m.message),
      readMarkers: [...this.readMarkersByAuthor()].sort(byKey),
      names: [...this.displayNames()].sort(byKey)
    }
  }

  /** Every shown message before `before` (all by default), oldest first. */
  private async all(before?: Uint8Array): Promise<KeyedMessage[]> {
    const { groupId, store } = this.components
    const hidden = this.components.hidden()
    const pages: KeyedMessage[][] = []
    let end = before
    for (;;) {
      const rows = await store.messageRows(groupId, { limit: SCAN_PAGE, hidden, ...(end === undefined ? {} : { before: end }) })
      pages.unshift(keyed(this.live(rows)))
      if (!rows.hasOlder || rows.messages.length === 0) break
      end = (rows.messages[0] as { key: Uint8Array }).key
    }
    return pages.flat()
  }

  /** The rows without messages past their deadline (chat/disappearing.ts): the moment one is due it is gone, whether or not the log has erased it yet. */
  private live(rows: MessageRows): MessageRows {
    const now = (this.components.now ?? Date.now)()
    if (!rows.messages.some((m) => m.expires !== undefined && m.expires <= now)) return rows
    return { ...rows, messages: rows.messages.filter((m) => m.expires === undefined || m.expires > now) }
  }

  private keep(row: RegisterRow): void {
    const slot = row.name === 'display-name' || row.name === 'read' ? `${row.name}\n${row.author}` : row.name
    const current = this.registers.get(slot)
    if (current !== undefined && compare(current.key, row.key) >= 0) return
    // a key the log made may be part of a shared block (order.ts)
    this.registers.set(slot, { ...row, key: keptOrderKey(row.key) })
    this.rendered = undefined
  }

  private render(): RenderedRegisters {
    this.rendered ??= renderRegisters([...this.registers.values()])
    return this.rendered
  }
}

/** Rendered messages of a page of rows, each with its order key. */
function keyed(rows: MessageRows): KeyedMessage[] {
  return renderMessages(rows).map((message, i) => ({ message, key: (rows.messages[i] as { key: Uint8Array }).key }))
}

/** The smallest byte string greater than every string starting with `prefix`; undefined if there is none (all 0xff). */
function followingPrefix(prefix: Uint8Array): Uint8Array | undefined {
  const out = prefix.slice()
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 0xff) {
      out[i] = (out[i] as number) + 1
      return out.subarray(0, i + 1)
    }
  }
  return undefined
}
