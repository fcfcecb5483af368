/** Disappearing messages in words for the web app: the choices of timers (core's disappearsIn says when a message goes). */

/** A per-message timer (ms) to pick in the composer; 0: the group's timer, if any. */
export const MESSAGE_TIMERS: ReadonlyArray<{ ms: number; label: string }> = [
  { ms: 0, label: "Group's timer" },
  { ms: 10_000, label: '10 seconds' },
  { ms: 60_000, label: '1 minute' },
  { ms: 300_000, label: '5 minutes' },
  { ms: 3_600_000, label: '1 hour' },
  { ms: 86_400_000, label: '1 day' },
  { ms: 604_800_000, label: '1 week' }
]

/** The group timers an admin may set (seconds); 0 is off. */
export const GROUP_TIMERS: ReadonlyArray<{ seconds: number; label: string }> = [
  { seconds: 0, label: 'Off' },
  { seconds: 300, label: '5 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 28_800, label: '8 hours' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 604_800, label: '1 week' },
  { seconds: 2_419_200, label: '4 weeks' }
]

/** A group timer in words: the label of a known choice, else minutes. */
export function timerLabel(seconds: number): string {
  return GROUP_TIMERS.find((t) => t.seconds === seconds)?.label ?? `${Math.round(seconds / 60)} minutes`
}
