/**
 * When a disappearing message goes, in words: what the CLI and the web app
 * both say. Imports nothing, so the CLI takes it alone
 * (`@causette/core/disappearing-words`) without loading core.
 */

/** When a disappearing message goes, as a person says it: "in 40 s", "in 4 min", "in 3 h", "in 2 days" (the CLI and the web app say it alike). */
export function disappearsIn(expires: number, now: number): string {
  const s = Math.max(0, Math.round((expires - now) / 1000))
  if (s < 60) return `in ${s} s`
  if (s < 3600) return `in ${Math.round(s / 60)} min`
  if (s < 86_400) return `in ${Math.round(s / 3600)} h`
  const days = Math.round(s / 86_400)
  return `in ${days} day${days === 1 ? '' : 's'}`
}
