/**
 * The control API's endpoints about this person's devices: a link for a new
 * device, waiting on it, confirming or refusing once the person compared the
 * codes; accepting a link on the new device and waiting until linked;
 * listing the person's devices; revoking one.
 */
import type { DeviceOperations } from '../daemon/device-operations.ts'
import { type Route, route } from './route.ts'
import { fields, optionalInteger, optionalText, query, queryInteger, text } from './validation.ts'

const ID = '([0-9a-f]{12})'
const LINK_MAX = 4096
/** Each wait answers within this, under what HTTP clients wait: the CLI asks again. */
const MAX_WAIT_MS = 60_000
const MAX_LINK_TTL_MS = 30 * 60_000

export function deviceRoutes(ops: DeviceOperations): Route[] {
  const waitOf = (q: URLSearchParams) => queryInteger(query(q, ['waitMs']), 'waitMs', { min: 0, max: MAX_WAIT_MS, default: 0 })
  return [
    route('GET', '/v1/devices', async ({ query: q }) => {
      query(q, [])
      return { json: ops.list() }
    }),
    route('POST', '/v1/devices/links', async ({ body }) => {
      const f = fields(await body(), ['ttlMs'])
      const ttlMs = optionalInteger(f, 'ttlMs', { min: 1000, max: MAX_LINK_TTL_MS })
      return { status: 201, json: ops.offer(ttlMs) }
    }),
    route('GET', `/v1/devices/links/${ID}`, async ({ params, query: q }) => ({ json: await ops.offerState(params[0] as string, waitOf(q)) })),
    route('POST', `/v1/devices/links/${ID}/confirm`, async ({ params, body }) => {
      fields(await body(), [])
      return { json: await ops.confirm(params[0] as string) }
    }),
    route('POST', `/v1/devices/links/${ID}/refuse`, async ({ params, body }) => {
      fields(await body(), [])
      ops.refuse(params[0] as string)
      return { json: { refused: true } }
    }),
    route('POST', '/v1/devices/accept', async ({ body }) => {
      const f = fields(await body(), ['link', 'name'])
      const name = optionalText(f, 'name', { max: 64 })
      return { status: 201, json: await ops.accept(text(f, 'link', { max: LINK_MAX }), name) }
    }),
    route('GET', `/v1/devices/accept/${ID}`, async ({ params, query: q }) => ({ json: await ops.acceptState(params[0] as string, waitOf(q)) })),
    route('DELETE', '/v1/devices/([0-9a-fA-F]{4,64})', async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.revoke(params[0] as string) }
    })
  ]
}
