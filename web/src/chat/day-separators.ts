/** Day separators in the chat: "Today", "Yesterday", or the date in the person's locale. */

export function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString()
}

export function dayLabel(time: number, now = Date.now()): string {
  if (sameDay(time, now)) return 'Today'
  if (sameDay(time, now - 86_400_000)) return 'Yesterday'
  return new Date(time).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })
}

export function timeLabel(time: number): string {
  return new Date(time).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}
