/**
 * The `causette` command line: `causette start` runs the daemon; every other
 * command talks to the running daemon of the same data directory through
 * its control API (`restore` makes a data directory, and `backup` reads one
 * itself when no daemon runs). Errors print as one line (or one JSON object with
 * --json) on stderr, with exit status 1.
 */
import { Command } from 'commander'
import { ApiRequestError } from '../errors.ts'
import { endWhenOutputCloses } from './closed-output.ts'
import { registerBackups } from './commands/backups.ts'
import { registerBundles } from './commands/bundles.ts'
import { registerDevices } from './commands/devices.ts'
import { registerFiles } from './commands/files.ts'
import { registerGroups } from './commands/groups.ts'
import { registerInvites } from './commands/invites.ts'
import { registerMembers } from './commands/members.ts'
import { registerMessageActions } from './commands/message-actions.ts'
import { registerMessages } from './commands/messages.ts'
import { registerNetwork } from './commands/network.ts'
import { registerPins } from './commands/pins.ts'
import { registerPolls } from './commands/polls.ts'
import { registerPreferences } from './commands/preferences.ts'
import { registerPresence } from './commands/presence.ts'
import { registerProfile } from './commands/profile.ts'
import { registerStart } from './commands/start.ts'
import { registerTrust } from './commands/trust.ts'

const VERSION = '0.1.0'

const program = new Command('causette')
  .description('Causette: peer-to-peer group chat with no server')
  .version(VERSION)
  .option('--home <dir>', 'data directory (default: $CAUSETTE_HOME, else ~/.local/share/causette or your platform’s equivalent)')
  .option('--json', 'machine-readable output: JSON on stdout, errors as JSON on stderr')
  .showHelpAfterError('(add --help for usage)')
  // every command's --help shows --home and --json too
  .configureHelp({ showGlobalOptions: true })

program.addHelpText(
  'after',
  `
Start the daemon in one terminal, then use the other commands from another:
  causette start --name Alice
  causette create "Climbing club"
  causette invite "Climbing club" --expires 7d     (send the link privately)
  causette join causette:join/…                     (on the other device)
  causette send "Climbing club" Sunday at 10?
  causette tail "Climbing club"

A group is named by its name (any case), its id, or the start of its id; a member by their
display name in the group or the start of their key (\`causette members <group>\` shows both).`
)

registerStart(program)
registerGroups(program)
registerMembers(program)
registerInvites(program)
registerMessages(program)
registerMessageActions(program)
registerFiles(program)
registerPins(program)
registerPolls(program)
registerTrust(program)
registerDevices(program)
registerProfile(program)
registerPresence(program)
registerPreferences(program)
registerNetwork(program)
registerBundles(program)
registerBackups(program)

endWhenOutputCloses()

try {
  await program.parseAsync(process.argv)
} catch (err) {
  const error = err as Error
  const name = error instanceof ApiRequestError ? error.errorName : error.name
  if (program.opts().json === true) process.stderr.write(`${JSON.stringify({ error: { name, message: error.message } })}\n`)
  else process.stderr.write(`causette: ${error.message}\n`)
  process.exitCode = 1
}
