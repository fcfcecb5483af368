/**
 * Fuzz targets for the sync protocol past its frame decoder: the Reconciler
 * answering arbitrary ranges, and a SyncSession in each of its states fed
 * arbitrary frames by a peer that may or may not hold the group secret. A
 * session may only end with one of the sync errors, and must never take an
 * entry into the log that the group did not write.
 */
import assert from 'node:assert/strict'
import {
  type Bound,
  decodeEntry,
  decodeFrame,
  encodeFrame,
  GroupLog,
  MemoryStore,
  orderKey,
  type Range,
  Reconciler,
  StoreRanges,
  type SyncFrame,
  SyncSession,
  storedEntryOf,
  toHex
} from '@causette/core'
import fc from 'fast-check'
import { compare } from 'uint8arrays/compare'
import { logEntries } from '../fixtures/entry-bytes.ts'
import type { Corpus, SyncFixture } from './corpus.ts'
import type { FuzzTarget } from './fuzz-harness.ts'
import { mutants } from './mutations.ts'

const SYNC_ERRORS = ['MalformedSyncFrameError', 'SyncRefusedError', 'MembershipProofError', 'InvalidSyncEntriesError']
/** How long one frame may keep a session busy before the input counts as a hang. */
const RECEIVE_TIMEOUT_MS = 2000

