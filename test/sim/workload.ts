/**
 * What the simulated people do: the mix of writes peers make, each drawn
 * from a table of kinds with weights. Chat operations are aimed at messages
 * the writer can see (mostly recent ones, as in a real chat); membership
 * operations go through GroupLog's own methods: admins invite the peers still
 * outside (membership.ts carries the link to them), remove members, change
 * roles; any member rekeys or leaves; and non-admins try to remove or change
 * roles, which the API must refuse. A member removed or gone keeps writing
 * (membership.ts departedWrite).
 */
import { devicesOf, type GroupLog, type LogEntry, type Operation, ROLES, toHex } from '@causette/core'
import type { SeededRandom } from '../fixtures/random.ts'
import type { SimMembership } from './membership.ts'
import type { SimPeer } from './sim-peer.ts'

export interface WorkloadContext {
  random: SeededRandom
  writer: SimPeer
  peers: readonly SimPeer[]
  /** A running number, so texts are distinct and a trace reads well. */
  n: number
  membership: SimMembership
  /** Ids (hex) of the newest messages the writer shows, at most RECENT_SHOWN, newest last (read from its view before drawing). */
  recent: readonly string[]
}

/** One write: an operation to append, or a membership action through GroupLog's methods. */
export interface Write {
  kind: string
  op?: Operation
  action?: (log: GroupLog) => Promise<LogEntry>
  /** The writer may not do this: the API must refuse it with AdminOnlyError, and nothing is written. */
  refused?: boolean
  /** A disappearing message: it expires this many (simulated) ms after it is written. */
  expiresIn?: number
}

interface OperationKind {
  kind: string
  weight: number
  /** The write, or undefined when the writer has nothing to aim it at (or may not do it). */
  make(ctx: WorkloadContext): Omit<Write, 'kind'> | undefined
}

const EMOJI = ['👍', '❤️', '😂', '🎉', '🧗']
/** Messages a write may target among the newest the writer shows. */
export const RECENT_SHOWN = 20
const RECENT = RECENT_SHOWN

