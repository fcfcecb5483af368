/**
 * The key of a backup file, from its passphrase: Argon2id (RFC 9106) with
 * the parameters recorded in the file's header, then HKDF-SHA-256 splits its
 * output into the key that seals the file and a check value, kept in the
 * header, that tells a wrong passphrase from a damaged file. The
 * parameters a new backup takes cost ~1 s on the machine that measured them
 * (docs/backups.md); a file's own are read back bounded, so a forged header
 * cannot ask for unbounded memory or time. Pure JavaScript (@noble/hashes),
 * so a browser tab derives the same key as the CLI.
 */
import { argon2idAsync } from '@noble/hashes/argon2.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { UnsupportedBackupError } from './backup-errors.ts'

export interface KdfParams {
  name: 'argon2id'
  /** Passes over memory. */
  t: number
  /** Memory, in KiB. */
  m: number
  /** Lanes. */
  p: number
  /** 16 random bytes, new for each backup. */
  salt: Uint8Array
}

/** What a new backup takes: 128 MiB, two passes, one lane. */
export const NEW_BACKUP_KDF = { t: 2, m: 128 * 1024, p: 1 } as const
export const SALT_BYTES = 16
export const CHECK_BYTES = 16
export const MIN_PASSPHRASE_LENGTH = 10

/** The most a file may ask for: beyond it the header is not one Causette wrote. */
const LIMITS = { t: [1, 16], m: [8 * 1024, 1024 * 1024], p: [1, 8] } as const
const INFO = new TextEncoder().encode('causette backup v1')

export interface FileKeys {
  /** Seals the file's chunks (XChaCha20-Poly1305). */
  key: Uint8Array
  /** Kept in the header: the same passphrase gives the same check. */
  check: Uint8Array
}

/** How far a derivation is, from 0 to 1: it takes seconds in a browser tab. */
export type KdfProgress = (done: number) => void

/** Derives the keys of a file: in this thread, or elsewhere (a web app runs it in a worker). */
export type DeriveFileKeys = (passphrase: string, params: KdfParams, onProgress?: KdfProgress) => Promise<FileKeys>

/**
 * Derives the file's keys. The passphrase is taken in Unicode NFC, so the
 * same words typed on another keyboard or system give the same key.
 */
export async function deriveFileKeys(passphrase: string, params: KdfParams, onProgress?: KdfProgress): Promise<FileKeys> {
  const { t, m, p, salt } = params
  const master = await argon2idAsync(passphrase.normalize('NFC'), salt, {
    t,
    m,
    p,
    dkLen: 32,
    maxmem: (LIMITS.m[1] + 1024) * 1024,
    ...(onProgress === undefined ? {} : { onProgress })
  })
  const out = hkdf(sha256, master, undefined, INFO, 32 + CHECK_BYTES)
  master.fill(0)
  return { key: out.slice(0, 32), check: out.slice(32) }
}

/** The parameters a header names, checked against what a Causette backup may use. */
export function kdfParamsOf(value: unknown, salt: Uint8Array): KdfParams {
  const v = (value ?? {}) as Record<string, unknown>
  if (v.name !== 'argon2id')
    throw new UnsupportedBackupError(
      `this backup's key is derived with ${String(v.name)}, which this version of Causette does not know; update Causette`
    )
  const inRange = (n: unknown, [min, max]: readonly [number, number]): n is number =>
    Number.isInteger(n) && (n as number) >= min && (n as number) <= max
  if (!inRange(v.t, LIMITS.t) || !inRange(v.m, LIMITS.m) || !inRange(v.p, LIMITS.p) || salt.byteLength < SALT_BYTES) {
    throw new UnsupportedBackupError(
      `this backup names key parameters Causette never uses (Argon2id t=${String(v.t)}, m=${String(v.m)} KiB, p=${String(v.p)}): it was not written by Causette, or its header was changed`
    )
  }
  return { name: 'argon2id', t: v.t, m: v.m, p: v.p, salt }
}

/** Whether a passphrase is long enough for a new backup; its length in characters, as a person counts them. */
export function passphraseLength(passphrase: string): number {
  return [...passphrase.normalize('NFC')].length
}
