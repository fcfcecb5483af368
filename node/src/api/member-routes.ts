/**
 * The control API's endpoints about the people of a group: listing them,
 * removing them, roles, leaving, safety numbers and blocking. `{member}`
 * is a display name or the start of a device key (at least 4 hex digits),
 * URL-encoded. docs/control-api.md lists them.
 */
import { MAX_TEXT_LENGTH, ROLES, type Role } from '@causette/core'
import type { MemberOperations } from '../daemon/member-operations.ts'
import { InvalidRequestError } from '../errors.ts'
import { type Route, route } from './route.ts'
import { fields, optionalBoolean, query, text } from './validation.ts'

const GROUP = '([^/]+)'
const MEMBER = `/v1/groups/${GROUP}/members/([^/]+)`

export function memberRoutes(ops: MemberOperations): Route[] {
  return [
    route('GET', `/v1/groups/${GROUP}/members`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.members(params[0] as string) }
    }),
    route('DELETE', MEMBER, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.remove(params[0] as string, params[1] as string) }
    }),
    route('PUT', `${MEMBER}/role`, async ({ params, body }) => {
      const f = fields(await body(), ['role'])
      const role = text(f, 'role', { max: 20 })
      if (!ROLES.includes(role as Role)) throw new InvalidRequestError(`"role" must be one of ${ROLES.join(', ')}`)
      return { json: await ops.setRole(params[0] as string, params[1] as string, role as Role) }
    }),
    route('POST', `/v1/groups/${GROUP}/leave`, async ({ params, body }) => {
      const f = fields(await body(), ['force'])
      return { json: await ops.leave(params[0] as string, { force: optionalBoolean(f, 'force') ?? false }) }
    }),
    route('GET', `${MEMBER}/safety-number`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.safetyNumber(params[0] as string, params[1] as string) }
    }),
    route('PUT', `${MEMBER}/verification`, async ({ params, body }) => {
      const f = fields(await body(), ['safetyNumber'])
      // room for the digits however they were spaced
      return { json: await ops.verify(params[0] as string, params[1] as string, text(f, 'safetyNumber', { max: MAX_TEXT_LENGTH })) }
    }),
    route('DELETE', `${MEMBER}/verification`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.unverify(params[0] as string, params[1] as string) }
    }),
    route('PUT', `${MEMBER}/block`, async ({ params, body }) => {
      fields(await body(), [])
      return { json: await ops.block(params[0] as string, params[1] as string) }
    }),
    route('DELETE', `${MEMBER}/block`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.unblock(params[0] as string, params[1] as string) }
    }),
    route('GET', '/v1/blocked', async ({ query: q }) => {
      query(q, [])
      return { json: ops.blocked() }
    })
  ]
}
