import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ingest } from './daemon.bench.ts'

const root = await mkdtemp(join(tmpdir(), 'ingdbg-'))
try {
  const m = await ingest(2000, Number(process.env.TOTAL), root)
  console.log(m.map((x) => `${x.name}: ${x.value}`).join('\n'))
} catch (e) {
  console.log('ERR', (e as Error).message.slice(0, 3000))
}
process.exit(0)
