/**
 * Checks of request bodies and query strings, strict by design: unknown
 * fields, wrong types and out-of-range values are refused with an
 * InvalidRequestError that names the field and says what it must be.
 */
import { InvalidRequestError } from '../errors.ts'

export type Fields = Record<string, unknown>

/** The body as an object holding only `allowed` fields. */
export function fields(body: unknown, allowed: readonly string[]): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequestError('the request body must be a JSON object')
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw new InvalidRequestError(
        allowed.length === 0
          ? `unexpected field "${key}": this request takes none`
          : `unexpected field "${key}"; the fields are ${allowed.join(', ')}`
      )
    }
  }
  return body as Fields
}

export function text(from: Fields, key: string, limits: { max: number; blank?: boolean }): string {
  const value = from[key]
  if (typeof value !== 'string') throw new InvalidRequestError(`"${key}" must be a string`)
  if (limits.blank !== true && value.trim() === '') throw new InvalidRequestError(`"${key}" is empty`)
  if (value.length > limits.max) throw new InvalidRequestError(`"${key}" is ${value.length} characters long; the limit is ${limits.max}`)
  return value
}

export function optionalText(from: Fields, key: string, limits: { max: number }): string | undefined {
  return from[key] === undefined ? undefined : text(from, key, limits)
}

export function optionalBoolean(from: Fields, key: string): boolean | undefined {
  const value = from[key]
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw new InvalidRequestError(`"${key}" must be true or false`)
  return value
}

export function optionalInteger(from: Fields, key: string, range: { min: number; max: number }): number | undefined {
  const value = from[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new InvalidRequestError(`"${key}" must be a whole number from ${range.min} to ${range.max}`)
  }
  return value
}

/** A hex id or the start of one (at least `min` digits). */
export function optionalHexPrefix(value: string | undefined, key: string, min = 4): string | undefined {
  if (value === undefined) return undefined
  const lower = value.toLowerCase()
  if (!/^[0-9a-f]+$/.test(lower) || lower.length < min || lower.length > 64) {
    throw new InvalidRequestError(`"${key}" must be a message id, or at least its first ${min} hex digits`)
  }
  return lower
}

/** Only the query parameters in `allowed`, each at most once. */
export function query(params: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of params) {
    if (!allowed.includes(key)) {
      throw new InvalidRequestError(
        allowed.length === 0 ? `unexpected query parameter "${key}"` : `unexpected query parameter "${key}"; the parameters are ${allowed.join(', ')}`
      )
    }
    if (out.has(key)) throw new InvalidRequestError(`query parameter "${key}" is given twice`)
    out.set(key, value)
  }
  return out
}

export function queryInteger(params: Map<string, string>, key: string, range: { min: number; max: number; default: number }): number {
  const raw = params.get(key)
  if (raw === undefined) return range.default
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN
  if (!(value >= range.min && value <= range.max)) throw new InvalidRequestError(`"${key}" must be a whole number from ${range.min} to ${range.max}`)
  return value
}
