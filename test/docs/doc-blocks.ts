/** Reads the documentation's code: fenced blocks and `causette …` command lines from README.md and docs/*.md. */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

export const ROOT = new URL('../../', import.meta.url).pathname

export interface CodeBlock {
  /** Path from the repository root, e.g. docs/protocol.md. */
  doc: string
  /** Line of the opening fence (1-based); the code starts on the next line. */
  line: number
  /** What follows the backticks: `ts`, `ts fragment`, `sh`, … */
  info: string
  code: string
}

/** A command line the docs show, with where they show it. */
export interface CommandMention {
  where: string
  command: string
  flags: string[]
}

export async function docFiles(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))
  return [join(ROOT, 'README.md'), ...docs.sort()]
}

export async function codeBlocks(files: string[]): Promise<CodeBlock[]> {
  const blocks: CodeBlock[] = []
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n')
    let open: { line: number; info: string; code: string[] } | undefined
    lines.forEach((text, i) => {
      const fence = /^```(.*)$/.exec(text)
      if (fence === null) {
        open?.code.push(text)
        return
      }
      if (open === undefined) open = { line: i + 1, info: (fence[1] ?? '').trim(), code: [] }
      else {
        blocks.push({ doc: relative(ROOT, file), line: open.line, info: open.info, code: open.code.join('\n') })
        open = undefined
      }
    })
    if (open !== undefined) throw new Error(`${relative(ROOT, file)}:${open.line}: a code block is never closed`)
  }
  return blocks
}

/** Flags in a piece of command line: `--limit`, `-n`, `--no-mdns` (not `-` alone, nor `<text...>`). */
export function flagsIn(text: string): string[] {
  return [...text.matchAll(/(?:^|[\s[(|])(--?[a-zA-Z][\w-]*)/g)].map((m) => m[1] as string)
}

/**
 * The causette command lines of a shell block: `causette …`, `npx causette …`,
 * `node_modules/.bin/causette …`, and `npm start -- …` (which is `causette start …`).
 * Comments and quoted arguments are left out, so words in them are not taken for flags.
 */
export function shellCommands(block: CodeBlock): CommandMention[] {
  const found: CommandMention[] = []
  block.code.split('\n').forEach((raw, i) => {
    const line = raw
      .replace(/\s#.*$/, '')
      .replace(/'[^']*'|"[^"]*"/g, 'ARG')
      .trim()
    const where = `${block.doc}:${block.line + i + 1}`
    const cli = /^(?:npx\s+|node_modules\/\.bin\/)?causette\s+(.*)$/.exec(line)
    const npmStart = /^npm start(?:\s+--\s+(.*))?$/.exec(line)
    const rest = cli?.[1] ?? (npmStart === null ? undefined : `start ${npmStart[1] ?? ''}`)
    if (rest === undefined) return
    // global options (--home DIR, --json) may come before the command
    const words = rest
      .replace(/--home\s+\S+/, '')
      .trim()
      .split(/\s+/)
    const command = words.find((w) => !w.startsWith('-')) ?? ''
    found.push({ where, command, flags: flagsIn(rest) })
  })
  return found
}

/** The relay's command lines of a shell block (`causette-relay …`, `npm run relay -- …`) as the flags they pass. */
export function relayCommands(block: CodeBlock): Array<{ where: string; flags: string[] }> {
  const found: Array<{ where: string; flags: string[] }> = []
  block.code.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s#.*$/, '').trim()
    const m = /^(?:causette-relay|npm run relay(?:\s+--)?)(?:\s+(.*))?$/.exec(line)
    if (m !== null) found.push({ where: `${block.doc}:${block.line + i + 1}`, flags: flagsIn(m[1] ?? '') })
  })
  return found
}

/** npm commands of a shell block: `npm test`, `npm run bench`, … as the script they name. */
export function npmScripts(block: CodeBlock): Array<{ where: string; script: string }> {
  const found: Array<{ where: string; script: string }> = []
  block.code.split('\n').forEach((raw, i) => {
    const m = /^npm\s+(?:run\s+)?([\w:-]+)/.exec(raw.trim())
    if (m !== null) found.push({ where: `${block.doc}:${block.line + i + 1}`, script: m[1] as string })
  })
  return found
}

/** `causette <command> …` written as inline code in the prose. */
export async function inlineCommands(files: string[]): Promise<CommandMention[]> {
  const found: CommandMention[] = []
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n')
    let inBlock = false
    lines.forEach((text, i) => {
      if (text.startsWith('```')) inBlock = !inBlock
      if (inBlock) return
      for (const m of text.matchAll(/`causette ([a-z][\w-]*)([^`]*)`/g)) {
        found.push({ where: `${relative(ROOT, file)}:${i + 1}`, command: m[1] as string, flags: flagsIn(m[2] as string) })
      }
    })
  }
  return found
}

/**
 * The rows of the first table under a heading of a markdown file: the code
 * spans of each row's first cell (a command such as `history <group> [-n, --limit 50]`).
 */
export async function tableFirstCells(file: string, heading: string): Promise<Array<{ where: string; spans: string[] }>> {
  const lines = (await readFile(join(ROOT, file), 'utf8')).split('\n')
  const start = lines.indexOf(heading)
  if (start < 0) throw new Error(`${file} has no heading "${heading}"`)
  const rows: Array<{ where: string; spans: string[] }> = []
  for (let i = start + 1; i < lines.length; i++) {
    const text = lines[i] as string
    if (text.startsWith('#')) break
    if (!text.startsWith('| `')) {
      if (rows.length > 0 && !text.startsWith('|')) break
      continue
    }
    const first = text.split(/(?<!\\)\|/)[1] ?? ''
    rows.push({ where: `${file}:${i + 1}`, spans: [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string) })
  }
  return rows
}
