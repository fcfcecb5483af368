/** What every command needs from the global options: the data directory, the output, the daemon. */
import type { Command } from 'commander'
import { resolveHome } from '../data-dir.ts'
import { ApiClient } from './api-client.ts'
import { Output } from './output.ts'

export interface CommandContext {
  home: string
  out: Output
  /** The daemon of `home`; DaemonNotRunningError if there is none. */
  connect: () => Promise<ApiClient>
}

export function contextOf(command: Command): CommandContext {
  const globals = command.optsWithGlobals() as { home?: string; json?: boolean }
  const home = resolveHome(globals.home)
  return { home, out: new Output(globals.json === true), connect: () => ApiClient.connect(home) }
}

/** The API path of a group named by id, id prefix or name. */
export function groupPath(ref: string, rest = ''): string {
  return `/v1/groups/${encodeURIComponent(ref)}${rest}`
}

/** The API path of a member of a group, named by display name or the start of its key. */
export function memberPath(group: string, member: string, rest = ''): string {
  return groupPath(group, `/members/${encodeURIComponent(member)}${rest}`)
}
