/**
 * The control API's endpoints: each checks its input strictly, calls one
 * daemon operation and says what to answer. The endpoint table of
 * docs/control-api.md lists them; keep the two in step.
 */
import { MAX_DISAPPEARING_MS, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, MIN_DISAPPEARING_MS } from '@causette/core'
import type { DaemonOperations } from '../daemon/daemon-operations.ts'
import { InvalidRequestError } from '../errors.ts'
import { backupRoutes } from './backup-routes.ts'
import { deviceRoutes } from './device-routes.ts'
import type { EventFilter } from './event-stream.ts'
import { fileRoutes } from './file-routes.ts'
import { inviteRoutes } from './invite-routes.ts'
import { memberRoutes } from './member-routes.ts'
import { messageRoutes } from './message-routes.ts'
import { pollRoutes } from './poll-routes.ts'
import { preferenceRoutes } from './preference-routes.ts'
import { type Route, route } from './route.ts'
import { signalRoutes } from './signal-routes.ts'
import { fields, optionalHexPrefix, optionalInteger, optionalText, query, queryInteger, text } from './validation.ts'

const MAX_HISTORY_PAGE = 1000
const MAX_SEARCH_RESULTS = 500
const MAX_QUERY_LENGTH = 500
const LINK_MAX = 4096
const EVENT_TYPES_MAX = 40
/** A join may wait this long for a member holding the invite: under the 5 minutes HTTP clients commonly wait for an answer. */
const MAX_JOIN_WAIT_MS = 240_000

