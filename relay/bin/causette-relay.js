#!/usr/bin/env -S node --max-semi-space-size=2
// The `causette-relay` command: TypeScript that Node 24 runs directly.
// Plain JavaScript any Node loads, so that an older one says what it needs
// instead of failing on syntax; `npm run relay` in a checkout runs the
// Node 24 the project pins. As for the daemon (node/bin/causette.js): V8's
// young generation capped at 2 MB semi-spaces, and Node's compile cache
// under the user's cache directory, so that a restart skips the type
// stripper (together ~20 MiB less resident). On Linux it runs itself again
// at once (execve: the same process) with the daemon's glibc malloc
// setting, fewer arenas (node/bin/malloc-settings.js): ~14 MiB less
// resident with 128 reservations and 100 kept groups.
import nodeModule from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mallocEnvironment } from '@causette/node/malloc-settings'

const NEEDED_MAJOR = 24
if (Number(process.versions.node.split('.')[0]) < NEEDED_MAJOR) {
  process.stderr.write(
    `causette-relay: needs Node ${NEEDED_MAJOR} or later (this is ${process.version}); run it with \`npm run relay\` in the Causette checkout, or install Node ${NEEDED_MAJOR}\n`
  )
  process.exit(1)
}
const environment = mallocEnvironment(process.env, process.platform)
if (environment !== undefined && typeof process.execve === 'function') {
  // replaces this process; should it fail, the relay runs as it is
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], environment)
  } catch {}
}
try {
  // a cache that cannot be made (no home, a read-only disk) only costs the speed it would bring
  nodeModule.enableCompileCache(join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'causette', 'node-compile-cache'))
} catch {}
await import('../src/main.ts')
