#!/usr/bin/env -S node --max-semi-space-size=2
// The `causette` command. The CLI is TypeScript that Node 24 runs directly;
// started by an older Node (the machines ship Node 20), this hands over to
// the Node 24 the project pins as a devDependency (the `node` package).
// V8's young generation is capped at 2 MB semi-spaces (default 16 MB): the
// daemon's resident memory is ~45 MB lower idle and ~120 MB lower after a
// burst of ingest, at no measured cost in speed (test/bench/RESULTS.md).
// `npm start` and the tests pass the same flag.
//
// Node keeps the TypeScript it stripped of types, and V8's compiled code, in
// a cache under the user's cache directory: a start that finds them there
// never loads the type stripper (~17 MiB less resident for the daemon) and
// starts sooner. Entries are checked against the source, so an update is
// picked up; NODE_DISABLE_COMPILE_CACHE=1 turns the cache off.
//
// `causette start` on Linux runs itself again at once (execve: the same
// process) with a glibc malloc setting, fewer arenas (malloc-settings.js).
//
// This file is plain JavaScript that any Node loads: what only newer Nodes
// have is reached through the module object, never imported by name (an
// import Node 20 lacks would fail before the hand-over could run).
import { spawn } from 'node:child_process'
import nodeModule from 'node:module'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { daemonEnvironment } from './malloc-settings.js'

const NEEDED_MAJOR = 24

function compileCacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(base, 'causette', 'node-compile-cache')
}

const args = process.argv.slice(2)
const environment = daemonEnvironment(process.env, process.platform, args)

if (Number(process.versions.node.split('.')[0]) >= NEEDED_MAJOR) {
  if (environment !== undefined && typeof process.execve === 'function') {
    // replaces this process; should it fail, the daemon runs as it is
    try {
      process.execve(process.execPath, [process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...args], environment)
    } catch {}
  }
  try {
    // a cache that cannot be made (no home, a read-only disk) only costs the speed it would bring
    nodeModule.enableCompileCache(compileCacheDir())
  } catch {}
  await import('../src/cli/main.ts')
} else {
  let pinned
  try {
    pinned = join(dirname(nodeModule.createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node')
  } catch {
    process.stderr.write(
      `causette: needs Node ${NEEDED_MAJOR} or later (this is ${process.version}); run \`npm install\` in the Causette checkout to get it\n`
    )
    process.exit(1)
  }
  const child = spawn(pinned, ['--max-semi-space-size=2', fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    env: environment ?? process.env
  })
  // the child is the daemon for `causette start`: pass on what would stop it
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('error', (err) => {
    process.stderr.write(`causette: could not run ${pinned}: ${err.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1)
    // end the way the child ended, without our handler standing in the way
    process.removeAllListeners(signal)
    process.kill(process.pid, signal)
  })
}
