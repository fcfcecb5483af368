/**
 * The control API's endpoints for backups and group bundles: a backup's
 * records streamed to the CLI (which seals them under the passphrase), a
 * group's bundle streamed, and a bundle taken in and imported.
 * docs/control-api.md lists them.
 */
import type { BackupOperations } from '../daemon/backup-operations.ts'
import { type Route, route } from './route.ts'
import { query } from './validation.ts'

const BINARY = 'application/octet-stream'

/** `groupRef` resolves a group's name, id or id prefix, or throws UnknownGroupError. */
export function backupRoutes(ops: BackupOperations, groupRef: (ref: string) => unknown): Route[] {
  return [
    route('GET', '/v1/backup', async ({ query: q }) => {
      query(q, [])
      return { stream: ops.backup(), contentType: BINARY }
    }),
    route('GET', '/v1/groups/([^/]+)/bundle', async ({ params, query: q }) => {
      query(q, [])
      // resolved now, so an unknown group is a 404 and not a cut stream
      groupRef(params[0] as string)
      return { stream: ops.bundle(params[0] as string), contentType: BINARY }
    }),
    route('POST', '/v1/bundles', async ({ bytes }) => ({ json: await ops.import(bytes()) }))
  ]
}
