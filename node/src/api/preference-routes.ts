/**
 * The control API's endpoints for this device's own choices, which never
 * enter a log: muting a group, which of its messages notify, and whether
 * this device sends read receipts. docs/control-api.md lists them.
 */

import { NOTIFY_LEVELS } from '../daemon/device-preferences.ts'
import type { PreferenceOperations } from '../daemon/preference-operations.ts'
import { InvalidRequestError } from '../errors.ts'
import type { NotifyLevel } from './api-types.ts'
import { type Route, route } from './route.ts'
import { fields, optionalBoolean, optionalInteger, query } from './validation.ts'

/** A mute lasts at least a minute and at most a year; longer is "until unmuted" (no `forMs`). */
export const MIN_MUTE_MS = 60_000
export const MAX_MUTE_MS = 366 * 86_400_000

export function preferenceRoutes(ops: PreferenceOperations): Route[] {
  const group = '([^/]+)'
  return [
    route('PUT', `/v1/groups/${group}/mute`, async ({ params, body }) => {
      const forMs = optionalInteger(fields(await body(), ['forMs']), 'forMs', { min: MIN_MUTE_MS, max: MAX_MUTE_MS })
      return { json: ops.mute(params[0] as string, forMs) }
    }),
    route('DELETE', `/v1/groups/${group}/mute`, async ({ params }) => ({ json: ops.unmute(params[0] as string) })),
    route('PUT', `/v1/groups/${group}/notify`, async ({ params, body }) => {
      const level = fields(await body(), ['level']).level
      if (!NOTIFY_LEVELS.includes(level as NotifyLevel)) {
        throw new InvalidRequestError(`"level" must be one of ${NOTIFY_LEVELS.join(', ')}, not ${JSON.stringify(level)}`)
      }
      return { json: ops.setNotifyLevel(params[0] as string, level as NotifyLevel) }
    }),
    route('GET', '/v1/receipts', async ({ query: q }) => {
      query(q, [])
      return { json: ops.receipts() }
    }),
    route('PUT', '/v1/receipts', async ({ body }) => {
      const sending = optionalBoolean(fields(await body(), ['sending']), 'sending')
      if (sending === undefined) throw new InvalidRequestError('give "sending": true or false')
      return { json: ops.setReceipts(sending) }
    })
  ]
}
