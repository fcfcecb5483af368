/**
 * Disappearing messages: what expires, and when. An admin sets the group's
 * timer (a metadata operation: off, or 5 minutes to 4 weeks); a sender may
 * ask a message to disappear sooner (at least 5 seconds), never later. A
 * change to a disappearing message — an edit, a reaction, a vote, a close —
 * disappears with it. The deadline is written in the entry's clear header
 * (codec/expiring-entry-codec.ts), so every holder, a relay too, erases the
 * body on time (log/log-expiry.ts, peer/expiry-scheduler.ts), and no
 * device shows the message past it (StoredView).
 */
import { toHex } from '../codec/hex.ts'
import { MAX_DISAPPEARING_MS, MIN_DISAPPEARING_MS } from '../constants.ts'
import { DisappearingNotAllowedError } from '../errors.ts'
import type { Operation } from './operations.ts'
import type { StoredView } from './stored-view.ts'

/** Where a write learns the group's timer and the deadline of the message it changes. */
export type ExpiryView = Pick<StoredView, 'metadata' | 'message'>

/**
 * The expiry (ms) of `op` written now, or undefined when it does not
 * disappear. `disappearAfter` (ms) asks a message to disappear sooner than
 * the group's timer; a change to a message takes that message's deadline.
 */
export async function expiryOf(view: ExpiryView, op: Operation, now: number, disappearAfter?: number): Promise<number | undefined> {
  const target = targetOf(op)
  if (target !== undefined) {
    if (disappearAfter !== undefined)
      throw new DisappearingNotAllowedError('only a new message takes a timer of its own; a change disappears with its message')
    const expires = (await view.message(toHex(target)))?.expires
    return expires !== undefined && expires > now ? expires : undefined
  }
  if (op.type !== 'message') {
    if (disappearAfter !== undefined) throw new DisappearingNotAllowedError(`a ${op.type} operation cannot disappear: only messages can`)
    return undefined
  }
  const groupTimer = view.metadata().disappearing * 1000
  if (disappearAfter !== undefined) checkLifetime(disappearAfter)
  const lifetime =
    groupTimer > 0 && disappearAfter !== undefined ? Math.min(groupTimer, disappearAfter) : groupTimer > 0 ? groupTimer : disappearAfter
  return lifetime === undefined ? undefined : now + lifetime
}

/** Says what is wrong with a per-message timer. */
export function checkLifetime(ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < MIN_DISAPPEARING_MS || ms > MAX_DISAPPEARING_MS) {
    throw new DisappearingNotAllowedError(
      `a message can disappear after ${MIN_DISAPPEARING_MS / 1000} seconds to ${MAX_DISAPPEARING_MS / 86_400_000} days; give a time in that range (e.g. 30s, 10m, 1d)`
    )
  }
}

/** The message a change names. */
function targetOf(op: Operation): Uint8Array | undefined {
  switch (op.type) {
    case 'edit':
    case 'reaction':
      return op.target
    case 'vote':
    case 'close-poll':
      return op.poll
    default:
      return undefined
  }
}
