/**
 * What the simulated people do: the mix of operations peers write, each
 * drawn from a table of kinds with weights, aimed at messages the writer can
 * see (mostly recent ones, as in a real chat).
 *
 * TODO(issue 5, membership): this is the one place to add membership. Add
 * kinds for invite / join / remove / role change to OPERATION_KINDS below
 * (a removed peer keeps running and keeps writing, and its later entries must
 * be rejected everywhere), then extend convergence-check.ts: a removed member
 * must hold nothing written after its removal, and the other peers must agree
 * on the member list. Nothing else in test/sim needs to change.
 */
import type { Operation } from '@causette/core'
import type { SeededRandom } from '../fixtures/random.ts'
import type { SimPeer } from './sim-peer.ts'

export interface WorkloadContext {
  random: SeededRandom
  writer: SimPeer
  peers: readonly SimPeer[]
  /** A running number, so texts are distinct and a trace reads well. */
  n: number
}

interface OperationKind {
  kind: string
  weight: number
  /** The operation, or undefined when the writer has nothing to aim it at yet. */
  make(ctx: WorkloadContext): Operation | undefined
}

const EMOJI = ['👍', '❤️', '😂', '🎉', '🧗']
const RECENT = 20

/** A message the writer can see, mostly among the newest. */
function visibleMessage(ctx: WorkloadContext): Uint8Array | undefined {
  const messages = ctx.writer.runningLog.view.messages({ limit: RECENT }).messages
  if (messages.length === 0) return undefined
  return Buffer.from(ctx.random.pick(messages).id, 'hex')
}

/** One of the writer's own messages, or now and then anyone's (whose edit or delete the view must ignore). */
function ownMessage(ctx: WorkloadContext): Uint8Array | undefined {
  if (ctx.writer.ownMessages.length === 0 || ctx.random.chance(0.1)) return visibleMessage(ctx)
  const own = ctx.writer.ownMessages
  return own[own.length - 1 - ctx.random.int(Math.min(own.length, RECENT))]
}

function text(ctx: WorkloadContext, what: string): string {
  const base = `${what} ${ctx.n} by ${ctx.writer.name}`
  // now and then a long or non-ASCII text, so sizes and encodings vary
  if (ctx.random.chance(0.05)) return `${base} ${'é🧗'.repeat(1 + ctx.random.int(200))}`
  return base
}

export const OPERATION_KINDS: readonly OperationKind[] = [
  {
    kind: 'message',
    weight: 30,
    make: (ctx) => {
      const op: Operation = { type: 'message', text: text(ctx, 'message') }
      if (ctx.random.chance(0.2)) op.mentions = [ctx.random.pick(ctx.peers).key.publicKey]
      return op
    }
  },
  {
    kind: 'reply',
    weight: 8,
    make: (ctx) => {
      const target = visibleMessage(ctx)
      return target === undefined ? undefined : { type: 'message', text: text(ctx, 'reply'), replyTo: target }
    }
  },
  {
    kind: 'edit',
    weight: 12,
    make: (ctx) => {
      const target = ownMessage(ctx)
      return target === undefined ? undefined : { type: 'edit', target, text: text(ctx, 'edit') }
    }
  },
  {
    kind: 'delete',
    weight: 5,
    make: (ctx) => {
      const target = ownMessage(ctx)
      return target === undefined ? undefined : { type: 'delete', target }
    }
  },
  {
    kind: 'reaction',
    weight: 16,
    make: (ctx) => {
      const target = visibleMessage(ctx)
      return target === undefined ? undefined : { type: 'reaction', target, emoji: ctx.random.pick(EMOJI), add: ctx.random.chance(0.7) }
    }
  },
  {
    kind: 'metadata',
    weight: 4,
    make: (ctx) => {
      const field = ctx.random.pick(['name', 'topic', 'description'] as const)
      return { type: 'metadata', [field]: `${field} ${ctx.n} by ${ctx.writer.name}` }
    }
  },
  {
    kind: 'read',
    weight: 8,
    make: (ctx) => {
      const target = visibleMessage(ctx)
      return target === undefined ? undefined : { type: 'read', upTo: target }
    }
  }
  // TODO(issue 5): membership kinds (invite, join, remove, role) go here; see the header.
]

const TOTAL_WEIGHT = OPERATION_KINDS.reduce((sum, k) => sum + k.weight, 0)

/** Draws an operation for the writer; falls back to a plain message when the kind drawn has no target yet. */
export function nextOperation(ctx: WorkloadContext): { kind: string; op: Operation } {
  let roll = ctx.random.int(TOTAL_WEIGHT)
  for (const k of OPERATION_KINDS) {
    roll -= k.weight
    if (roll < 0) {
      const op = k.make(ctx)
      if (op !== undefined) return { kind: k.kind, op }
      break
    }
  }
  return { kind: 'message', op: { type: 'message', text: text(ctx, 'message') } }
}
