/**
 * The messages of the chat as a virtualised list (@tanstack/solid-virtual):
 * however many are loaded, only those in view (and a few around) are in
 * the page, each measured as it is drawn. The list stays at the newest
 * message while the reader is there; elsewhere, the message being read
 * stays where it is on screen when older messages load above it or
 * anything changes.
 *
 * A row on screen is drawn once and kept while it stays in view: a new
 * message, a reaction, an edit or a measurement updates it in place, so
 * a voice note playing, a video, a selection or a focused button in it
 * carry on (rows are keyed by message id, not by the objects the view and
 * the virtualiser make afresh at each change).
 */
import type { Message } from '@causette/core'
import type { VirtualItem } from '@tanstack/solid-virtual'
import { createVirtualizer } from '@tanstack/solid-virtual'
import { type Component, createEffect, createMemo, For, type JSX, on, Show, untrack } from 'solid-js'
import { type ChatRow, chatRows } from './chat-rows.ts'

interface MessageListProps {
  messages: readonly Message[]
  label: string
  /** What goes above the list, inside the scrolling area (older messages, a note). */
  header: JSX.Element
  /** Draws a message once; `message` gives its current state (reactions, edits) as it changes. */
  renderMessage: (message: () => Message) => JSX.Element
}

/** How close to the end (px) still counts as reading the newest messages. */
const AT_END_PX = 48

export const MessageList: Component<MessageListProps> = (props) => {
  let scroller: HTMLElement | undefined
  let list: HTMLOListElement | undefined
  let atEnd = true
  // where the list starts in the scrolling area, below the header, px (offsetTop would be against the page, not the scroller)
  const listTop = (): number =>
    list === undefined || scroller === undefined ? 0 : list.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop
  const rows = createMemo(() => chatRows(props.messages))
  const rowsByKey = createMemo(() => new Map(rows().map((row) => [row.key, row])))
  const virtualizer = createVirtualizer({
    get count() {
      return rows().length
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: (i) => (rows()[i]?.kind === 'day' ? 36 : 96),
    // a new function for each list of rows: the virtualiser measures again when the keys change, not only when the count does
    // (a full page keeps its count as a new message pushes the oldest out)
    get getItemKey() {
      const now = rows()
      return (i: number) => now[i]?.key ?? i
    },
    overscan: 8,
    // a row measured or scrolled past: where the reader is may have moved on screen
    onChange: () => untrack(() => rows() === settled && noteReading()),
    // the header above the list scrolls with it
    get scrollMargin() {
      return listTop()
    }
  })
  // the rows in view by key: the same key keeps its drawing, however often the virtualiser makes new items
  const shownItems = createMemo(() => new Map(virtualizer.getVirtualItems().map((item) => [rows()[item.index]?.key ?? String(item.key), item])))
  const shownKeys = createMemo(() => [...shownItems().keys()], [], { equals: (a, b) => a.length === b.length && a.every((key, i) => key === b[i]) })
  const toEnd = (): void => {
    const last = rows().length - 1
    if (last >= 0) virtualizer.scrollToIndex(last, { align: 'end' })
  }
  // where a row is in the scrolling area: the virtualiser's offsets are against the header's height when it last read it
  const inScroller = (offset: number): number => offset - virtualizer.options.scrollMargin + listTop()
  // the message the reader is on (the first in view) and how far below the top of the view it is, px
  let reading: { key: string; offset: number } | undefined
  // the rows the place above was taken in: a change of rows moves the list first, then the place is taken again
  let settled: ChatRow[] | undefined
  const noteReading = (): void => {
    if (scroller === undefined) return
    const top = scroller.scrollTop
    const all = rows()
    // the row at the top of the view, found in the measurements (not the items drawn: those follow the scroll only after this
    // handler has run); past it, when it is a day's separator or all but scrolled away, the message below
    const measured = virtualizer.measurementsCache
    let item = virtualizer.getVirtualItemForOffset(top - listTop() + virtualizer.options.scrollMargin)
    while (item !== undefined && (all[item.index]?.kind !== 'message' || inScroller(item.end) <= top)) item = measured[item.index + 1]
    const row = item === undefined ? undefined : all[item.index]
    reading = item === undefined || row === undefined ? undefined : { key: row.key, offset: inScroller(item.start) - top }
  }
  createEffect(
    on(rows, (now, before) => {
      if (before === undefined || atEnd) {
        queueMicrotask(() => {
          settled = now
          toEnd()
        })
        return
      }
      // older messages came in above, or a message changed: the message being read stays where it was on screen
      const held = reading
      const index = held === undefined ? -1 : now.findIndex((r) => r.key === held.key)
      queueMicrotask(() => {
        settled = now
        const item = index < 0 ? undefined : virtualizer.measurementsCache[index]
        if (held !== undefined && item !== undefined) virtualizer.scrollToOffset(inScroller(item.start) - held.offset)
        noteReading()
      })
    })
  )
  const onScroll = (): void => {
    if (scroller === undefined) return
    atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < AT_END_PX
    noteReading()
  }
  return (
    <section class="messages" tabindex="0" aria-label={props.label} ref={scroller} onScroll={onScroll}>
      {props.header}
      <Show when={rows().length > 0} fallback={<p class="hint">No messages yet. Say hello!</p>}>
        <ol class="message-list" ref={list} style={{ height: `${virtualizer.getTotalSize()}px` }}>
          <For each={shownKeys()}>
            {(key) => {
              const item = (): VirtualItem | undefined => shownItems().get(key)
              return (
                <li
                  class="chat-row"
                  data-index={item()?.index}
                  ref={(el) => queueMicrotask(() => el.isConnected && virtualizer.measureElement(el))}
                  style={{ transform: `translateY(${(item()?.start ?? 0) - virtualizer.options.scrollMargin}px)` }}
                >
                  <Row row={() => rowsByKey().get(key)} renderMessage={props.renderMessage} />
                </li>
              )
            }}
          </For>
        </ol>
      </Show>
    </section>
  )
}

/** One row: a day's separator, or a message drawn once and updated in place as it changes. */
const Row: Component<{ row: () => ChatRow | undefined; renderMessage: (message: () => Message) => JSX.Element }> = (props) => {
  const first = props.row()
  if (first === undefined) return null
  if (first.kind === 'day') {
    // worked out again with the rows: "Today" becomes "Yesterday" at the first change after midnight
    const label = (): string => {
      const row = props.row()
      return row?.kind === 'day' ? row.label : first.label
    }
    return <p class="day">{label()}</p>
  }
  let last = first.message
  const message = (): Message => {
    const row = props.row()
    // a row leaving the list keeps its last message until its drawing goes
    if (row?.kind === 'message') last = row.message
    return last
  }
  return props.renderMessage(message)
}
