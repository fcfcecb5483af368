import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'

const CORE = new URL('../../core/src/', import.meta.url).pathname
const TEST = new URL('../', import.meta.url).pathname

async function sources(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await sources(path)))
    else if (entry.name.endsWith('.ts')) out.push(path)
  }
  return out
}

describe('core runs in browsers and Node alike', () => {
  it('imports no node: module and touches no DOM global', async () => {
    const offenders: string[] = []
    for (const file of await sources(CORE)) {
      const text = await readFile(file, 'utf8')
      if (/from '(node:|fs|path|os|crypto|net)['/]/.test(text)) offenders.push(`${file}: imports a Node module`)
      if (/\b(window|document|localStorage|indexedDB|process|Buffer)\./.test(text)) offenders.push(`${file}: uses a runtime-specific global`)
    }
    assert.deepEqual(offenders, [])
  })

  it('keeps every core file under 400 lines with a header comment', async () => {
    for (const file of await sources(CORE)) {
      const text = await readFile(file, 'utf8')
      assert.ok(text.split('\n').length <= 400, `${file} has grown past 400 lines`)
      assert.match(text, /^\/\*\*/, `${file} starts with a comment saying what it owns`)
    }
  })

  it("keeps core's tests, the simulation and the shared fixtures free of the Node runtime, so they can run in a browser too", async () => {
    const offenders: string[] = []
    for (const folder of ['core', 'sim', 'fixtures']) {
      for (const file of await sources(join(TEST, folder))) {
        // the simulation's Node harness gives its runs Node's faster ciphers (the same functions); the simulation itself stays portable
        if (file === join(TEST, 'sim', 'node-ciphers.ts')) continue
        if (/from '@causette\/node'/.test(await readFile(file, 'utf8'))) offenders.push(`${file} imports @causette/node`)
      }
    }
    assert.deepEqual(offenders, [])
  })
})
