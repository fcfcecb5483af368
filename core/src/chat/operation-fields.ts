/**
 * Reading the fields of an operation from another device: each checks its
 * type and bounds and says which field is wrong (MalformedOperationError).
 * operations.ts decodes each operation with these.
 */
import {
  ENTRY_ID_BYTES,
  MAX_DISAPPEARING_MS,
  MAX_FILE_NAME_LENGTH,
  MAX_FILE_SIZE,
  MAX_FILE_TYPE_LENGTH,
  MAX_FILES_PER_MESSAGE,
  MAX_MENTIONS,
  MAX_POLL_OPTION_LENGTH,
  MAX_POLL_OPTIONS,
  MAX_THUMB_BYTES,
  MIN_GROUP_TIMER_S,
  MIN_POLL_OPTIONS,
  PUBLIC_KEY_BYTES
} from '../constants.ts'
import { MalformedOperationError } from '../errors.ts'
import type { FileRef, PollSpec } from './operations.ts'

export function text(m: Record<string, unknown>, field: string, max: number): string {
  const v = m[field]
  if (typeof v !== 'string') throw new MalformedOperationError(`operation field "${field}" must be text`)
  if (v.length > max) throw new MalformedOperationError(`operation field "${field}" is ${v.length} characters; the limit is ${max}`)
  return v
}

export function bytesField(m: Record<string, unknown>, field: string, length: number): Uint8Array {
  const v = m[field]
  if (!(v instanceof Uint8Array) || v.byteLength !== length) {
    throw new MalformedOperationError(`operation field "${field}" must be ${length} bytes`)
  }
  return v
}

export function keyList(m: Record<string, unknown>, field: string): Uint8Array[] {
  const v = m[field]
  if (!Array.isArray(v) || v.length > MAX_MENTIONS) {
    throw new MalformedOperationError(`operation field "${field}" must be a list of at most ${MAX_MENTIONS} keys`)
  }
  for (const key of v) {
    if (!(key instanceof Uint8Array) || key.byteLength !== PUBLIC_KEY_BYTES) {
      throw new MalformedOperationError(`operation field "${field}" must hold ${PUBLIC_KEY_BYTES}-byte keys`)
    }
  }
  return v as Uint8Array[]
}

export function pollSpec(v: unknown): PollSpec {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new MalformedOperationError('message field "poll" must be a map of options and multiple')
  }
  const p = v as Record<string, unknown>
  if (typeof p.multiple !== 'boolean') throw new MalformedOperationError('poll "multiple" must be true or false')
  const options = p.options
  if (!Array.isArray(options) || options.length < MIN_POLL_OPTIONS || options.length > MAX_POLL_OPTIONS) {
    throw new MalformedOperationError(`poll "options" must be a list of ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} texts`)
  }
  for (const option of options) {
    if (typeof option !== 'string' || option.trim().length === 0 || option.length > MAX_POLL_OPTION_LENGTH) {
      throw new MalformedOperationError(`each poll option must be text of 1 to ${MAX_POLL_OPTION_LENGTH} characters, not blank`)
    }
  }
  return { options: options as string[], multiple: p.multiple }
}

/** Option indexes, strictly ascending: one way to write each choice, so two votes that mean the same are equal. */
export function choiceList(v: unknown): number[] {
  if (!Array.isArray(v) || v.length > MAX_POLL_OPTIONS) {
    throw new MalformedOperationError(`vote "choices" must be a list of at most ${MAX_POLL_OPTIONS} option indexes`)
  }
  let last = -1
  for (const choice of v) {
    if (!Number.isInteger(choice) || (choice as number) <= last || (choice as number) >= MAX_POLL_OPTIONS) {
      throw new MalformedOperationError(`vote "choices" must be option indexes from 0 to ${MAX_POLL_OPTIONS - 1}, ascending, each once`)
    }
    last = choice as number
  }
  return v as number[]
}

/** The files of a message: 1 to MAX_FILES_PER_MESSAGE, each with every field checked. */
export function fileList(v: unknown): FileRef[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_FILES_PER_MESSAGE) {
    throw new MalformedOperationError(`message "files" must list 1 to ${MAX_FILES_PER_MESSAGE} files`)
  }
  return v.map((f): FileRef => {
    if (typeof f !== 'object' || f === null || Array.isArray(f) || f instanceof Uint8Array) throw new MalformedOperationError('each file is a map')
    const m = f as Record<string, unknown>
    const ref: FileRef = {
      name: text(m, 'name', MAX_FILE_NAME_LENGTH),
      type: text(m, 'type', MAX_FILE_TYPE_LENGTH),
      size: wholeNumber(m, 'size', MAX_FILE_SIZE),
      root: bytesField(m, 'root', ENTRY_ID_BYTES),
      key: bytesField(m, 'key', 32)
    }
    if (ref.name.trim() === '') throw new MalformedOperationError('a file needs a name')
    if (m.thumb !== undefined) {
      if (!(m.thumb instanceof Uint8Array) || m.thumb.byteLength > MAX_THUMB_BYTES) {
        throw new MalformedOperationError(`a file's "thumb" is at most ${MAX_THUMB_BYTES} bytes`)
      }
      ref.thumb = m.thumb
    }
    if (m.width !== undefined) ref.width = wholeNumber(m, 'width', 65_535)
    if (m.height !== undefined) ref.height = wholeNumber(m, 'height', 65_535)
    if (m.duration !== undefined) ref.duration = wholeNumber(m, 'duration', 86_400_000)
    return ref
  })
}

export function wholeNumber(m: Record<string, unknown>, field: string, max: number): number {
  const v = m[field]
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > max) {
    throw new MalformedOperationError(`operation field "${field}" must be a whole number from 0 to ${max}`)
  }
  return v as number
}

/** A group timer: 0 (off), or 5 minutes to 4 weeks, in whole seconds. */
export function timerSeconds(v: unknown): number {
  if (v === 0) return 0
  if (!Number.isInteger(v) || (v as number) < MIN_GROUP_TIMER_S || (v as number) * 1000 > MAX_DISAPPEARING_MS) {
    throw new MalformedOperationError(
      `metadata "disappearing" must be 0 (off) or whole seconds from ${MIN_GROUP_TIMER_S} (5 minutes) to ${MAX_DISAPPEARING_MS / 1000} (4 weeks)`
    )
  }
  return v as number
}
