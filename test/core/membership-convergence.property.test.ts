import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Role, toHex } from '@causette/core'
import fc from 'fast-check'
import { fromTemplate, type GroupTemplate, groupTemplate, merge, type Replica } from '../fixtures/replicas.ts'

const RUNS = 300
const ROLES: Role[] = ['admin', 'moderator', 'member']

type Kind = 'remove' | 'role' | 'rekey' | 'message' | 'leave' | 'merge'
const action = fc.record({
  side: fc.nat({ max: 1 }),
  actor: fc.nat({ max: 1 }),
  target: fc.nat({ max: 3 }),
  kind: fc.constantFrom<Kind>('remove', 'role', 'rekey', 'message', 'message', 'merge', 'leave'),
  role: fc.constantFrom(...ROLES)
})

/** Membership, roles and the epoch new messages go under, as one replica sees them. */
function membershipOf(r: Replica) {
  const state = r.log.membership()
  assert.ok(state !== undefined)
  const epoch = state.writingEpoch()
  return {
    members: r.log.members().map((m) => [m.key, m.role]),
    departed: [...state.departed.keys()].sort(),
    epoch: epoch?.id ?? null
  }
}

/** Four members, two of them admins, so each side of the partition has one: built once, each run starting from a copy (fromTemplate). */
let template: Promise<GroupTemplate> | undefined
const twoAdmins = (): Promise<GroupTemplate> =>
  (template ??= groupTemplate(4, async ([a, b]) => {
    await (a as Replica).log.setRole(toHex((b as Replica).key.publicKey), 'admin')
  }))

describe('membership convergence', () => {
  it(`concurrent removals, role changes and rekeys on two sides of a partition converge to the same members, roles and epoch key everywhere (${RUNS} runs)`, async () => {
    let conflicts = 0
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 24 }), async (script) => {
        const all = (await fromTemplate(await twoAdmins())) as [Replica, Replica, Replica, Replica]
        const [a, b, c, d] = all
        const sides: [Replica[], Replica[]] = [
          [a, c],
          [b, d]
        ]
        for (const step of script) {
          const side = sides[step.side] as Replica[]
          const actor = side[step.actor] as Replica
          const target = toHex((all[step.target] as Replica).key.publicKey)
          try {
            if (step.kind === 'merge') await merge(side[0] as Replica, side[1] as Replica).then(() => merge(side[1] as Replica, side[0] as Replica))
            else if (step.kind === 'remove') await actor.log.remove(target)
            else if (step.kind === 'role') await actor.log.setRole(target, step.role)
            else if (step.kind === 'rekey') await actor.log.rekey()
            else if (step.kind === 'leave') await actor.log.leave()
            else await actor.log.append({ type: 'message', text: `from ${step.side}/${step.actor}` })
          } catch (err) {
            // an action the rules forbid on this side (not an admin any more, not a member, ...) is refused locally
            if (!['NotMemberError', 'AdminOnlyError', 'NotAuthorizedError', 'EpochKeyMissingError'].includes((err as Error).name)) throw err
            conflicts++
          }
        }
        // heal: everyone gets everything
        for (const r of all) for (const s of all) if (r !== s) await merge(r, s)
        // if the merged history left no usable epoch, or a member unable to read some epoch, members holding the
        // missing keys rekey until everyone reads everything (peers do this on their own, see rekey-scheduler.ts)
        for (let round = 0; round < 4 && a.log.needsRekey(); round++) {
          const state = a.log.membership()
          const holder = all.find(
            (r) =>
              r.log.isMember() &&
              (state?.writingEpoch() === undefined ||
                [...(state?.unreadable().values() ?? [])].some((epochs) => epochs.some((e) => r.log.keys.has(e))))
          )
          if (holder === undefined) break
          await holder.log.rekey()
          for (const r of all) await merge(holder, r)
        }
        if (a.log.members().length > 0) assert.equal(a.log.needsRekey(), false, 'after the rekeys every member reads every epoch a member can read')
        const expected = membershipOf(a)
        for (const r of all) assert.deepEqual(membershipOf(r), expected)
        const epoch = expected.epoch
        const keys = all.filter((r) => r.log.isMember()).map((r) => (epoch === null ? undefined : r.log.keys.getHex(epoch)))
        if (epoch !== null && epoch !== '') {
          assert.ok(
            keys.every((k) => k !== undefined && toHex(k) === toHex(keys[0] as Uint8Array)),
            'every member holds the same key for the current epoch'
          )
          for (const r of all.filter((x) => !x.log.isMember())) assert.equal(r.log.keys.getHex(epoch), undefined, 'no departed member holds it')
        }
        const members = all.filter((x) => x.log.isMember())
        const view = await members[0]?.log.view.snapshot()
        for (const r of members) assert.deepEqual(await r.log.view.snapshot(), view, 'members see the same conversation')
      }),
      { numRuns: RUNS }
    )
    assert.ok(conflicts > 0, 'the schedules produced conflicting changes')
  })
})
