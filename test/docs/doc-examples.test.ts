/**
 * The documentation's examples cannot go stale: every ```ts block of
 * README.md and docs/*.md is type-checked against the workspaces, every one
 * not marked `fragment` is run and must print what the `// …` comments of
 * its console.log lines say, and every `causette` command and flag the docs
 * mention must exist in the CLI, as every command and flag of the CLI must
 * be in the reference table of docs/daemon-and-cli.md.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import {
  type CodeBlock,
  type CommandMention,
  codeBlocks,
  docFiles,
  flagsIn,
  inlineCommands,
  npmScripts,
  ROOT,
  relayCommands,
  shellCommands,
  tableFirstCells
} from './doc-blocks.ts'

const run = promisify(execFile)
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const CLI = join(ROOT, 'node/bin/causette.js')
const RELAY = join(ROOT, 'relay/bin/causette-relay.js')
/** The examples run here: inside the repository, so `@causette/core` resolves; git and Biome ignore it. */
const SCRATCH = join(ROOT, '.doc-examples')
const RUN_TIMEOUT_MS = 20_000

interface CliSpec {
  global: Set<string>
  commands: Map<string, Set<string>>
}

let blocks: CodeBlock[]
let dir: string
let cli: CliSpec

const fileOf = (b: CodeBlock): string => `${b.doc.replace(/[/.]/g, '_')}_${b.line}.ts`
const isTs = (b: CodeBlock): boolean => /^(ts|typescript)\b/.test(b.info)
const isFragment = (b: CodeBlock): boolean => /\bfragment\b/.test(b.info)

/** What `causette --help` and `causette <command> --help` list: commands, their options, the global options. */
async function cliSpec(): Promise<CliSpec> {
  const help = async (args: string[]): Promise<string> => (await run(process.execPath, [CLI, ...args, '--help'])).stdout
  const options = (text: string, section: string): Set<string> => {
    const part = text.split(/\n(?=\S)/).find((s) => s.startsWith(`${section}:`)) ?? ''
    return new Set(
      [...part.matchAll(/^ {2}(?:(-\w), )?(--[\w-]+)/gm)].flatMap((m) => (m[1] === undefined ? [m[2] as string] : [m[1], m[2] as string]))
    )
  }
  const root = await help([])
  const names = [...(root.split(/\nCommands:\n/)[1]?.split('\n\n')[0] ?? '').matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1] as string)
    .filter((n) => n !== 'help')
  const commands = new Map(await Promise.all(names.map(async (n) => [n, options(await help([n]), 'Options')] as const)))
  return { global: options(root, 'Options'), commands }
}

function unknownIn(mentions: CommandMention[]): string[] {
  const wrong: string[] = []
  for (const m of mentions) {
    const flags = cli.commands.get(m.command)
    if (flags === undefined) {
      wrong.push(`${m.where}: \`causette ${m.command}\` is not a command`)
      continue
    }
    for (const f of m.flags) if (!flags.has(f) && !cli.global.has(f)) wrong.push(`${m.where}: \`causette ${m.command}\` has no option ${f}`)
  }
  return wrong
}

before(async () => {
  const files = await docFiles()
  ;[blocks, cli] = await Promise.all([codeBlocks(files), cliSpec()])
  await mkdir(SCRATCH, { recursive: true })
  dir = await mkdtemp(join(SCRATCH, 'run-'))
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { types: ['node'] }, include: ['*.ts'] })
  )
  // `export {}` makes each block a module of its own, whether or not it imports anything
  for (const b of blocks.filter(isTs)) await writeFile(join(dir, fileOf(b)), `${b.code}\nexport {}\n`)
})

