import { join } from 'node:path'
import type { GroupSummary, InviteResponse, PeersResponse, StatusResponse } from '@causette/node'
import { DaemonProcess, eventually, tempDir } from './node/fixtures/daemons.ts'
import { Lan } from './node/fixtures/lan.ts'
const dirs = await tempDir()
const lan = await Lan.create(3, '10.231.79')
const ds: DaemonProcess[] = []
try {
  for (const i of [0, 1, 2]) ds.push(await DaemonProcess.start(join(dirs.path, `h${i}`), ['--name', `N${i}`, '--api-port', '0', '--p2p-port', '0'], { netns: lan.hosts[i] as string }))
  const { group } = await ds[0]!.cliJson<{ group: GroupSummary }>(['create', 'Hut'])
  for (const j of [ds[1]!, ds[2]!]) { const inv = await ds[0]!.cliJson<InviteResponse>(['invite', group.id]); await j.cliJson(['join', inv.link]) }
  await eventually(async () => (await ds[0]!.cliJson<StatusResponse>(['status'])).groups[0]?.online === 2, 'mesh', 60000)
  console.log('mesh at', new Date().toISOString())
  await lan.renumber(2, 13)
  for (let t = 0; t < 12; t++) {
    await new Promise((r) => setTimeout(r, 5000))
    const { peers } = await ds[0]!.cliJson<PeersResponse>(['peers'])
    const st = await ds[0]!.cliJson<StatusResponse>(['status'])
    const st2 = await ds[2]!.cliJson<StatusResponse>(['status'])
    console.log(t, JSON.stringify(peers.map((p) => [p.peer.slice(-4), p.addresses])), JSON.stringify(st.groups[0]?.links.map((l) => [l.peer.slice(-4), l.connected, l.failedDials, l.nextDialAt && l.nextDialAt - Date.now()])), 'C:', JSON.stringify(st2.groups[0]?.links.map((l) => [l.peer.slice(-4), l.connected, l.failedDials])), st2.addresses.join(' '))
  }
} finally {
  await Promise.all(ds.map((d) => d.kill()))
  await lan.teardown(); await dirs.remove()
}
