import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { EntryReel } from './entry-reel.ts'
import { type Metric, machine, record, table } from './harness.ts'
import { logBenchmark } from './log.bench.ts'

describe('benchmark harness', () => {
  it('gives back every entry written ahead, id and bytes, across its buffers', () => {
    const reel = new EntryReel(1000)
    const written = Array.from({ length: 300 }, (_, i) => ({
      id: Uint8Array.from({ length: 32 }, (_, j) => (i + j) & 255),
      bytes: Uint8Array.from({ length: 1 + ((i * 37) % 400) }, (_, j) => (i * 7 + j) & 255)
    }))
    for (const e of written) reel.push(e.id, e.bytes)
    assert.equal(reel.length, 300)
    for (const [i, e] of written.entries()) assert.deepEqual(reel.at(i), e, `entry ${i}`)
    assert.deepEqual(reel.slice(290, 400), written.slice(290), 'a slice past the end stops at the last entry')
    assert.throws(() => reel.push(new Uint8Array(32), new Uint8Array(2000)), /does not fit/)
    assert.throws(() => reel.at(300), /not in a reel of 300/)
  })

  it('marks each metric met or missed against its target', () => {
    const metrics: Metric[] = [
      { name: 'fast enough', value: 30_000, unit: 'entries/s', target: { op: '>=', value: 20_000 }, conditions: 'x' },
      { name: 'too slow', value: 900, unit: 'ms', target: { op: '<=', value: 500 }, conditions: 'y' }
    ]
    const text = table(metrics)
    assert.match(text, /fast enough \| 30,000 entries\/s \| >= 20,000 entries\/s \| met/)
    assert.match(text, /too slow \| 900 ms \| <= 500 ms \| MISSED/)
  })

  it('rewrites only the generated part of RESULTS.md, keeping the written analysis', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-bench-'))
    try {
      await writeFile(
        join(dir, 'RESULTS.md'),
        '# Results\n\nAnalysis written by hand.\n\n<!-- results:start -->\nold\n<!-- results:end -->\n\nMore notes.\n'
      )
      await record(pathToFileURL(`${dir}/`), {
        date: '2026-11-25T00:00:00Z',
        quick: true,
        machine: machine(),
        metrics: [{ name: 'm', value: 1, unit: 'ms', conditions: 'c' }]
      })
      const text = await readFile(join(dir, 'RESULTS.md'), 'utf8')
      assert.match(text, /Analysis written by hand/)
      assert.match(text, /More notes/)
      assert.doesNotMatch(text, /\nold\n/)
      assert.match(text, /\| m \| 1 ms \|/)
      const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'))
      assert.equal(json.metrics[0].name, 'm')
    } finally {
      await rm(dir, { recursive: true })
    }
  })

  it('runs the log benchmark end to end at its quick size', async () => {
    const metrics = await logBenchmark.run({ quick: true, log: () => {} })
    assert.deepEqual(
      metrics.map((m) => m.name),
      [
        'entries written',
        'entries accepted',
        'entries accepted into SQLite',
        'view of a large log',
        'open a large log from its store',
        'open a large log stored without facts'
      ]
    )
    for (const m of metrics) assert.ok(m.value > 0 && Number.isFinite(m.value), `${m.name} measured`)
  })
})
