/**
 * The one total order every replica agrees on: by Lamport clock, then author
 * key, then entry id. Parents always sort before their children, because a
 * child's clock is larger than each parent's.
 */
import { ENTRY_ID_BYTES, PUBLIC_KEY_BYTES } from '../constants.ts'

/** What the order needs of an entry, in the hex form the log keeps in memory. */
export interface Ordered {
  clock: number
  authorHex: string
  idHex: string
}

/** The same fields as bytes, as a decoded entry has them. */
export interface OrderFields {
  clock: number
  author: Uint8Array
  id: Uint8Array
}

export function compareOrder(a: Ordered, b: Ordered): number {
  if (a.clock !== b.clock) return a.clock < b.clock ? -1 : 1
  // lowercase hex of equal length sorts as the bytes do
  if (a.authorHex !== b.authorHex) return a.authorHex < b.authorHex ? -1 : 1
  return a.idHex < b.idHex ? -1 : a.idHex > b.idHex ? 1 : 0
}

export const ORDER_KEY_BYTES = 8 + PUBLIC_KEY_BYTES + ENTRY_ID_BYTES

/**
 * The order as bytes (clock big-endian, author, id): stores sort and page by
 * it with a plain byte comparison, and sync ranges are bounded by it.
 */
export function orderKey(e: OrderFields): Uint8Array {
  const key = nextKey()
  writeClock(key, e.clock)
  key.set(e.author, 8)
  key.set(e.id, 8 + PUBLIC_KEY_BYTES)
  return key
}

/**
 * Keys are cut from shared blocks of KEYS_PER_BLOCK: a key is 72 bytes, over
 * the 64 that V8 keeps in its own heap, so one array each was an allocation
 * outside it (and its release) per key made, ~4 % of taking in a sync's
 * entries (test/bench/RESULTS.md). A key kept for long outside a store
 * (an order summary's bounds, the view's registers) is copied
 * (`keptOrderKey`), so that it does not hold its whole block.
 */
const KEYS_PER_BLOCK = 64
let block = new Uint8Array(0)
let used = 0

function nextKey(): Uint8Array {
  if (used === block.byteLength) {
    block = new Uint8Array(ORDER_KEY_BYTES * KEYS_PER_BLOCK)
    used = 0
  }
  const key = block.subarray(used, used + ORDER_KEY_BYTES)
  used += ORDER_KEY_BYTES
  return key
}

/** A copy of an order key that holds no more memory than itself: for a key kept for long (see KEYS_PER_BLOCK). */
export function keptOrderKey(key: Uint8Array): Uint8Array {
  return key.byteLength === key.buffer.byteLength ? key : key.slice()
}

/** Writes the clock big-endian into the first 8 bytes of an order key (or a bound's bytes): byte by byte, with no BigInt or DataView to allocate, as several keys are made per accepted entry. */
export function writeClock(key: Uint8Array, clock: number): void {
  const high = Math.floor(clock / 2 ** 32)
  const low = clock >>> 0
  key[0] = high >>> 24
  key[1] = (high >>> 16) & 0xff
  key[2] = (high >>> 8) & 0xff
  key[3] = high & 0xff
  key[4] = low >>> 24
  key[5] = (low >>> 16) & 0xff
  key[6] = (low >>> 8) & 0xff
  key[7] = low & 0xff
}

/** The clock at the start of an order key. */
function clockOfKey(key: Uint8Array): number {
  const high = (((key[0] as number) << 24) | ((key[1] as number) << 16) | ((key[2] as number) << 8) | (key[3] as number)) >>> 0
  const low = (((key[4] as number) << 24) | ((key[5] as number) << 16) | ((key[6] as number) << 8) | (key[7] as number)) >>> 0
  return high * 2 ** 32 + low
}

/** The entry id at the end of an order key (a view of it). */
export function idOfOrderKey(key: Uint8Array): Uint8Array {
  return key.subarray(8 + PUBLIC_KEY_BYTES, ORDER_KEY_BYTES)
}

/** Reads clock, author and id back out of an order key. */
export function fromOrderKey(key: Uint8Array): OrderFields {
  return {
    clock: clockOfKey(key),
    author: key.subarray(8, 8 + PUBLIC_KEY_BYTES),
    id: key.subarray(8 + PUBLIC_KEY_BYTES, ORDER_KEY_BYTES)
  }
}