/** A message the writer can see, mostly among the newest. */
function visibleMessage(ctx: WorkloadContext): Uint8Array | undefined {
  if (ctx.recent.length === 0) return undefined
  return Buffer.from(ctx.random.pick(ctx.recent), 'hex')
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

const CHAT_KINDS: ReadonlyArray<{ kind: string; weight: number; make(ctx: WorkloadContext): Operation | undefined }> = [
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
]

function keyOf(peer: SimPeer): string {
  return toHex(peer.key.publicKey)
}

function isAdmin(ctx: WorkloadContext): boolean {
  return ctx.writer.runningLog.membership()?.role(keyOf(ctx.writer)) === 'admin'
}

/** Members (devices) as the writer sees them, other than the writer's person's. */
function others(ctx: WorkloadContext): string[] {
  const state = ctx.writer.runningLog.membership()
  const mine = state?.personOf(keyOf(ctx.writer))
  return (state?.memberKeys() ?? []).filter((k) => state?.personOf(k) !== mine)
}

/** How many other people (not devices: a person may have several) the writer sees in the group. */
function otherPeople(ctx: WorkloadContext): number {
  const state = ctx.writer.runningLog.membership()
  return new Set(others(ctx).map((k) => state?.personOf(k) ?? k)).size
}

/** The writer's own person's other devices, when the writer is its person's first device (which alone links and revokes). */
function ownDevices(ctx: WorkloadContext): string[] | undefined {
  const me = keyOf(ctx.writer)
  const state = ctx.writer.runningLog.membership()
  if (state?.personOf(me) !== me) return undefined
  return devicesOf(state.members, me).filter((d) => d !== me)
}

/** The entry the writer just wrote (GroupLog.invite returns the invite id, not the entry). */
function newest(ctx: WorkloadContext): LogEntry {
  const log = ctx.writer.runningLog
  const me = keyOf(ctx.writer)
  return log.latestOf(me) as LogEntry
}

const MEMBERSHIP_KINDS: readonly OperationKind[] = [
  {
    kind: 'invite',
    weight: 6,
    make: (ctx) => {
      if (!isAdmin(ctx) || ctx.membership.nextOutsider() === undefined) return undefined
      const singleUse = ctx.random.chance(0.5)
      return {
        action: async (log) => {
          ctx.membership.sendInvite(ctx.writer, await log.invite({ singleUse }))
          return newest(ctx)
        }
      }
    }
  },
  {
    kind: 'remove',
    weight: 2,
    make: (ctx) => {
      const targets = others(ctx)
      if (!isAdmin(ctx) || otherPeople(ctx) < 2) return undefined
      const target = ctx.random.pick(targets)
      return { action: (log) => log.remove(target) }
    }
  },
  {
    kind: 'role',
    weight: 4,
    make: (ctx) => {
      if (!isAdmin(ctx)) return undefined
      const target = ctx.random.pick([keyOf(ctx.writer), ...others(ctx)])
      const role = ctx.random.pick(ROLES)
      return { action: (log) => log.setRole(target, role) }
    }
  },
  { kind: 'rekey', weight: 2, make: () => ({ action: (log) => log.rekey() }) },
  {
    // a person's first device links a fresh device of theirs (membership.ts)
    kind: 'link-device',
    weight: 2,
    make: (ctx) => {
      const fresh = ctx.membership.nextOutsider()
      if (ownDevices(ctx) === undefined || fresh === undefined || fresh.incarnation > 0) return undefined
      return { action: (log) => ctx.membership.linkDevice(ctx.writer, log) }
    }
  },
  {
    kind: 'revoke-device',
    weight: 2,
    make: (ctx) => {
      const devices = ownDevices(ctx) ?? []
      if (devices.length === 0) return undefined
      const target = ctx.random.pick(devices)
      return { action: (log) => log.revokeDevice(target) }
    }
  },
  {
    kind: 'leave',
    weight: 1,
    // with three others at least, two people on two sides of a partition each removing one and leaving cannot empty the group
    make: (ctx) => (otherPeople(ctx) >= 3 && ctx.random.chance(0.25) ? { action: (log) => log.leave() } : undefined)
  },
  {
    // a member or moderator trying what only admins may do
    kind: 'refused',
    weight: 4,
    make: (ctx) => {
      const targets = others(ctx)
      if (isAdmin(ctx) || targets.length === 0) return undefined
      const target = ctx.random.pick(targets)
      const role = ctx.random.pick(ROLES)
      return { refused: true, action: ctx.random.chance(0.5) ? (log) => log.remove(target) : (log) => log.setRole(target, role) }
    }
  }
]

/** A message that disappears within a few simulated seconds: erased on every peer, one that was down or cut off at the deadline included. */
const DISAPPEARING: OperationKind = {
  kind: 'disappearing',
  weight: 4,
  make: (ctx) => ({ op: { type: 'message', text: text(ctx, 'disappearing') }, expiresIn: 300 + ctx.random.int(3000) })
}

const OPERATION_KINDS: readonly OperationKind[] = [
  ...CHAT_KINDS.map((k) => ({ ...k, make: (ctx: WorkloadContext) => wrap(k.make(ctx)) })),
  DISAPPEARING,
  ...MEMBERSHIP_KINDS
]

function wrap(op: Operation | undefined): { op: Operation } | undefined {
  return op === undefined ? undefined : { op }
}

const TOTAL_WEIGHT = OPERATION_KINDS.reduce((sum, k) => sum + k.weight, 0)

/** Draws a write for a member; falls back to a plain message when the kind drawn has no target or is not for this writer. */
export function nextOperation(ctx: WorkloadContext): Write {
  let roll = ctx.random.int(TOTAL_WEIGHT)
  for (const k of OPERATION_KINDS) {
    roll -= k.weight
    if (roll < 0) {
      const write = k.make(ctx)
      if (write !== undefined) return { kind: k.kind, ...write }
      break
    }
  }
  return { kind: 'message', op: { type: 'message', text: text(ctx, 'message') } }
}