/** Ranges as decodeFrame yields them: well-typed, with any values, bounds near the real items' or anywhere. */
function rangesArbitrary(fixture: SyncFixture): fc.Arbitrary<Range[]> {
  const items = fixture.full.map((b) => decodeEntry(b))
  const realPrefixes = items.map((e) => e.id.subarray(0, 16))
  const realKeys = items.map((e) => toHex(e.author) + toHex(e.id))
  const upper: fc.Arbitrary<Bound> = fc.record({
    clock: fc.oneof(fc.nat({ max: 40 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.maxSafeNat()),
    prefix: fc.oneof(
      fc.constant(''),
      fc.record({ key: fc.constantFrom(...realKeys), bytes: fc.nat({ max: 64 }) }).map(({ key, bytes }) => key.slice(0, bytes * 2)),
      fc.uint8Array({ maxLength: 64 }).map(toHex)
    )
  })
  const ids = fc.array(fc.oneof(fc.constantFrom(...realPrefixes), fc.uint8Array({ minLength: 16, maxLength: 16 })), { maxLength: 40 })
  const range: fc.Arbitrary<Range> = fc.oneof(
    fc.record({ upper, mode: fc.constant('skip' as const) }),
    fc.record({ upper, mode: fc.constant('fingerprint' as const), fingerprint: fc.uint8Array({ minLength: 16, maxLength: 16 }) }),
    fc.record({ upper, mode: fc.constant('ids' as const), ids }),
    fc.record({ upper, mode: fc.constant('want' as const), ids })
  )
  return fc.record({ ranges: fc.array(range, { maxLength: 60 }), sorted: fc.boolean() }).map(({ ranges, sorted }) => {
    if (!sorted) return ranges
    // most honest-looking: strictly rising bounds, so the checks past the bound check are reached
    const out = [...ranges].sort((a, b) => compareBound(a.upper, b.upper))
    return out.filter((r, i) => i === 0 || compareBound((out[i - 1] as Range).upper, r.upper) < 0)
  })
}

function compareBound(a: Bound, b: Bound): number {
  return a.clock !== b.clock ? (a.clock < b.clock ? -1 : 1) : a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0
}

export async function reconcilerTarget(corpus: Corpus): Promise<FuzzTarget<Range[]>> {
  const log = await openLog(corpus.group, corpus.group.full, 'full')
  const rangesFrames = corpus.frames.filter((f) => decodeFrame(f).type === 'ranges')
  const decodedRanges = mutants(rangesFrames).map((bytes) => {
    try {
      const frame = decodeFrame(bytes)
      return frame.type === 'ranges' ? frame.ranges : []
    } catch {
      return []
    }
  })
  return {
    name: 'reconciler',
    decoder: 'Reconciler.receive',
    allowed: ['MalformedSyncFrameError'],
    arbitrary: fc.oneof(rangesArbitrary(corpus.group), decodedRanges),
    async run(ranges) {
      const step = await new Reconciler(new StoreRanges((range) => log.listKeys(range))).receive(ranges)
      // the reply must be one the other side accepts: bounds strictly rising
      for (let i = 1; i < step.reply.length; i++) {
        assert.ok(compareBound((step.reply[i - 1] as Range).upper, (step.reply[i] as Range).upper) < 0, 'the reply has bounds out of order')
      }
      const pushed = await log.getEntries(step.push)
      for (const bytes of pushed) assert.ok(bytes !== undefined, 'the reconciler offers an entry it does not hold')
      const keys = pushed.map((bytes) => orderKey(decodeEntry(bytes as Uint8Array)))
      for (let i = 1; i < keys.length; i++) assert.ok(compare(keys[i - 1] as Uint8Array, keys[i] as Uint8Array) < 0, 'pushes repeat or go back')
    }
  }
}

type SessionState = 'await-hello' | 'await-welcome' | 'await-proof' | 'reconciling' | 'finished'

export interface SessionInput {
  /** The side under test. */
  role: 'initiator' | 'responder'
  state: SessionState
  /** What the hostile peer sends next, encoded. */
  frames: Uint8Array[]
}

/** States of each side, reconciling (where most of the logic is) listed thrice so it is drawn more often. */
const STATES: Record<SessionInput['role'], SessionState[]> = {
  initiator: ['await-welcome', 'reconciling', 'reconciling', 'reconciling', 'finished'],
  responder: ['await-hello', 'await-proof', 'reconciling', 'reconciling', 'reconciling', 'finished']
}

export async function sessionTarget(corpus: Corpus): Promise<FuzzTarget<SessionInput>> {
  const fixture = corpus.group
  const honest = new Set([...fixture.full, ...fixture.partial].map((b) => toHex(decodeEntry(b).id)))
  const entryBytes = fc.oneof(
    { arbitrary: fc.constantFrom(...fixture.full, ...fixture.partial), weight: 3 },
    { arbitrary: mutants(corpus.entries), weight: 3 },
    { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 1 }
  )
  // weighted towards the frames of reconciliation, where most of the session's logic is
  const structured: fc.Arbitrary<SyncFrame> = fc.oneof(
    {
      arbitrary: fc.record({
        type: fc.constant('hello' as const),
        version: fc.oneof(fc.constant(1), fc.nat()),
        tag: fc.oneof(fc.constant(fixture.tag), fc.uint8Array({ minLength: 16, maxLength: 16 })),
        nonce: fc.uint8Array({ minLength: 32, maxLength: 32 })
      }),
      weight: 2
    },
    {
      arbitrary: fc.record({
        type: fc.constant('welcome' as const),
        nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        proof: fc.uint8Array({ minLength: 32, maxLength: 32 })
      }),
      weight: 2
    },
    { arbitrary: fc.record({ type: fc.constant('proof' as const), proof: fc.uint8Array({ minLength: 32, maxLength: 32 }) }), weight: 2 },
    { arbitrary: fc.record({ type: fc.constant('refuse' as const), reason: fc.string({ maxLength: 40 }) }), weight: 1 },
    { arbitrary: fc.record({ type: fc.constant('ranges' as const), ranges: rangesArbitrary(fixture) }), weight: 6 },
    { arbitrary: fc.record({ type: fc.constant('incoming' as const), count: fc.oneof(fc.nat({ max: 100 }), fc.maxSafeNat()) }), weight: 3 },
    { arbitrary: fc.record({ type: fc.constant('entries' as const), entries: fc.array(entryBytes, { maxLength: 6 }) }), weight: 6 },
    { arbitrary: fc.constant({ type: 'done' as const }), weight: 3 }
  )
  const frame = fc.oneof({ arbitrary: structured.map(encodeFrame), weight: 5 }, { arbitrary: mutants(corpus.frames), weight: 2 })
  const input = fc
    .record({
      role: fc.constantFrom('initiator' as const, 'responder' as const),
      pick: fc.nat(),
      frames: fc.array(frame, { minLength: 1, maxLength: 6 })
    })
    .map(({ role, pick, frames }) => ({ role, state: STATES[role][pick % STATES[role].length] as SessionState, frames }))
  return {
    name: 'sync-session',
    decoder: 'SyncSession.receive',
    allowed: SYNC_ERRORS,
    arbitrary: input,
    async run({ role, state, frames }) {
      const { session, log } = await sessionIn(fixture, role, state)
      try {
        for (const bytes of frames) await withTimeout(session.receive(decodeFrame(bytes)))
      } finally {
        // whatever the peer sent, the log holds only entries the group wrote
        for (const e of await logEntries(log)) assert.ok(honest.has(e.idHex), `the session let entry ${e.idHex.slice(0, 12)} into the log`)
      }
    }
  }
}

/** A session of `role` on a fresh copy of one replica, brought to `state` by an honest peer holding the other. */
async function sessionIn(fixture: SyncFixture, role: SessionInput['role'], state: SessionState): Promise<{ session: SyncSession; log: GroupLog }> {
  const mine = await openLog(fixture, fixture.partial, 'partial')
  const theirs = await openLog(fixture, fixture.full, 'full')
  const session =
    role === 'initiator'
      ? new SyncSession({ role, localPeer: 'me', remotePeer: 'them', log: mine })
      : new SyncSession({ role, localPeer: 'me', remotePeer: 'them', findGroup: (tag) => (toHex(tag) === toHex(fixture.tag) ? mine : undefined) })
  const peer =
    role === 'initiator'
      ? new SyncSession({ role: 'responder', localPeer: 'them', remotePeer: 'me', findGroup: () => theirs })
      : new SyncSession({ role: 'initiator', localPeer: 'them', remotePeer: 'me', log: theirs })
  // run the honest exchange frame by frame until the session under test has received what leads to `state`
  const wanted = state === 'finished' ? Number.POSITIVE_INFINITY : FRAMES_BEFORE[state] + (state === 'reconciling' && role === 'responder' ? 1 : 0)
  const inbox: Array<{ to: SyncSession; frame: SyncFrame }> = [
    ...session.start().map((frame) => ({ to: peer, frame })),
    ...peer.start().map((frame) => ({ to: session, frame }))
  ]
  let received = 0
  for (let steps = 0; steps < 200 && !session.finished; steps++) {
    const next = inbox[0]
    if (next === undefined || (next.to === session && received >= wanted)) break
    inbox.shift()
    if (next.to === session) received++
    const answers = await next.to.receive(decodeFrame(encodeFrame(next.frame)))
    const other = next.to === session ? peer : session
    inbox.push(...answers.map((frame) => ({ to: other, frame })))
  }
  return { session, log: mine }
}

/** Honest frames a session receives before it is in each state (a responder also takes the proof before reconciling). */
const FRAMES_BEFORE: Record<Exclude<SessionState, 'finished'>, number> = { 'await-hello': 0, 'await-welcome': 0, 'await-proof': 1, reconciling: 1 }

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new assert.AssertionError({ message: `a frame kept the session busy for ${RECEIVE_TIMEOUT_MS} ms` })),
      RECEIVE_TIMEOUT_MS
    )
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

const stores = new Map<string, ReturnType<typeof storedEntryOf>[]>()
/** Logs opened before and left as they were, ready for the next input: opening one replays its membership, which costs. */
const pool = new Map<string, GroupLog>()

async function openLog(fixture: SyncFixture, bytes: Uint8Array[], which: 'full' | 'partial'): Promise<GroupLog> {
  const kept = pool.get(which)
  pool.delete(which)
  if (kept !== undefined && kept.size === bytes.length && kept.pendingCount === 0 && kept.equivocations().length === 0) {
    pool.set(which, kept)
    return kept
  }
  let stored = stores.get(which)
  if (stored === undefined) {
    stored = bytes.map((b) => storedEntryOf(decodeEntry(b)))
    stores.set(which, stored)
  }
  const store = new MemoryStore()
  await store.putGroup({ id: fixture.groupId, secret: fixture.secret, name: '', addedAt: 0 })
  await store.putEntries(fixture.groupId, stored)
  const key = which === 'full' ? fixture.fullKey : fixture.partialKey
  const log = await GroupLog.open({ groupId: fixture.groupId, secret: fixture.secret, key, store, signatures: fixture.signatures })
  pool.set(which, log)
  return log
}
