/**
 * The control API's endpoints that change what a group shows: a message —
 * edit (its author), delete (its author, a moderator or an admin), react,
 * pin and unpin (moderators and admins) — and the group's name, topic,
 * description and disappearing-message timer (admins). `{message}` is a
 * message id or its start (at least 4 hex digits). docs/control-api.md
 * lists them.
 */
import { MAX_DISAPPEARING_MS, MAX_EMOJI_LENGTH, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, MAX_TOPIC_LENGTH } from '@causette/core'
import type { GroupAbout } from '../daemon/group-about.ts'
import type { MessageActions } from '../daemon/message-actions.ts'
import { type Route, route } from './route.ts'
import { fields, optionalBoolean, optionalHexPrefix, optionalInteger, optionalText, query, text } from './validation.ts'

const GROUP = '([^/]+)'
const MESSAGE = `/v1/groups/${GROUP}/messages/([^/]+)`

export function messageRoutes(ops: MessageActions, about: GroupAbout): Route[] {
  const messageOf = (params: string[]) => optionalHexPrefix(decodeURIComponent(params[1] as string), 'message') as string
  return [
    route('PUT', `${MESSAGE}/text`, async ({ params, body }) => {
      const f = fields(await body(), ['text'])
      return { json: await ops.edit(params[0] as string, messageOf(params), text(f, 'text', { max: MAX_TEXT_LENGTH })) }
    }),
    route('DELETE', MESSAGE, async ({ params, query: q }) => {
      query(q, [])
      return { json: await ops.delete(params[0] as string, messageOf(params)) }
    }),
    route('POST', `${MESSAGE}/reactions`, async ({ params, body }) => {
      const f = fields(await body(), ['emoji', 'remove'])
      const emoji = text(f, 'emoji', { max: MAX_EMOJI_LENGTH })
      return { json: await ops.react(params[0] as string, messageOf(params), emoji, optionalBoolean(f, 'remove') !== true) }
    }),
    route('POST', `${MESSAGE}/pin`, async ({ params, body }) => {
      fields(await body(), [])
      return { json: await ops.pin(params[0] as string, messageOf(params), true) }
    }),
    route('POST', `${MESSAGE}/unpin`, async ({ params, body }) => {
      fields(await body(), [])
      return { json: await ops.pin(params[0] as string, messageOf(params), false) }
    }),
    route('GET', `/v1/groups/${GROUP}/about`, async ({ params, query: q }) => {
      query(q, [])
      return { json: await about.about(params[0] as string) }
    }),
    route('PUT', `/v1/groups/${GROUP}/about`, async ({ params, body }) => {
      const f = fields(await body(), ['name', 'topic', 'description', 'disappearing'])
      const disappearing = optionalInteger(f, 'disappearing', { min: 0, max: MAX_DISAPPEARING_MS / 1000 })
      const changes = {
        ...maybe('name', optionalText(f, 'name', { max: MAX_NAME_LENGTH })),
        ...maybe('topic', optionalText(f, 'topic', { max: MAX_TOPIC_LENGTH })),
        ...maybe('description', optionalText(f, 'description', { max: MAX_TOPIC_LENGTH })),
        ...(disappearing === undefined ? {} : { disappearing })
      }
      return { json: await about.change(params[0] as string, changes) }
    })
  ]
}

function maybe<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>)
}
