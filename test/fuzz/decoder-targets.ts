/**
 * Fuzz targets for the decoders of untrusted bytes and text: entries,
 * operations (entry bodies), sync frames and invite links. Each mixes random
 * input, mutants of valid encodings and grammar-built inputs of the right
 * shape with fields of any type; each checks, when decoding succeeds, that
 * what came out encodes back to an equal value.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import {
  decodeEntry,
  decodeFrame,
  decodeOperation,
  encodeEntry,
  encodeFrame,
  encodeOperation,
  inviteLink,
  MAX_ENTRY_BYTES,
  MAX_SYNC_FRAME_BYTES,
  parseInvite
} from '@causette/core'
import { encode } from 'cborg'
import fc from 'fast-check'
import { bytesField, cborScalar, cborValue, uintField } from './cbor-values.ts'
import type { Corpus } from './corpus.ts'
import type { FuzzTarget } from './fuzz-harness.ts'
import { mutants } from './mutations.ts'
import { randomBytes } from './seeded-bytes.ts'

/** The time invites are checked against: fixed, so a saved input replays the same way. */
export const FUZZ_NOW = 1_750_000_000_000

/** The bytes as a plain Uint8Array, as they come off the wire (fast-check may shrink to a Buffer, which compares unequal). */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}

/** Grammar inputs are written by cborg: any CBOR library could send them. */
function cbor(value: unknown): Uint8Array {
  return encode(value)
}

export function entryTarget(corpus: Corpus): FuzzTarget<Uint8Array> {
  const fields = fc.tuple(
    fc.oneof({ arbitrary: fc.constant(1), weight: 5 }, { arbitrary: uintField, weight: 1 }),
    fc.oneof(bytesField(0), bytesField(32)),
    bytesField(32),
    uintField,
    fc.oneof(fc.constant(null), bytesField(32)),
    uintField,
    fc.oneof(
      fc.array(bytesField(32), { maxLength: 4 }),
      fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 30, maxLength: 34 }),
      cborScalar
    ),
    uintField,
    fc.oneof(bytesField(0), bytesField(16)),
    fc.oneof(fc.uint8Array({ maxLength: 120 }), cborScalar),
    bytesField(64)
  )
  const grammar = fc
    .record({ fields, extra: fc.array(cborScalar, { maxLength: 1 }), drop: fc.boolean() })
    .map(({ fields: f, extra, drop }) => cbor(drop ? f.slice(0, 10) : [...f, ...extra]))
  return {
    name: 'entry',
    decoder: 'decodeEntry',
    allowed: ['EntryTooLargeError', 'TruncatedEntryError', 'MalformedEntryError', 'NonCanonicalEncodingError', 'UnsupportedVersionError'],
    arbitrary: fc.oneof(
      { arbitrary: randomBytes([MAX_ENTRY_BYTES]), weight: 2 },
      { arbitrary: mutants(corpus.entries), weight: 6 },
      { arbitrary: grammar, weight: 3 }
    ),
    run(bytes) {
      const entry = decodeEntry(plain(bytes))
      // one entry, one encoding: what decodes writes back to the very same bytes
      assert.deepEqual(encodeEntry(entry, entry.sig).bytes, plain(bytes), 'a decoded entry re-encodes to other bytes')
    }
  }
}

const OPERATION_FIELDS = [
  'type',
  'name',
  'text',
  'replyTo',
  'mentions',
  'target',
  'emoji',
  'add',
  'topic',
  'description',
  'upTo',
  'displayName',
  'memberKey',
  'token',
  'singleUse',
  'expires',
  'inviteId',
  'member',
  'seenSeq',
  'role',
  'grant',
  'history',
  'pinned',
  'poll',
  'choices',
  'options',
  'multiple'
]
const OPERATION_TYPES = [
  'create',
  'profile',
  'message',
  'edit',
  'delete',
  'reaction',
  'pin',
  'vote',
  'close-poll',
  'metadata',
  'read',
  'invite',
  'join',
  'leave',
  'remove',
  'role',
  'rekey'
]

export function operationTarget(corpus: Corpus): FuzzTarget<Uint8Array> {
  const typedValue = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc
      .record({ length: fc.integer({ min: 15_990, max: 16_010 }), unit: fc.constantFrom('a', 'é', '🧗') })
      .map(({ length, unit }) => unit.repeat(length / unit.length)),
    bytesField(32),
    bytesField(16),
    fc.array(bytesField(32), { maxLength: 66 }),
    fc.tuple(bytesField(32), fc.array(bytesField(48), { maxLength: 4 })),
    fc.constantFrom('admin', 'moderator', 'member', 'owner'),
    fc.oneof(fc.nat(), fc.integer({ min: -3, max: -1 })),
    fc.boolean(),
    // a poll's options and a vote's choices, well-formed and not
    fc.record({ options: fc.array(fc.string({ maxLength: 210 }), { maxLength: 11 }), multiple: fc.boolean() }),
    fc.array(fc.integer({ min: -1, max: 11 }), { maxLength: 11 }),
    cborValue
  )
  const grammar = fc
    .record({
      type: fc.oneof({ arbitrary: fc.constantFrom(...OPERATION_TYPES), weight: 6 }, { arbitrary: cborScalar, weight: 1 }),
      fields: fc.dictionary(fc.oneof(fc.constantFrom(...OPERATION_FIELDS), fc.string({ maxLength: 8 })), typedValue, { maxKeys: 5 })
    })
    .map(({ type, fields }) => cbor({ ...fields, type }))
  return {
    name: 'operation',
    decoder: 'decodeOperation',
    allowed: ['MalformedOperationError'],
    arbitrary: fc.oneof(
      { arbitrary: randomBytes(), weight: 2 },
      { arbitrary: mutants(corpus.operations), weight: 5 },
      { arbitrary: grammar, weight: 5 },
      { arbitrary: cborValue.map(cbor), weight: 1 }
    ),
    run(bytes) {
      const op = decodeOperation(plain(bytes))
      if (op.type !== 'unknown') assert.deepEqual(decodeOperation(encodeOperation(op)), op, 'a decoded operation does not survive a round trip')
    }
  }
}

