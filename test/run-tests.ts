/**
 * `npm test`'s first part: every `*.test.ts` under test/, two files at a
 * time, as `node --test` runs them, but the longest files first. node
 * --test sorts files by path, which left the web app's tests (1½–2½
 * minutes each) to the end, one of them often running alone while the
 * other slot of the 2-core machine had nothing left to take. Started first,
 * the long files overlap with the many short ones instead. The order is
 * the only difference: any file not named here runs after these, in path
 * order, and a file named here that no longer exists is an error.
 * Arguments, if any, are the files to run instead of all of them.
 *
 * The files' processes share Node's compile cache (.causette/compile-cache,
 * unless NODE_COMPILE_CACHE names another): each file's process otherwise
 * stripped the types of, and compiled, every module it imports, core's and
 * libp2p's alike, again (~0.3–0.5 s of CPU a file, on ~160 files).
 */
import { glob } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'
import { fileURLToPath } from 'node:url'

/** The longest files, longest first (their times in a CI run of 2026-12-06, with two files at a time). */
const LONGEST_FIRST = [
  'test/sim/simulation.test.ts', // ~270 s
  'test/web/web-backups.test.ts', // ~125–140 s
  'test/web/web-files.test.ts', // ~100 s
  'test/web/web-app.test.ts', // ~85 s
  'test/core/convergence.property.test.ts', // ~40–85 s
  'test/fuzz/decoders.test.ts', // ~75 s
  'test/node/lan-reconnection.test.ts', // ~65 s
  'test/node/crash-safety.test.ts', // ~50–65 s
  'test/relay/auto-tls.test.ts', // ~50 s
  'test/relay/through-relay.test.ts', // ~48 s
  'test/web/web-devices.test.ts', // ~46 s
  'test/node/membership.test.ts', // ~42 s
  'test/node/backup-restore.test.ts', // ~40 s
  'test/node/sqlite-store.test.ts', // ~37 s
  'test/core/membership-convergence.property.test.ts', // ~30 s
  'test/core/partition-and-catch-up.test.ts', // ~34 s
  'test/soak/crash-soak.test.ts', // ~33 s
  'test/relay/relay.test.ts', // ~32 s
  'test/node/message-actions.test.ts' // ~32 s
]

const root = fileURLToPath(new URL('..', import.meta.url))
// inherited by every file's process (entries are checked against the sources, so an edit is picked up)
process.env.NODE_COMPILE_CACHE ??= join(root, '.causette', 'compile-cache')
/** Every test file, by path from the root. */
async function testFiles(): Promise<string[]> {
  const found: string[] = []
  for await (const file of glob('test/**/*.test.ts', { cwd: root })) found.push(file)
  return found.sort()
}

const given = process.argv.slice(2)
// files given are taken from where the command runs, and named from the root like the list above
const all = given.length > 0 ? given.map((file) => relative(root, resolve(file))) : await testFiles()
const missing = LONGEST_FIRST.filter((file) => !all.includes(file))
if (given.length === 0 && missing.length > 0) {
  throw new Error(`test/run-tests.ts names files that are not there: ${missing.join(', ')}; update its list`)
}
const files = [...LONGEST_FIRST.filter((file) => all.includes(file)), ...all.filter((file) => !LONGEST_FIRST.includes(file))]

const stream = run({ files: files.map((file) => resolve(root, file)), concurrency: 2 })
stream.on('test:fail', () => {
  process.exitCode = 1
})
stream.compose(spec).pipe(process.stdout)
