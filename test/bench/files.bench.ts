/**
 * Files between two real daemons on loopback (issue #17): a file's
 * throughput from the moment the reader asks until its last byte (fetched
 * from the sender piece by piece, checked and opened), the reader's
 * resident memory growth while a large file streams through it, and the
 * time until a file's message — which carries an image's placeholder —
 * reaches the other member (one live delivery).
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SendResponse } from '@causette/node'
import { DaemonProcess, ISOLATED } from '../node/fixtures/daemons.ts'
import type { Benchmark, Metric } from './harness.ts'
import { percentile, roundMs } from './percentile.ts'

const MB = 1_000_000

async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024
}

/** A file of random bytes, written a megabyte at a time. */
export async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path)
  for (let written = 0; written < bytes; written += MB) if (!out.write(randomBytes(Math.min(MB, bytes - written)))) await once(out, 'drain')
  out.end()
  await once(out, 'finish')
}

interface Api {
  url: string
  token: string
}

async function apiOf(d: DaemonProcess): Promise<Api> {
  return {
    url: (JSON.parse(await readFile(join(d.home, 'api.json'), 'utf8')) as { url: string }).url,
    token: (await readFile(join(d.home, 'api-token'), 'utf8')).trim()
  }
}

/** Reads a message's file through the API to its end; returns the bytes read and the highest resident memory seen meanwhile. */
async function download(api: Api, path: string, pid: number): Promise<{ bytes: number; peakMiB: number }> {
  let peak = await residentMiB(pid)
  const sampler = setInterval(() => {
    residentMiB(pid)
      .then((m) => {
        peak = Math.max(peak, m)
      })
      .catch(() => undefined)
  }, 50)
  try {
    const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${api.token}` } })
    if (!res.ok) throw new Error(`download failed: HTTP ${res.status} ${await res.text()}`)
    let bytes = 0
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength
    return { bytes, peakMiB: peak }
  } finally {
    clearInterval(sampler)
  }
}

export const filesBenchmark: Benchmark = {
  name: 'files',
  async run(ctx) {
    const throughputBytes = (ctx.quick ? 50 : 200) * MB
    const memoryBytes = (ctx.quick ? 200 : 1000) * MB
    const dir = await mkdtemp(join(tmpdir(), 'causette-files-bench-'))
    const flags = [...ISOLATED, '--max-file-mb', '1900']
    const alice = await DaemonProcess.start(join(dir, 'alice'), [...flags, '--name', 'Alice'])
    const bob = await DaemonProcess.start(join(dir, 'bob'), [...flags, '--name', 'Bob'])
    try {
      const { group } = await alice.cliJson<{ group: { id: string } }>(['create', 'Files bench'])
      const invite = await alice.cliJson<{ link: string }>(['invite', group.id])
      await bob.cliJson(['join', invite.link, '--timeout', '60s'])
      const bobApi = await apiOf(bob)
      const send = async (bytes: number, name: string): Promise<string> => {
        const path = join(dir, name)
        await randomFile(path, bytes)
        const sent = await alice.cliJson<SendResponse>(['send', group.id, '--file', path])
        await rm(path)
        return sent.message.id
      }
      const waitForMessage = async (id: string): Promise<void> => {
        for (let i = 0; i < 600; i++) {
          const page = await bob.cliJson<{ messages: Array<{ id: string }> }>(['history', group.id, '-n', '5'])
          if (page.messages.some((m) => m.id === id)) return
          await new Promise((r) => setTimeout(r, 100))
        }
        throw new Error('the file message never reached Bob')
      }

      const fast = await send(throughputBytes, 'throughput.bin')
      await waitForMessage(fast)
      const started = performance.now()
      const read = await download(bobApi, `/v1/groups/${group.id}/messages/${fast}/files/0`, bob.process.pid as number)
      const seconds = (performance.now() - started) / 1000
      if (read.bytes !== throughputBytes) throw new Error(`read ${read.bytes} of ${throughputBytes} bytes`)
      const throughput = Math.round((throughputBytes / MB / seconds) * 10) / 10
      ctx.log(`  ${throughputBytes / MB} MB fetched, checked and opened in ${seconds.toFixed(2)} s: ${throughput} MB/s`)

      const large = await send(memoryBytes, 'memory.bin')
      await waitForMessage(large)
      const before = await residentMiB(bob.process.pid as number)
      const big = await download(bobApi, `/v1/groups/${group.id}/messages/${large}/files/0`, bob.process.pid as number)
      const growth = Math.round(big.peakMiB - before)
      ctx.log(`  reader's resident memory ${before.toFixed(0)} MiB before, at most ${big.peakMiB.toFixed(0)} MiB during ${memoryBytes / MB} MB`)

      // the placeholder is in the message: the time to show it is one live delivery of the message
      const times: number[] = []
      for (let i = 0; i < (ctx.quick ? 5 : 15); i++) {
        const events = await fetch(`${bobApi.url}/v1/events?types=message&group=${group.id}`, {
          headers: { authorization: `Bearer ${bobApi.token}` }
        })
        const reader = (events.body as ReadableStream<Uint8Array>).getReader()
        const path = join(dir, `photo-${i}.png`)
        await randomFile(path, 50_000)
        const sentAt = performance.now()
        const sent = alice.cliJson<SendResponse>(['send', group.id, '--file', path])
        let seen = ''
        const decoder = new TextDecoder()
        const sentId = (await sent).message.id
        while (!seen.includes(sentId)) {
          const { value, done } = await reader.read()
          if (done) throw new Error('the event stream ended')
          seen += decoder.decode(value, { stream: true })
        }
        times.push(performance.now() - sentAt)
        await reader.cancel()
      }
      const placeholder = roundMs(percentile(times, 50))
      return [
        {
          name: 'file throughput between two daemons',
          value: throughput,
          unit: 'MB/s',
          target: { op: '>=', value: 100 },
          conditions: `${throughputBytes / MB} MB of random bytes, loopback; from the reader's request to its last byte: pieces fetched from the sender, checked and opened`
        },
        {
          name: "reader's memory growth during a large file",
          value: growth,
          unit: 'MiB',
          target: { op: '<=', value: 50 },
          conditions: `${memoryBytes / MB} MB streamed through the reading daemon's API; resident memory sampled every 50 ms, peak less before`
        },
        {
          name: "time until a file's placeholder shows",
          value: placeholder,
          unit: 'ms',
          target: { op: '<=', value: 1000 },
          conditions: `median of ${times.length}: from the sender's CLI command to the reader's event stream carrying the message (placeholder and dimensions travel in it)`
        }
      ] satisfies Metric[]
    } finally {
      await Promise.all([alice.kill(), bob.kill()])
      await rm(dir, { recursive: true, force: true })
    }
  }
}
