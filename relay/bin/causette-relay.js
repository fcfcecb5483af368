#!/usr/bin/env node
// The `causette-relay` command: TypeScript that Node 24 runs directly.
// Plain JavaScript any Node loads, so that an older one says what it needs
// instead of failing on syntax; `npm run relay` in a checkout runs the
// Node 24 the project pins.
const NEEDED_MAJOR = 24
if (Number(process.versions.node.split('.')[0]) < NEEDED_MAJOR) {
  process.stderr.write(
    `causette-relay: needs Node ${NEEDED_MAJOR} or later (this is ${process.version}); run it with \`npm run relay\` in the Causette checkout, or install Node ${NEEDED_MAJOR}\n`
  )
  process.exit(1)
}
await import('../src/main.ts')
