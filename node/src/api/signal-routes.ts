/**
 * The control API's endpoints for what never enters a log: saying this
 * device is typing in a group, and whether it shares presence and typing at
 * all. docs/control-api.md lists them.
 */
import type { SignalOperations } from '../daemon/signal-operations.ts'
import { InvalidRequestError } from '../errors.ts'
import { type Route, route } from './route.ts'
import { fields, optionalBoolean, query } from './validation.ts'

export function signalRoutes(ops: SignalOperations): Route[] {
  return [
    route('POST', '/v1/groups/([^/]+)/typing', async ({ params, body }) => {
      const f = fields(await body(), ['typing'])
      return { json: await ops.typing(params[0] as string, optionalBoolean(f, 'typing') ?? true) }
    }),
    route('GET', '/v1/presence', async ({ query: q }) => {
      query(q, [])
      return { json: ops.presence() }
    }),
    route('PUT', '/v1/presence', async ({ body }) => {
      const sharing = optionalBoolean(fields(await body(), ['sharing']), 'sharing')
      if (sharing === undefined) throw new InvalidRequestError('give "sharing": true or false')
      return { json: ops.setPresence(sharing) }
    })
  ]
}
