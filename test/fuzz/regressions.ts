/**
 * Inputs that once made a fuzz target fail, kept as JSON files under
 * regressions/<target>/ and replayed before any new input. Bytes are written
 * as {"hex": "…"} so the files read and diff as text.
 */

import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = new URL('./regressions/', import.meta.url).pathname

export interface Regression {
  file: string
  input: unknown
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
  return raw instanceof Uint8Array ? { hex: Buffer.from(raw).toString('hex') } : value
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === 'hex' && typeof (value as { hex: unknown }).hex === 'string') {
      return new Uint8Array(Buffer.from((value as { hex: string }).hex, 'hex'))
    }
  }
  return value
}
