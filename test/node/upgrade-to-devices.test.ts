/**
 * Groups made before devices could be linked: two data directories written
 * by Causette at 4a62383 (before #18; test/node/fixtures/pre-devices-homes,
 * Alice's group "Before linking" with Bob, a message from each) are opened
 * by this version. The group reads and goes on as before; Alice links a
 * laptop into it; the laptop reads what was written before the upgrade and
 * Bob sees one Alice with two devices, her safety number unchanged and
 * his verification of her still holding.
 */
import assert from 'node:assert/strict'
import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { GroupSummary, HistoryResponse, MembersResponse, SafetyNumberResponse } from '@causette/node'
import { DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'
import { linkThroughCli } from './fixtures/device-linking.ts'

const HOMES = fileURLToPath(new URL('./fixtures/pre-devices-homes/', import.meta.url))
const GROUP = 'Before linking'

describe('a group made before devices could be linked, after the upgrade', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let laptop: DaemonProcess

  before(async () => {
    dirs = await tempDir()
    for (const who of ['alice', 'bob']) await cp(join(HOMES, who), join(dirs.path, who), { recursive: true })
    alice = await DaemonProcess.start(join(dirs.path, 'alice'), [...ISOLATED])
    bob = await DaemonProcess.start(join(dirs.path, 'bob'), [...ISOLATED, '--bootstrap', alice.ready.addresses[0] as string])
    laptop = await DaemonProcess.start(join(dirs.path, 'laptop'), [...ISOLATED])
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill(), laptop?.kill()])
    await dirs?.remove()
  })

  const texts = async (daemon: DaemonProcess) => (await daemon.cliJson<HistoryResponse>(['history', GROUP])).messages.map((m) => m.text)

  it('opens and goes on: the old messages read, and a new one goes both ways', async () => {
    // the store of an earlier version is brought up to date first, and the daemon says so before the wait
    const upgrading = alice.events().find((e) => e.type === 'store:upgrading') as { from: number; to: number; copying: boolean } | undefined
    assert.ok(upgrading !== undefined && upgrading.from < upgrading.to, `the daemon says it upgrades the store: ${JSON.stringify(upgrading)}`)
    assert.equal(upgrading.copying, true, 'from before migration 16, its messages are copied')
    assert.equal(
      laptop.events().find((e) => e.type === 'store:upgrading'),
      undefined,
      'a new data directory has nothing to upgrade'
    )
    const groups = await alice.cliJson<{ groups: GroupSummary[] }>(['groups'])
    assert.deepEqual(
      groups.groups.map((g) => g.name),
      [GROUP]
    )
    for (const daemon of [alice, bob]) assert.deepEqual(await texts(daemon), ['Written before devices could be linked', 'Bob, also before'])
    await bob.cliJson(['send', GROUP, 'Bob, after the upgrade'])
    await eventually(async () => (await texts(alice)).includes('Bob, after the upgrade'), 'Alice receives it', 60_000)
  })

  it('Alice links a laptop into it: the laptop reads the history from before the upgrade, and she stays one person with the same safety number', async () => {
    const before = await bob.cliJson<SafetyNumberResponse>(['verify', GROUP, 'Alice'])
    assert.equal((await bob.cli(['verify', GROUP, 'Alice', '--confirm', before.safetyNumber])).code, 0, 'Bob verifies Alice')
    assert.equal(await linkThroughCli(alice, laptop, 'laptop'), 1)
    await eventually(async () => (await texts(laptop)).includes('Written before devices could be linked'), 'the laptop reads the old history', 60_000)
    await laptop.cliJson(['send', GROUP, 'From the laptop'])
    await eventually(async () => (await texts(bob)).includes('From the laptop'), 'Bob receives the laptop’s message', 60_000)
    const members = await bob.cliJson<MembersResponse>(['members', GROUP])
    assert.equal(members.members.find((m) => m.name === 'Alice')?.devices.length, 2)
    assert.equal(members.members.find((m) => m.name === 'Alice')?.verified, true, 'his verification of Alice holds with her new device')
    const after = await bob.cliJson<SafetyNumberResponse>(['verify', GROUP, 'Alice'])
    assert.equal(after.safetyNumber, before.safetyNumber, 'linking a device changes no safety number')
  })
})
