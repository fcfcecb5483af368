/**
 * Safety numbers: digits two people compare out of band (read aloud, or by QR
 * code) to know that the key they talk to is the key of the person they mean.
 * Built as Signal builds them: SHA-512 iterated over the key, cut into groups
 * of five digits.
 */
import { sha512 } from '@noble/hashes/sha2.js'
import { compare } from 'uint8arrays/compare'
import { concat } from 'uint8arrays/concat'
import { FINGERPRINT_ITERATIONS } from '../constants.ts'
import { assertPublicKey } from './device-key.ts'

const VERSION = new Uint8Array([0, 1])
const GROUPS = 6

/** SHA-512, injectable: 5,200 rounds take ~25 ms with @noble/hashes and ~5 ms with node:crypto. */
export type Sha512 = (data: Uint8Array) => Uint8Array

/** 30 digits in six groups of five: one device's fingerprint. */
export function fingerprint(publicKey: Uint8Array, hash512: Sha512 = sha512): string {
  assertPublicKey(publicKey)
  let hash = hash512(concat([VERSION, publicKey, publicKey]))
  for (let i = 1; i < FINGERPRINT_ITERATIONS; i++) {
    hash = hash512(concat([hash, publicKey]))
  }
  const groups: string[] = []
  for (let g = 0; g < GROUPS; g++) {
    let value = 0
    for (let b = 0; b < 5; b++) value = value * 256 + (hash[g * 5 + b] as number)
    groups.push(String(value % 100000).padStart(5, '0'))
  }
  return groups.join(' ')
}

/**
 * 60 digits for a pair of devices: both fingerprints, the lower key first, so
 * both people see the same number.
 */
export function safetyNumber(a: Uint8Array, b: Uint8Array, hash512: Sha512 = sha512): string {
  const [first, second] = compare(a, b) <= 0 ? [a, b] : [b, a]
  return `${fingerprint(first, hash512)} ${fingerprint(second, hash512)}`
}
