/** A file's size as a person reads it: "740 bytes", "12 KB", "3.4 MB" (powers of 1000, as core's limits are written). */
export function sizeLabel(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`
  if (bytes < 1_000_000_000) return `${round1(bytes / 1_000_000)} MB`
  return `${round1(bytes / 1_000_000_000)} GB`
}

/** A length in ms as "0:04" or "1:02:03". */
export function durationLabel(ms: number): string {
  const seconds = Math.round(ms / 1000)
  const s = String(seconds % 60).padStart(2, '0')
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}:${s}`
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${s}`
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
