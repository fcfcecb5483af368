/** The chat as rows for the virtualised list: a day separator before the first message of each day, then the messages. */
import type { Message } from '@causette/core'
import { dayLabel, sameDay } from './day-separators.ts'

export type ChatRow = { kind: 'day'; key: string; label: string } | { kind: 'message'; key: string; message: Message }

export function chatRows(messages: readonly Message[]): ChatRow[] {
  const rows: ChatRow[] = []
  messages.forEach((message, i) => {
    const previous = messages[i - 1]
    if (previous === undefined || !sameDay(previous.time, message.time))
      rows.push({ kind: 'day', key: `day:${message.id}`, label: dayLabel(message.time) })
    rows.push({ kind: 'message', key: message.id, message })
  })
  return rows
}
