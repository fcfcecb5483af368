/**
 * The benchmark harness: runs benchmarks, prints a table, writes
 * results.json and the generated part of RESULTS.md. Each benchmark is a
 * module exporting a `Benchmark`; sizes shrink under --quick.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'

export interface Target {
  /** '>=' when more is better, '<=' when less is. */
  op: '>=' | '<='
  value: number
}

export interface Metric {
  name: string
  value: number
  unit: string
  target?: Target
  conditions: string
  /** Why it could not be measured this run (a compared system failed to install or run); `value` is then meaningless. */
  error?: string
  /** When it was measured (ISO); set when recorded. */
  date?: string
}

export interface BenchContext {
  quick: boolean
  log: (line: string) => void
}

export interface Benchmark {
  name: string
  run(ctx: BenchContext): Promise<Metric[]>
}

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
}

export function machine(): Machine {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`
  }
}

export function meets(metric: Metric): boolean | undefined {
  if (metric.target === undefined) return undefined
  if (metric.error !== undefined) return false
  return metric.target.op === '>=' ? metric.value >= metric.target.value : metric.value <= metric.target.value
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US')
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3)
}

export function table(metrics: Metric[]): string {
  const rows = metrics.map((m) => {
    const verdict = meets(m)
    return [
      m.name,
      m.error === undefined ? `${formatValue(m.value)} ${m.unit}` : 'not measured',
      m.target === undefined ? '' : `${m.target.op} ${formatValue(m.target.value)} ${m.unit}`,
      verdict === undefined ? '' : verdict ? 'met' : 'MISSED',
      m.error === undefined ? m.conditions : [m.error, m.conditions].filter((text) => text !== '').join('; ')
    ]
  })
  const header = ['metric', 'value', 'target', '', 'conditions']
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

export interface RunRecord {
  date: string
  quick: boolean
  /** The one benchmark run (--only); absent when every benchmark ran. */
  only?: string
  machine: Machine
  metrics: Metric[]
}

const START = '<!-- results:start -->'
const END = '<!-- results:end -->'

/**
 * Writes results.json and replaces the generated section of RESULTS.md,
 * keeping the written analysis around it. A run with --only keeps the
 * metrics it did not measure from the previous results, each with the date
 * it was measured; a whole run replaces them all, so a metric that was
 * renamed or removed does not linger.
 */
export async function record(dir: URL, run: RunRecord): Promise<void> {
  let previous: RunRecord | undefined
  try {
    previous = JSON.parse(await readFile(new URL('results.json', dir), 'utf8')) as RunRecord
  } catch {
    previous = undefined
  }
  const measured = new Set(run.metrics.map((m) => m.name))
  const dated = run.metrics.map((m) => ({ ...m, date: m.date ?? run.date }))
  const kept =
    run.only === undefined
      ? []
      : (previous?.metrics ?? []).filter((m) => !measured.has(m.name)).map((m) => ({ ...m, date: m.date ?? previous?.date }))
  run = { ...run, metrics: [...dated, ...kept] }
  await writeFile(new URL('results.json', dir), `${JSON.stringify(run, null, 2)}\n`)
  const path = new URL('RESULTS.md', dir)
  let text = ''
  try {
    text = await readFile(path, 'utf8')
  } catch {
    text = `# Benchmark results\n\n${START}\n${END}\n`
  }
  const m = run.machine
  const generated = [
    START,
    `Last run: ${run.date}${run.quick ? ' (--quick: reduced sizes)' : ''}${run.only === undefined ? '' : ` (--only ${run.only})`}, on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    '',
    table(run.metrics),
    '',
    'Each metric was measured in the last run unless its conditions say otherwise; results.json has the date of each.',
    END
  ].join('\n')
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  text = start === -1 || end === -1 ? `${text.trimEnd()}\n\n${generated}\n` : text.slice(0, start) + generated + text.slice(end + END.length)
  await writeFile(path, text)
}
