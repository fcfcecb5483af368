/**
 * The control API's endpoints about invites and keys: making an invite
 * link, listing a group's invites, revoking one (admins only), and rekeying
 * a group. `{invite}` is an invite id or its start (at least 4 hex digits),
 * as the listing and the answer to making one show it.
 */
import type { InviteOperations } from '../daemon/invite-operations.ts'
import { type Route, route } from './route.ts'
import { fields, optionalBoolean, optionalInteger, query } from './validation.ts'

const GROUP = '([^/]+)'
/** Invites expire within a year at most. */
const MAX_EXPIRY_MS = 365 * 24 * 3600_000

export function inviteRoutes(ops: InviteOperations): Route[] {
  return [
    route('POST', `/v1/groups/${GROUP}/invites`, async ({ params, body }) => {
      const f = fields(await body(), ['expiresInMs', 'singleUse', 'addresses'])
      const expiresInMs = optionalInteger(f, 'expiresInMs', { min: 1000, max: MAX_EXPIRY_MS })
      const invite = await ops.create(params[0] as string, {
        singleUse: optionalBoolean(f, 'singleUse') ?? false,
        withAddresses: optionalBoolean(f, 'addresses') ?? true,
        ...(expiresInMs === undefined ? {} : { expiresInMs })
      })
      return { status: 201, json: invite }
    }),
    route('GET', `/v1/groups/${GROUP}/invites`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.list(params[0] as string) }
    }),
    route('DELETE', `/v1/groups/${GROUP}/invites/([^/]+)`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.revoke(params[0] as string, params[1] as string) }
    }),
    route('POST', `/v1/groups/${GROUP}/rekey`, async ({ params, body }) => {
      fields(await body(), [])
      return { json: await ops.rekey(params[0] as string) }
    })
  ]
}
