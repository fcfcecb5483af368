/**
 * Key ranges over the compound keys of idb-schema.ts, and the bytes that go
 * in and come out. An array key sorts after every binary key, so
 * `[...prefix, []]` is above every key that starts with `prefix`.
 */
import { toHex } from '@causette/core'

/** Bytes as IndexedDB takes them, in a key or a value: on an ArrayBuffer (TypeScript's BufferSource). */
export type Bytes = Uint8Array<ArrayBuffer>

/** What a compound key holds. */
type KeyPart = IDBValidKey | Uint8Array

/** Sorts after every binary, string and number key. */
const ABOVE: IDBValidKey = []

/** Every key that starts with `prefix`. */
export function startingWith(...prefix: KeyPart[]): IDBKeyRange {
  return IDBKeyRange.bound(prefix, [...prefix, ABOVE])
}

/**
 * Keys `prefix + [x]` with x from `from` (or the first) to `to` (or the
 * last); undefined when the range is empty, which IDBKeyRange refuses.
 */
export function within(
  prefix: KeyPart[],
  bounds: { from?: KeyPart | undefined; fromOpen?: boolean; to?: KeyPart | undefined; toOpen?: boolean }
): IDBKeyRange | undefined {
  const lower = bounds.from === undefined ? prefix : [...prefix, bounds.from]
  const upper = bounds.to === undefined ? [...prefix, ABOVE] : [...prefix, bounds.to]
  const lowerOpen = bounds.from !== undefined && bounds.fromOpen === true
  const upperOpen = bounds.to !== undefined && bounds.toOpen === true
  const order = indexedDB.cmp(lower, upper)
  if (order > 0 || (order === 0 && (lowerOpen || upperOpen))) return undefined
  return IDBKeyRange.bound(lower, upper, lowerOpen, upperOpen)
}

/** Bytes to look up by: the same bytes, typed as IndexedDB takes them (copied only if on a shared buffer). */
export function keyBytes(bytes: Uint8Array): Bytes {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Bytes) : new Uint8Array(bytes)
}

/** A binary key as IndexedDB gives it back (an ArrayBuffer) as bytes. */
export function bytesOf(key: IDBValidKey | undefined): Uint8Array {
  if (key instanceof ArrayBuffer) return new Uint8Array(key)
  if (ArrayBuffer.isView(key)) return new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
  throw new TypeError('expected a binary key')
}

/**
 * Bytes as a value to store: a view of a larger buffer (an id inside an
 * entry's encoding) is copied, since storing a view stores its whole buffer.
 */
export function compact(bytes: Uint8Array): Bytes {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
  return whole && bytes.buffer instanceof ArrayBuffer ? (bytes as Bytes) : new Uint8Array(bytes)
}

/** A store keyed by [group, order key], as `entries` and `messages` are. */
interface KeyedByOrder {
  getKey(query: [Bytes, Bytes]): Promise<unknown>
  getAllKeys(query: IDBKeyRange, count?: number): Promise<Array<[Bytes, Bytes]>>
}

/**
 * Which of the order keys a store keyed by [group, key] holds. One read of
 * the keys between the lowest and highest of them answers when few others
 * lie between, as in a batch of new entries; else one lookup each.
 */
export async function heldKeys(store: KeyedByOrder, group: Bytes, keys: readonly Uint8Array[]): Promise<boolean[]> {
  if (keys.length === 0) return []
  const sorted = [...keys].sort((a, b) => indexedDB.cmp(a, b))
  const room = 2 * keys.length + 16
  const between = await store.getAllKeys(IDBKeyRange.bound([group, sorted[0]], [group, sorted.at(-1)]), room)
  if (between.length < room) {
    const held = new Set(between.map(([, key]) => toHex(bytesOf(key))))
    return keys.map((key) => held.has(toHex(key)))
  }
  return Promise.all(keys.map(async (key) => (await store.getKey([group, keyBytes(key)])) !== undefined))
}
