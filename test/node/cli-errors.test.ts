/**
 * Every failure a person can hit with the daemon and the CLI, each with the
 * message that tells them what happened and what to do.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, InviteResponse } from '@causette/node'
import { cli, cliError, DaemonProcess, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

/** Holds a TCP port on 127.0.0.1, as another program would. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  for (;;) {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    // the daemon also needs the port after it, for WebSockets
    if (port < 65_000) return { port, server }
    await new Promise((resolve) => server.close(resolve))
  }
}

/** Runs a system command (mount, umount) and resolves with its exit code. */
async function system(command: string, args: string[]): Promise<number | null> {
  const child = spawn(command, args, { stdio: 'ignore' })
  const [code] = (await once(child, 'close')) as [number | null]
  return code
}

describe('clear errors', () => {
  let dirs: TempDir
  let daemon: DaemonProcess

  before(async () => {
    dirs = await tempDir()
    daemon = await DaemonProcess.start(join(dirs.path, 'running'))
  })

  after(async () => {
    await daemon?.kill()
    await dirs?.remove()
  })

  it('says the daemon is not running, and how to start it', async () => {
    const home = join(dirs.path, 'never-started')
    const error = await cliError(home, ['groups'])
    assert.equal(error.name, 'DaemonNotRunningError')
    assert.match(error.message, new RegExp(`not running for ${home}; start it with \`causette start --home ${home}\``))

    const text = await cli(home, ['send', 'Climbing', 'hello'])
    assert.equal(text.code, 1)
    assert.match(text.stderr, /^causette: the Causette daemon is not running for .*; start it with `causette start --home /)
  })

  it('says the daemon is not running when it died without a word (kill -9)', async () => {
    const home = join(dirs.path, 'killed')
    const victim = await DaemonProcess.start(home)
    await victim.kill('SIGKILL')
    const error = await cliError(home, ['status'])
    assert.equal(error.name, 'DaemonNotRunningError')
  })

  it('says what is wrong with a bad invite link', async () => {
    const malformed = await cliError(daemon.home, ['join', 'https://example.org/party'])
    assert.equal(malformed.name, 'MalformedInviteError')
    assert.match(malformed.message, /is not a Causette invite: invites start with causette:join\//)

    const { group } = await daemon.cliJson<{ group: GroupSummary }>(['create', 'Invites'])
    const { link } = await daemon.cliJson<InviteResponse>(['invite', group.id])
    const truncated = await cliError(daemon.home, ['join', link.slice(0, Math.floor(link.length / 2))])
    assert.equal(truncated.name, 'TruncatedInviteError')
    assert.match(truncated.message, /incomplete/)

    const expiring = await daemon.cliJson<InviteResponse>(['invite', group.id, '--expires', '1s'])
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const expired = await cliError(daemon.home, ['join', expiring.link])
    assert.equal(expired.name, 'ExpiredInviteError')
    assert.match(expired.message, /this invite expired on .*: ask a member of the group for a new one/)

    const shown = await cli(daemon.home, ['join', 'causette:join/not*an*invite'])
    assert.equal(shown.code, 1)
    assert.match(shown.stderr, /^causette: this invite link contains characters an invite never has/)

    const badDuration = await cliError(daemon.home, ['invite', group.id, '--expires', 'soon'])
    assert.equal(badDuration.name, 'InvalidDurationError')
    assert.match(badDuration.message, /"soon" is not a duration: write a number and a unit, e\.g\. 90s, 30m, 12h, 7d or 2w/)
  })

  it('says which group it could not find, and which groups a name could mean', async () => {
    const unknown = await cliError(daemon.home, ['send', 'Nowhere', 'hello'])
    assert.equal(unknown.name, 'UnknownGroupError')
    assert.match(unknown.message, /no group named "Nowhere" or with an id starting with it; `causette groups` lists yours/)

    const { group: first } = await daemon.cliJson<{ group: GroupSummary }>(['create', 'Book club'])
    const { group: second } = await daemon.cliJson<{ group: GroupSummary }>(['create', 'book club'])
    const ambiguous = await cliError(daemon.home, ['history', 'BOOK CLUB'])
    assert.equal(ambiguous.name, 'AmbiguousGroupError')
    assert.match(ambiguous.message, /"BOOK CLUB" could be any of 2 groups: /)
    assert.ok(ambiguous.message.includes(first.id.slice(0, 12)) && ambiguous.message.includes(second.id.slice(0, 12)), ambiguous.message)
    assert.equal((await cli(daemon.home, ['send', first.id.slice(0, 10), 'by id prefix'])).code, 0, 'the start of an id settles it')
  })

  it('says which port is in use, and how to choose another', async () => {
    const { port, server } = await occupyPort()
    try {
      const onPort = ['start', '--listen-host', '127.0.0.1', '--no-mdns', '--api-port', '0', '--p2p-port', String(port)]
      const p2p = await cliError(join(dirs.path, 'p2p-port'), onPort)
      assert.equal(p2p.name, 'PortInUseError')
      assert.match(p2p.message, new RegExp(`port ${port} \\(127\\.0\\.0\\.1:${port}\\) is already in use.*--p2p-port`))
      // with a relay, libp2p's start lets a failed listen pass (a relay may be down): the daemon checks its port itself
      const relay = '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWDY1aJTzb7GHntSBF6VepJSkg8x2duZUpMyqN1w8d3qcT'
      const withRelay = await cliError(join(dirs.path, 'p2p-port-relay'), [...onPort, '--relay', relay])
      assert.equal(withRelay.name, 'PortInUseError', withRelay.message)
      assert.match(withRelay.message, new RegExp(`port ${port} \\(127\\.0\\.0\\.1:${port}\\) is already in use`))

      const api = await cliError(join(dirs.path, 'api-port'), [
        'start',
        '--listen-host',
        '127.0.0.1',
        '--no-mdns',
        '--p2p-port',
        '0',
        '--api-port',
        String(port)
      ])
      assert.equal(api.name, 'PortInUseError')
      assert.match(api.message, new RegExp(`the control API port ${port} on 127\\.0\\.0\\.1 is already in use.*--api-port`))
    } finally {
      server.close()
    }
    // the refused daemon let go of its data directory
    const retried = await DaemonProcess.start(join(dirs.path, 'api-port'))
    await retried.kill()
  })

  it('says when the data directory cannot be written', async (t) => {
    const home = join(dirs.path, 'read-only')
    await mkdir(home)
    // root writes anywhere: for it, a read-only file system stands in for a directory it may not write
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      assert.equal(await system('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', home]), 0, 'mounting a read-only tmpfs')
      t.after(() => system('umount', [home]))
    } else {
      await chmod(home, 0o500)
    }
    const error = await cliError(home, ['start', ...ISOLATED])
    assert.equal(error.name, 'DataDirNotWritableError')
    assert.match(
      error.message,
      new RegExp(`cannot write to the data directory ${home} \\((EROFS|EACCES)\\); fix its permissions or choose another with --home`)
    )
    assert.equal((await stat(home)).isDirectory(), true)
  })

  it('says which setting of config.json is wrong', async () => {
    const home = join(dirs.path, 'configured')
    await mkdir(home)
    await writeFile(join(home, 'config.json'), JSON.stringify({ p2pPort: 0, apiPort: 0, mnds: false }))
    const unknown = await cliError(home, ['start'])
    assert.equal(unknown.name, 'InvalidConfigError')
    assert.match(
      unknown.message,
      /config\.json: unknown setting "mnds"; the settings are p2pPort, apiPort, listenHost, mdns, notifications, bootstrap, relays, maxFileMb, fileStorageMb/
    )
    await writeFile(join(home, 'config.json'), JSON.stringify({ bootstrap: ['/ip4/192.0.2.7/tcp/7431'] }))
    const address = await cliError(home, ['start'])
    assert.match(address.message, /bootstrap: "\/ip4\/192\.0\.2\.7\/tcp\/7431" is not a multiaddr ending in \/p2p\/<peer id>/)
    await writeFile(join(home, 'config.json'), '{ "p2pPort": 7431,')
    assert.match((await cliError(home, ['start'])).message, /config\.json is not valid JSON/)
  })

  it('refuses a second daemon on the same data directory, before touching any port, and names the first', async () => {
    const api = new URL(daemon.ready.api)
    const tcpPort = /\/tcp\/(\d+)\/p2p\//.exec(daemon.ready.addresses[0] as string)?.[1] as string
    // the same ports as the running daemon: were they tried first, the error would be about ports
    const error = await cliError(daemon.home, ['start', '--listen-host', '127.0.0.1', '--no-mdns', '--api-port', api.port, '--p2p-port', tcpPort])
    assert.equal(error.name, 'DaemonAlreadyRunningError')
    assert.match(
      error.message,
      new RegExp(
        `a Causette daemon is already running with the data directory ${daemon.home} \\(pid ${daemon.process.pid}, control API ${daemon.ready.api}\\); stop it with \`causette stop --home ${daemon.home}\``
      )
    )
    assert.equal((await cli(daemon.home, ['groups'])).code, 0, 'the first daemon carries on')
  })
})
