/**
 * The messages of the chat as a virtualised list (@tanstack/solid-virtual):
 * however many are loaded, only those in view (and a few around) are in
 * the page, each measured as it is drawn. The list stays at the newest
 * message while the reader is there, and keeps the reader's place when
 * older messages are loaded above.
 */
import type { Message } from '@causette/core'
import { createVirtualizer } from '@tanstack/solid-virtual'
import { type Component, createEffect, createMemo, For, type JSX, on, Show } from 'solid-js'
import { type ChatRow, chatRows } from './chat-rows.ts'

interface MessageListProps {
  messages: readonly Message[]
  label: string
  /** What goes above the list, inside the scrolling area (older messages, a note). */
  header: JSX.Element
  renderMessage: (message: Message) => JSX.Element
}

/** How close to the end (px) still counts as reading the newest messages. */
const AT_END_PX = 48

export const MessageList: Component<MessageListProps> = (props) => {
  let scroller: HTMLElement | undefined
  let list: HTMLOListElement | undefined
  let atEnd = true
  const rows = createMemo(() => chatRows(props.messages))
  const virtualizer = createVirtualizer({
    get count() {
      return rows().length
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: (i) => (rows()[i]?.kind === 'day' ? 36 : 96),
    getItemKey: (i) => rows()[i]?.key ?? i,
    overscan: 8,
    // the header above the list scrolls with it
    get scrollMargin() {
      return list?.offsetTop ?? 0
    }
  })
  const toEnd = (): void => {
    const last = rows().length - 1
    if (last >= 0) virtualizer.scrollToIndex(last, { align: 'end' })
  }
  createEffect(
    on(rows, (now, before) => {
      if (before === undefined || atEnd) {
        queueMicrotask(toEnd)
        return
      }
      // older messages came in above: keep the row that was first where it was
      const first = before[0]?.key
      const index = first === undefined ? -1 : now.findIndex((r) => r.key === first)
      if (index > 0 && now[now.length - 1]?.key === before[before.length - 1]?.key)
        queueMicrotask(() => virtualizer.scrollToIndex(index, { align: 'start' }))
    })
  )
  const onScroll = (): void => {
    if (scroller !== undefined) atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < AT_END_PX
  }
  return (
    <section class="messages" tabindex="0" aria-label={props.label} ref={scroller} onScroll={onScroll}>
      {props.header}
      <Show when={rows().length > 0} fallback={<p class="hint">No messages yet. Say hello!</p>}>
        <ol class="message-list" ref={list} style={{ height: `${virtualizer.getTotalSize()}px` }}>
          <For each={virtualizer.getVirtualItems()}>
            {(item) => (
              <li
                class="chat-row"
                data-index={item.index}
                ref={(el) => queueMicrotask(() => virtualizer.measureElement(el))}
                style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
              >
                <Row row={rows()[item.index]} renderMessage={props.renderMessage} />
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  )
}

/** One row, drawn again when the row at its place changes (keyed: older messages loaded above shift every row). */
const Row: Component<{ row: ChatRow | undefined; renderMessage: (message: Message) => JSX.Element }> = (props) => (
  <Show when={props.row} keyed>
    {(row) => (row.kind === 'day' ? <p class="day">{row.label}</p> : props.renderMessage(row.message))}
  </Show>
)