export function frameTarget(corpus: Corpus): FuzzTarget<Uint8Array> {
  const grammar = fc
    .record({ code: fc.oneof(fc.integer({ min: 0, max: 9 }), cborScalar), fields: fc.array(cborValue, { maxLength: 4 }) })
    .map(({ code, fields }) => cbor([code, ...fields]))
  return {
    name: 'sync-frame',
    decoder: 'decodeFrame',
    allowed: ['MalformedSyncFrameError'],
    arbitrary: fc.oneof(
      { arbitrary: randomBytes([MAX_SYNC_FRAME_BYTES]), weight: 2 },
      { arbitrary: mutants(corpus.frames), weight: 6 },
      { arbitrary: grammar, weight: 3 }
    ),
    run(bytes) {
      const frame = decodeFrame(plain(bytes))
      assert.deepEqual(decodeFrame(encodeFrame(frame)), frame, 'a decoded frame does not survive a round trip')
    }
  }
}

const PREFIXES = ['causette:join/', 'https://causette.example/#join=', '', '  causette:join/', 'CAUSETTE:join/', 'https://x/#join=#join=']

export function inviteTarget(corpus: Corpus): FuzzTarget<string> {
  // a body of the right shape with any field values, under a correct checksum, so the field checks are reached
  const body = fc.tuple(
    fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: cborScalar, weight: 1 }),
    bytesField(32),
    bytesField(32),
    bytesField(32),
    fc.oneof(fc.array(fc.string({ maxLength: 310 }), { maxLength: 9 }), cborValue),
    fc.oneof(fc.string({ maxLength: 210 }), cborScalar),
    bytesField(16),
    fc.oneof(fc.constant(null), uintField, fc.integer({ min: -5, max: -1 })),
    fc.oneof(fc.boolean(), cborScalar)
  )
  const checksummed = fc
    .record({ body: fc.oneof({ arbitrary: body, weight: 4 }, { arbitrary: cborValue, weight: 1 }), prefix: fc.constantFrom(...PREFIXES) })
    .map(({ body: b, prefix }) => {
      const bytes = cbor(b)
      const payload = Buffer.concat([bytes, createHash('sha256').update(bytes).digest().subarray(0, 4)]).toString('base64url')
      return prefix + payload
    })
  const mutatedLink = fc
    .record({
      link: fc.constantFrom(...corpus.invites),
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          kind: fc.constantFrom('replace', 'delete', 'insert', 'cut'),
          char: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })
        }),
        { minLength: 1, maxLength: 3 }
      )
    })
    .map(({ link, edits }) => {
      let text = link
      for (const e of edits) {
        const at = e.at % (text.length + 1)
        if (e.kind === 'cut') text = text.slice(0, at)
        else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + 1)
        else if (e.kind === 'insert') text = text.slice(0, at) + e.char + text.slice(at)
        else text = text.slice(0, at) + e.char + text.slice(at + 1)
      }
      return text
    })
  return {
    name: 'invite',
    decoder: 'parseInvite',
    allowed: ['MalformedInviteError', 'TruncatedInviteError', 'ExpiredInviteError'],
    arbitrary: fc.oneof(
      { arbitrary: fc.string({ maxLength: 200, unit: 'binary' }), weight: 1 },
      {
        arbitrary: fc.string({ maxLength: 600, unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') }),
        weight: 1
      },
      { arbitrary: mutatedLink, weight: 4 },
      { arbitrary: checksummed, weight: 5 },
      // pasted walls of text: an invite is read from whatever a person pastes
      {
        arbitrary: fc
          .record({ unit: fc.constantFrom('A', ' ', '-', 'é', '#join=', 'causette:join/'), length: fc.integer({ min: 1000, max: 10_000_000 }) })
          .map(({ unit, length }) => unit.repeat(Math.ceil(length / unit.length))),
        weight: 1
      }
    ),
    run(text) {
      const invite = parseInvite(text, FUZZ_NOW)
      assert.deepEqual(parseInvite(inviteLink(invite), FUZZ_NOW), invite, 'a parsed invite does not survive a round trip')
    }
  }
}
