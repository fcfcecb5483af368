/** `causette status`, `peers` and `stop`: the daemon and its connections. */
import type { Command } from 'commander'
import type { PeersResponse, StatusResponse } from '../../api/api-types.ts'
import { homeFlag, processAlive, readApiAddress } from '../../data-dir.ts'
import { StopTimeoutError } from '../../errors.ts'
import { contextOf } from '../command-context.ts'
import { mailboxLine } from '../mailbox-words.ts'
import { count, formatTime, shortId } from '../message-format.ts'
import { daemonReachabilityLine, reachabilityLine } from '../reachability-words.ts'

/** How long `stop` waits for the daemon to be gone. */
const STOP_WAIT_MS = 30_000

export function registerNetwork(program: Command): void {
  program
    .command('status')
    .description('the daemon, and for each group: members online, entries, sync state')
    .action(async (_options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const status = await (await connect()).get<StatusResponse>('/v1/status')
      out.data(status)
      out.line(`${status.name ?? 'This device'}: peer ${status.peerId}`)
      out.line(`  fingerprint ${status.fingerprint}`)
      out.line(
        `  up ${Math.round(status.uptimeMs / 1000)} s, ${count(status.connections, 'connection')}, ${Math.round(status.rssBytes / 2 ** 20)} MB of memory${status.groupsOpened ? '' : ', still opening groups'}`
      )
      out.line(`  ${daemonReachabilityLine(status.reachability)}`)
      for (const g of status.groups) {
        const lastSync = g.lastSync === undefined ? '' : `, last sync ${formatTime(g.lastSync)}`
        out.line(
          `${shortId(g.id)}  ${g.name || '(name not synced yet)'}: ${count(g.entries, 'entry', 'entries')}, ${g.sync}${g.pending > 0 ? `, ${g.pending} waiting for earlier entries` : ''}${lastSync}`
        )
        if (g.state === 'open') out.line(`    ${reachabilityLine(g.links)}`)
        const kept = mailboxLine(g.mailboxes)
        if (kept !== undefined) out.line(`    ${kept}`)
      }
    })

  program
    .command('peers')
    .description('the peers this daemon is connected to')
    .action(async (_options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const { peers } = await (await connect()).get<PeersResponse>('/v1/peers')
      out.data({ peers })
      if (peers.length === 0) out.note('Not connected to any peer.')
      for (const p of peers) {
        const groups = p.groups.length === 0 ? 'no shared group' : `${count(p.groups.length, 'shared group')}`
        out.line(`${p.peer}  ${p.transports.join('+')}${p.limited ? ' (limited relay)' : ''}  ${p.direction}  ${groups}  ${p.addresses[0] ?? ''}`)
      }
    })

  program
    .command('stop')
    .description('stop the daemon (it finishes what it is writing first)')
    .action(async (_options: object, command: Command) => {
      const { home, out, connect } = contextOf(command)
      const client = await connect()
      const address = await readApiAddress(home)
      await client.post('/v1/stop', {})
      const deadline = Date.now() + STOP_WAIT_MS
      // gone once its process has exited or, at the latest, once it has removed its api.json
      while (address !== undefined && processAlive(address.pid) && (await readApiAddress(home))?.pid === address.pid) {
        if (Date.now() > deadline) throw new StopTimeoutError(address.pid, STOP_WAIT_MS / 1000)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      out.data({ stopped: true })
      out.line(`Stopped the daemon of ${home}.`)
      out.note(`Start it again with: causette start${homeFlag(home)}`)
    })
}
