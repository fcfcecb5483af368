/** Durations as people type them on the command line: 90s, 30m, 12h, 7d, 2w. */
import { InvalidDurationError } from '../errors.ts'

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

export function parseDuration(text: string): number {
  const match = /^(\d{1,6})\s*([smhdw])$/i.exec(text.trim())
  if (match === null) throw new InvalidDurationError(text)
  const ms = Number(match[1]) * (UNIT_MS[(match[2] as string).toLowerCase()] as number)
  if (ms <= 0) throw new InvalidDurationError(text)
  return ms
}
