/**
 * Inputs that once made a fuzz target fail, kept as JSON files under
 * regressions/<target>/ and replayed before any new input. Bytes are written
 * as {"hex": "…"} so the files read and diff as text, and a long text that
 * repeats one short piece as {"repeat": "…", "times": n}, so a 10 MB input
 * is a line, not 10 MB.
 */

import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = new URL('./regressions/', import.meta.url).pathname

export interface Regression {
  file: string
  input: unknown
}

/** Deletes every regression saved for `target` (a test's own target, once it has checked what was saved). */
export function forgetRegressions(target: string): void {
  rmSync(join(ROOT, target), { recursive: true, force: true })
}

export function loadRegressions(target: string): Regression[] {
  const dir = join(ROOT, target)
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()
  } catch {
    return []
  }
  return names.map((name) => {
    const file = join(dir, name)
    return { file, input: (JSON.parse(readFileSync(file, 'utf8'), revive) as { input: unknown }).input }
  })
}

/** Writes a failing input; returns the file's path. The same input always lands in the same file. */
export function saveRegression(target: string, input: unknown, failure: string): string {
  const body = JSON.stringify(input, replace)
  const name = `${createHash('sha256').update(body).digest('hex').slice(0, 12)}.json`
  const dir = join(ROOT, target)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, name)
  writeFileSync(
    file,
    `${JSON.stringify({ target, failure: failure.slice(0, 500), found: new Date().toISOString().slice(0, 10), input }, replace, 2)}\n`
  )
  return file
}

function replace(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key]
  if (raw instanceof Uint8Array) return { hex: Buffer.from(raw).toString('hex') }
  if (typeof raw === 'string' && raw.length > 1000) {
    for (let unit = 1; unit <= 16; unit++) {
      const piece: string = raw.slice(0, unit)
      if (raw.length % unit === 0 && piece.repeat(raw.length / unit) === raw) return { repeat: piece, times: raw.length / unit }
    }
  }
  return value
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as { hex?: unknown; repeat?: unknown; times?: unknown }
    const keys = Object.keys(value).sort().join()
    if (keys === 'hex' && typeof v.hex === 'string') return new Uint8Array(Buffer.from(v.hex, 'hex'))
    if (keys === 'repeat,times' && typeof v.repeat === 'string' && typeof v.times === 'number') return v.repeat.repeat(v.times)
  }
  return value
}