after(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('the documentation', () => {
  it('has TypeScript examples, and marks a fragment as such rather than leaving it unchecked', () => {
    const ts = blocks.filter(isTs)
    assert.ok(ts.length >= 3, 'README.md and docs/ show how to use core')
    const unlabelled = blocks.filter((b) => b.info === '' || /^(js|javascript|typescript)$/.test(b.info))
    assert.deepEqual(
      unlabelled.map((b) => `${b.doc}:${b.line}`),
      [],
      'fence every code block with its language (ts, sh, text), so none escapes the checks'
    )
  })

  it('shows TypeScript that compiles against the code as it is', async () => {
    try {
      await run(process.execPath, [TSC, '-p', dir], { cwd: ROOT })
    } catch (err) {
      const out = `${(err as { stdout?: string }).stdout ?? ''}`
      // point at the line of the doc rather than the scratch file
      const located = out.replace(/[^\s(]*?([\w]+_md)_(\d+)\.ts\((\d+),(\d+)\)/g, (_all, doc: string, line: string, row: string) => {
        const name = doc.replace(/_md$/, '.md').replace(/^docs_/, 'docs/')
        return `${name}:${Number(line) + Number(row)}`
      })
      assert.fail(`documentation examples no longer compile:\n${located}`)
    }
  })

  it('shows examples that run and print what their comments say', async () => {
    const runnable = blocks.filter((b) => isTs(b) && !isFragment(b))
    assert.ok(runnable.length > 0)
    await Promise.all(
      runnable.map(async (b) => {
        const expected = [...b.code.matchAll(/^.*console\.log\(.*\)\s*\/\/ (.*)$/gm)].map((m) => (m[1] as string).trim())
        const { stdout } = await run(process.execPath, [join(dir, fileOf(b))], { cwd: ROOT, timeout: RUN_TIMEOUT_MS })
        const printed = stdout.trim() === '' ? [] : stdout.trim().split('\n')
        assert.deepEqual(printed, expected, `${b.doc}:${b.line}: the example prints something other than its comments say`)
      })
    )
  })

  it('names only causette commands and options that exist', async () => {
    const mentions = [...blocks.filter((b) => b.info === 'sh').flatMap(shellCommands), ...(await inlineCommands(await docFiles()))]
    assert.ok(mentions.length > 10)
    assert.deepEqual(unknownIn(mentions), [])
  })

  it('names only npm scripts that package.json has', async () => {
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    const wrong = blocks
      .filter((b) => b.info === 'sh')
      .flatMap(npmScripts)
      .filter((s) => !['install', 'ci'].includes(s.script) && scripts[s.script] === undefined)
    assert.deepEqual(
      wrong.map((s) => `${s.where}: npm ${s.script}`),
      []
    )
  })

  it("names only the relay's options, and lists every one of them in docs/relay.md", async () => {
    const help = (await run(process.execPath, [RELAY, '--help'])).stdout
    const options = new Set([...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1] as string).filter((f) => f !== '--help'))
    assert.ok(options.size > 10)
    const mentioned = blocks.filter((b) => b.info === 'sh').flatMap(relayCommands)
    assert.ok(mentioned.length > 0, 'docs/relay.md shows how to start it')
    const unknown = mentioned.flatMap((m) => m.flags.filter((f) => !options.has(f)).map((f) => `${m.where}: causette-relay has no option ${f}`))
    assert.deepEqual(unknown, [])
    const table = (await tableFirstCells('docs/relay.md', '## Settings')).flatMap((r) => r.spans.flatMap((span) => flagsIn(span)))
    assert.deepEqual(
      [...options].filter((f) => !table.includes(f)),
      [],
      'add these to the table of docs/relay.md'
    )
    assert.deepEqual(
      table.filter((f) => !options.has(f)),
      [],
      'the table of docs/relay.md lists options the relay does not have'
    )
  })

  it('lists every command and option of the CLI in the reference, and nothing else', async () => {
    const rows = await tableFirstCells('docs/daemon-and-cli.md', '## Commands')
    const table: CommandMention[] = rows.flatMap((r) =>
      r.spans.map((span) => ({ where: r.where, command: span.split(' ')[0] as string, flags: flagsIn(span.replace(/^\S+/, '')) }))
    )
    const startOptions = (await tableFirstCells('docs/daemon-and-cli.md', '## causette start')).flatMap((r) =>
      r.spans.map((span) => ({ where: r.where, command: 'start', flags: flagsIn(span) }))
    )
    assert.deepEqual(unknownIn([...table, ...startOptions]), [])
    const documented = new Map<string, Set<string>>()
    for (const m of [...table, ...startOptions]) documented.set(m.command, new Set([...(documented.get(m.command) ?? []), ...m.flags]))
    const missing: string[] = []
    for (const [command, flags] of cli.commands) {
      if (!documented.has(command)) missing.push(`causette ${command}`)
      for (const f of flags) {
        if (f === '--help' || f === '-h' || f.length === 2) continue
        if (!documented.get(command)?.has(f)) missing.push(`causette ${command} ${f}`)
      }
    }
    assert.deepEqual(missing, [], 'add these to the tables of docs/daemon-and-cli.md')
  })
})
