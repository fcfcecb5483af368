/**
 * Where the time goes in a CPU profile: `node test/bench/profile-summary.ts
 * FILE.cpuprofile [--top N] [--callers FUNCTION] [--from S] [--to S]
 * [--timeline]` prints self time by package (or Causette folder) and the
 * costliest functions, or the call paths that reach one function, for the
 * notes in RESULTS.md; --from/--to keep only the samples between two moments
 * (seconds from the profile's start), and --timeline prints how busy each
 * second was, to find the phase worth reading. Make the profile with
 * `node --cpu-prof --cpu-prof-dir=DIR test/bench/run.ts --only NAME --no-record`.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** The package a script belongs to (`@libp2p/gossipsub`, `@noble/ciphers`), Causette's folder (`core/sync`), or what V8 calls it. */
function ownerOf(url: string, functionName: string): string {
  if (url === '') return functionName === '' ? '(anonymous)' : `(${functionName.replace(/^\(|\)$/g, '')})`
  const inModules = url.lastIndexOf('/node_modules/')
  if (inModules !== -1) {
    const parts = url.slice(inModules + '/node_modules/'.length).split('/')
    return (parts[0] as string).startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string)
  }
  const causette = url.match(/\/(core|node|relay|test)\/(src\/)?([^/]+)\//)
  if (causette !== null) return `causette ${causette[1]}/${causette[3]}`
  if (url.startsWith('node:')) return 'node (built-in modules)'
  return url
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    callers: { type: 'string' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: 'Infinity' },
    timeline: { type: 'boolean', default: false }
  }
})
const file = positionals[0]
if (file === undefined) {
  console.error('usage: node test/bench/profile-summary.ts FILE.cpuprofile [--top N] [--callers FUNCTION]')
  process.exit(2)
}
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const selfUs = new Map<number, number>()
const fromUs = Number(values.from) * 1e6
const toUs = Number(values.to) * 1e6
/** Busy µs in each second of the profile, for --timeline. */
const busyBySecond: number[] = []
let at = 0
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i] as number
  const delta = profile.timeDeltas[i] ?? 0
  at += delta
  if (byId.get(id)?.callFrame.functionName !== '(idle)') {
    const second = Math.floor(at / 1e6)
    busyBySecond[second] = (busyBySecond[second] ?? 0) + delta
  }
  if (at < fromUs || at > toUs) continue
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta)
}
if (values.timeline) {
  console.log('busy share of each second of the profile:')
  for (let s = 0; s < busyBySecond.length; s++)
    console.log(`${String(s).padStart(4)} s  ${(((busyBySecond[s] ?? 0) / 1e6) * 100).toFixed(0).padStart(3)} %`)
  process.exit(0)
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0)
const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0)

function frameName(frame: ProfileNode['callFrame']): string {
  const where =
    frame.url === ''
      ? ''
      : ` ${frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(core|node|test)\//, '$1/')}:${frame.lineNumber + 1}`
  return `${frame.functionName || '(anonymous)'}${where}`
}

const top = Number(values.top)
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`
const share = (us: number) => `${((us / (total - idle)) * 100).toFixed(1).padStart(5)} %`

if (values.callers !== undefined) {
  // the six frames above each sample of the function, grouped: who makes it costly
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const paths = new Map<string, number>()
  for (const [id, us] of selfUs) {
    if ((byId.get(id) as ProfileNode).callFrame.functionName !== values.callers) continue
    const chain: string[] = []
    for (let at = parent.get(id); at !== undefined && chain.length < 6; at = parent.get(at))
      chain.push(frameName((byId.get(at) as ProfileNode).callFrame))
    const path = chain.join('\n           < ')
    paths.set(path, (paths.get(path) ?? 0) + us)
  }
  console.log(`call paths to ${values.callers} (self time):`)
  for (const [path, us] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ${share(us)}  ${path}\n`)
  process.exit(0)
}

const byOwner = new Map<string, number>()
const byFunction = new Map<string, number>()
for (const [id, us] of selfUs) {
  const frame = (byId.get(id) as ProfileNode).callFrame
  const owner = ownerOf(frame.url, frame.functionName)
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + us)
  const key = frameName(frame)
  byFunction.set(key, (byFunction.get(key) ?? 0) + us)
}

console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(idle / 1e6).toFixed(1)} s idle; shares below are of the busy time\n`)
console.log('self time by package or folder:')
for (const [owner, us] of [...byOwner]
  .filter(([o]) => o !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(`${ms(us)} ${share(us)}  ${owner}`)
console.log('\ncostliest functions (self time):')
for (const [fn, us] of [...byFunction]
  .filter(([f]) => !f.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(`${ms(us)} ${share(us)}  ${fn}`)
