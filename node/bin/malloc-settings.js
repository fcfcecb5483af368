// How the daemon's C allocator is set up on Linux (glibc), from causette.js
// (and the relay's, from relay/bin/causette-relay.js: the same settings).
//
// glibc's malloc gives each busy thread an arena of its own (up to 8 per
// core): the daemon's signature worker, V8's GC and compiler threads and
// libuv's pool each keep one, mostly free once a burst is over. Measured
// after the daemon took in 100,000 messages: 6 other arenas of 20 MiB, 16
// of it free; with MALLOC_ARENA_MAX=2 one other arena of 4.6 MiB (2.1
// free); ingest CPU within the noise (test/bench/RESULTS.md).
//
// glibc reads the setting from the environment when the process starts, so
// `causette start` runs itself again (the same process, execve; ~30 ms)
// with it, unless the user set it, or gave glibc's malloc tunables in
// GLIBC_TUNABLES. Any other command starts as it is. Plain JavaScript, as
// causette.js: Node 20 loads this too (it hands the setting to the Node 24
// it starts).
//
// Tried and left out: MALLOC_MMAP_THRESHOLD_=16384 (with
// MALLOC_TRIM_THRESHOLD_ and MALLOC_TOP_PAD_ at 64 KiB) made every block of
// 16 KiB or more, network reads among them, a mapping of its own, given back
// when freed: ~180 MiB after 100,000 messages instead of ~240, but ~40 %
// more CPU a message ingested (page faults and system calls for each read)
// and ~27 ms more to start; 64 KiB cost ~20 %; 128 KiB saved nothing.

export const DAEMON_MALLOC_SETTINGS = {
  MALLOC_ARENA_MAX: '2'
}

/** The command `causette` was given: the first argument that is not a global option or its value. */
export function commandOf(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--home') i++
    else if (!arg.startsWith('-')) return arg
  }
  return undefined
}

/** The environment the daemon should run with, or undefined when it runs with this one as it is. */
export function daemonEnvironment(env, platform, args) {
  if (commandOf(args) !== 'start') return undefined
  return mallocEnvironment(env, platform)
}

/**
 * The environment a long-running Causette process (the daemon, the relay)
 * should run with on Linux, or undefined when it runs with this one as it
 * is: not Linux, the settings already there, or the user's own malloc
 * tuning in GLIBC_TUNABLES.
 */
export function mallocEnvironment(env, platform) {
  if (platform !== 'linux') return undefined
  if ((env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.')) return undefined
  const missing = Object.entries(DAEMON_MALLOC_SETTINGS).filter(([name]) => env[name] === undefined)
  if (missing.length === 0) return undefined
  return { ...env, ...Object.fromEntries(missing) }
}
