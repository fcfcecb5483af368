/**
 * Child processes of the comparison: each system's benchmark runs in a fresh
 * process of the pinned Node, bounded in time, and hands back one
 * PeerResult line on stdout; installs run the same way.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type PeerResult, type PeerWorkload, RESULT_PREFIX } from './comparison-workload.ts'

export interface ChildResult {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

export interface SpawnOptions {
  cwd: URL
  timeoutMs: number
  /** Called with each line the child writes on stderr (its progress). */
  onStderrLine?: (line: string) => void
}

/** Runs a command to its end or until `timeoutMs`, when it and its own children are killed. */
export function spawnChild(command: string, args: string[], options: SpawnOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    // its own process group, so a timeout ends whatever it started too (npm runs node-gyp, node runs workers)
    const child = spawn(command, args, { cwd: fileURLToPath(options.cwd), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    let pending = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) options.onStderrLine?.(line)
    })
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    }, options.timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut })
    })
  })
}

export class PeerRunError extends Error {
  static override name = 'PeerRunError'
  override name = 'PeerRunError'
}

/**
 * Runs one system's benchmark script (`script`, resolved against `cwd`) with
 * the Node running this harness — the pinned Node 24 under `npm run bench`.
 */
export async function runSystem(script: URL, workload: PeerWorkload, timeoutMs: number, log: (line: string) => void): Promise<PeerResult> {
  const cwd = new URL('./', script)
  const result = await spawnChild(process.execPath, [fileURLToPath(script), JSON.stringify(workload)], {
    cwd,
    timeoutMs,
    onStderrLine: (line) => {
      if (line.startsWith('  ')) log(line)
    }
  })
  const line = result.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
  if (line === undefined) {
    const why = result.timedOut ? `killed after ${Math.round(timeoutMs / 1000)} s` : `exited with code ${result.code}`
    const last = result.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300)
    throw new PeerRunError(`${why} without a result${last === '' ? '' : `: ${last}`}`)
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as PeerResult
}