export function routes(ops: DaemonOperations): Route[] {
  const group = '([^/]+)'
  return [
    route('GET', '/v1/status', async ({ query: q }) => {
      query(q, [])
      return { json: await ops.status() }
    }),
    route('GET', '/v1/groups', async ({ query: q }) => {
      query(q, [])
      return { json: { groups: await ops.groups() } }
    }),
    route('POST', '/v1/groups', async ({ body }) => {
      const f = fields(await body(), ['name'])
      return { status: 201, json: { group: await ops.createGroup(text(f, 'name', { max: MAX_NAME_LENGTH }).trim()) } }
    }),
    route('GET', `/v1/groups/${group}`, async ({ params, query: q }) => {
      query(q, [])
      return { json: { group: await ops.group(params[0] as string) } }
    }),
    route('POST', '/v1/join', async ({ body }) => {
      const f = fields(await body(), ['link', 'timeoutMs'])
      return { json: await ops.join(text(f, 'link', { max: LINK_MAX }), optionalInteger(f, 'timeoutMs', { min: 1000, max: MAX_JOIN_WAIT_MS })) }
    }),
    route('GET', `/v1/groups/${group}/messages`, async ({ params, query: q }) => {
      const p = query(q, ['limit', 'before'])
      const before = optionalHexPrefix(p.get('before'), 'before')
      const limit = queryInteger(p, 'limit', { min: 1, max: MAX_HISTORY_PAGE, default: 50 })
      return { json: await ops.history(params[0] as string, { limit, ...(before === undefined ? {} : { before }) }) }
    }),
    route('POST', `/v1/groups/${group}/messages`, async ({ params, body }) => {
      const f = fields(await body(), ['text', 'replyTo', 'mentions', 'waitKeptMs', 'disappearAfter'])
      const message = text(f, 'text', { max: MAX_TEXT_LENGTH })
      const replyTo = optionalHexPrefix(optionalText(f, 'replyTo', { max: 64 }), 'replyTo')
      const waitKeptMs = optionalInteger(f, 'waitKeptMs', { min: 0, max: 60_000 })
      const disappearAfter = optionalInteger(f, 'disappearAfter', { min: MIN_DISAPPEARING_MS / 1000, max: MAX_DISAPPEARING_MS / 1000 })
      const mentions = f.mentions
      if (
        mentions !== undefined &&
        (!Array.isArray(mentions) || mentions.length > 50 || mentions.some((m) => typeof m !== 'string' || m.length > 200))
      ) {
        throw new InvalidRequestError('"mentions" must be a list of at most 50 members (display names or starts of keys)')
      }
      const options = {
        ...(replyTo === undefined ? {} : { replyTo }),
        ...(mentions === undefined ? {} : { mentions: mentions as string[] }),
        ...(waitKeptMs === undefined ? {} : { waitKeptMs }),
        ...(disappearAfter === undefined ? {} : { disappearAfter: disappearAfter * 1000 })
      }
      return { status: 201, json: await ops.send(params[0] as string, message, options) }
    }),
    route('GET', `/v1/groups/${group}/pins`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.pins(params[0] as string) }
    }),
    route('GET', `/v1/groups/${group}/export`, async ({ params, query: q }) => {
      query(q, [])
      const ref = params[0] as string
      // resolve now, so an unknown group is a 404 and not an empty export
      ops.groupRef(ref)
      return { stream: ops.exportLines(ref), contentType: 'application/x-ndjson; charset=utf-8' }
    }),
    route('POST', `/v1/groups/${group}/read`, async ({ params, body }) => {
      fields(await body(), [])
      return { json: await ops.markRead(params[0] as string) }
    }),
    route('GET', '/v1/mentions', async ({ query: q }) => {
      const p = query(q, ['group', 'limit'])
      const limit = queryInteger(p, 'limit', { min: 1, max: MAX_SEARCH_RESULTS, default: 50 })
      const groupRef = p.get('group')
      return { json: await ops.mentions({ limit, ...(groupRef === undefined ? {} : { group: groupRef }) }) }
    }),
    route('GET', '/v1/search', async ({ query: q }) => {
      const p = query(q, ['q', 'group', 'limit'])
      const searchFor = p.get('q')
      if (searchFor === undefined || searchFor.trim() === '') throw new InvalidRequestError('"q" (what to search for) is missing')
      if (searchFor.length > MAX_QUERY_LENGTH) throw new InvalidRequestError(`"q" is longer than ${MAX_QUERY_LENGTH} characters`)
      const limit = queryInteger(p, 'limit', { min: 1, max: MAX_SEARCH_RESULTS, default: 50 })
      const groupRef = p.get('group')
      return { json: await ops.search(searchFor, { limit, ...(groupRef === undefined ? {} : { group: groupRef }) }) }
    }),
    route('GET', '/v1/peers', async ({ query: q }) => {
      query(q, [])
      return { json: ops.peers() }
    }),
    route('GET', '/v1/profile', async ({ query: q }) => {
      query(q, [])
      return { json: ops.profile() }
    }),
    route('PUT', '/v1/profile', async ({ body }) => {
      const f = fields(await body(), ['name'])
      return { json: await ops.setName(text(f, 'name', { max: MAX_NAME_LENGTH }).trim()) }
    }),
    route('GET', '/v1/events', async ({ query: q }) => {
      const p = query(q, ['group', 'types'])
      const filter: EventFilter = {}
      const groupRef = p.get('group')
      if (groupRef !== undefined) filter.groupId = ops.groupRef(groupRef).id
      const types = p.get('types')
      if (types !== undefined) {
        const list = types.split(',').map((t) => t.trim())
        if (list.length > EVENT_TYPES_MAX || list.some((t) => !/^[a-z:-]{1,40}$/.test(t))) {
          throw new InvalidRequestError('"types" must be a comma-separated list of event types, e.g. message,sync:progress')
        }
        filter.types = new Set(list)
      }
      return { events: filter }
    }),
    ...memberRoutes(ops.members),
    ...messageRoutes(ops.actions, ops.about),
    ...pollRoutes(ops.polls),
    ...inviteRoutes(ops.invites),
    ...deviceRoutes(ops.devices),
    ...signalRoutes(ops.signals),
    ...preferenceRoutes(ops.preferences),
    ...fileRoutes(ops.files),
    ...backupRoutes(ops.backups, (ref) => ops.groupRef(ref)),
    route('POST', '/v1/stop', async ({ body }) => {
      fields(await body(), [])
      return { status: 202, json: { stopping: true }, after: () => ops.stop() }
    })
  ]
}
