// How the daemon's C allocator is set up on Linux (glibc), from causette.js.
//
// Node allocates the memory behind every Buffer and Uint8Array with malloc:
// network reads (64 KiB each, shrunk to what was read), frames, message
// bytes. A burst of messages leaves glibc's heap full of freed holes between
// chunks still in use; glibc returns memory only from the top of its heap,
// never from holes, and it raises its mmap threshold on its own (up to 32
// MiB) once a large block is freed, so ever larger buffers land in the heap.
// Measured after the daemon took in 100,000 messages and compacted its V8
// heap: malloc's main arena 109 MiB, 91 MiB of it free and kept; its other
// arenas (one per busy thread) 20 MiB, 16 free (test/bench/RESULTS.md).
//
// glibc reads these settings from the environment when the process starts,
// so `causette start` runs itself again (the same process, execve) with
// those the user has not set; with all of them set already, or with glibc's
// malloc tunables given in GLIBC_TUNABLES, nothing changes. Any other
// command starts as it is. Plain JavaScript, as causette.js: Node 20 loads
// this too (it hands the settings to the Node 24 it starts).
//
// - MALLOC_ARENA_MAX=2: two arenas, not up to 8 per core: fewer half-empty
//   arenas for the signature worker, V8's GC and compiler threads and libuv's
//   pool;
// - MALLOC_MMAP_THRESHOLD_=16384: a block of 16 KiB or more is a mapping of
//   its own, returned to the system when freed (read buffers, large frames);
//   setting it also stops glibc raising it;
// - MALLOC_TRIM_THRESHOLD_=65536, MALLOC_TOP_PAD_=65536: free memory at the
//   top of the heap goes back once it passes 64 KiB (default 128 KiB, and
//   raised with the mmap threshold), and the heap grows by 64 KiB more than
//   asked, not 128 KiB.

export const DAEMON_MALLOC_SETTINGS = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '16384',
  MALLOC_TRIM_THRESHOLD_: '65536',
  MALLOC_TOP_PAD_: '65536'
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
  if (platform !== 'linux' || commandOf(args) !== 'start') return undefined
  if ((env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.')) return undefined
  const missing = Object.entries(DAEMON_MALLOC_SETTINGS).filter(([name]) => env[name] === undefined)
  if (missing.length === 0) return undefined
  return { ...env, ...Object.fromEntries(missing) }
}
