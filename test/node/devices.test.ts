/**
 * One person on two devices, with real daemons on 127.0.0.1: Alice's first
 * daemon shows a link (`causette link`), her new laptop's daemon accepts it
 * (`causette link <link>`), she compares the code both print and says yes.
 * The laptop then writes in her group as her — Bob sees one Alice with two
 * devices — reads the history written before it was linked, keeps its
 * person across a restart; revoking it takes it out: it reads nothing
 * written afterwards and can no longer write.
 */
import assert from 'node:assert/strict'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { HistoryResponse, MembersResponse, SafetyNumberResponse, SendResponse } from '@causette/node'
import { renderUnicodeCompact } from 'uqr'
import type { DeviceListResponse } from '../../node/src/api/device-types.ts'
import { aliceAndBob, cliError, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'
import { linkThroughCli } from './fixtures/device-linking.ts'

describe('linking a second device to a person, between daemons', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let laptop: DaemonProcess
  let groupId = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Expedition'))
    laptop = await DaemonProcess.start(join(dirs.path, 'laptop'), [...ISOLATED])
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill(), laptop?.kill()])
    await dirs?.remove()
  })

  const texts = async (daemon: DaemonProcess) => (await daemon.cliJson<HistoryResponse>(['history', groupId])).messages.map((m) => m.text)

  it('links the laptop once the person confirms the code both show; it becomes Alice in her group, with its history and her name', async () => {
    await alice.cliJson<SendResponse>(['send', groupId, 'Base camp on Friday'])
    await eventually(async () => (await texts(bob)).includes('Base camp on Friday'), 'Bob reads it')

    // her settings follow her to the new device: a mute and a verification
    assert.equal((await alice.cli(['mute', groupId, '--for', '8h'])).code, 0)
    await eventually(
      async () => (await bob.cliJson<MembersResponse>(['members', groupId])).members.some((m) => m.name === 'Alice'),
      'Alice’s name at Bob’s'
    )
    const number = await bob.cliJson<SafetyNumberResponse>(['verify', groupId, 'Alice'])
    assert.equal((await alice.cli(['verify', groupId, 'Bob', '--confirm', number.safetyNumber])).code, 0)

    assert.equal(await linkThroughCli(alice, laptop, 'laptop'), 1, 'linked into her one group')

    await eventually(
      async () => (await texts(laptop)).includes('Base camp on Friday'),
      'the laptop reads what was written before it was linked',
      60_000
    )
    const sent = await laptop.cliJson<SendResponse>(['send', groupId, 'Packing the ropes'])
    await eventually(async () => (await texts(bob)).includes('Packing the ropes'), 'Bob receives it')
    await eventually(
      async () => (await bob.cliJson<HistoryResponse>(['history', groupId])).authors[sent.message.author]?.name === 'Alice',
      'the laptop writes under Alice’s name'
    )
    // one Alice: her two devices' messages read as one person's, not two people who share a name
    const atBob = await bob.cliJson<HistoryResponse>(['history', groupId])
    const byLaptop = atBob.authors[sent.message.author]
    const byFirst = atBob.authors[atBob.messages.find((m) => m.text === 'Base camp on Friday')?.author as string]
    assert.equal(byLaptop?.nameShared, false, 'not told apart from herself')
    assert.equal(byLaptop?.fingerprint, byFirst?.fingerprint, 'one fingerprint: the person’s')
    const atLaptop = await laptop.cliJson<HistoryResponse>(['history', groupId])
    const first = atLaptop.messages.find((m) => m.text === 'Base camp on Friday')
    assert.equal(atLaptop.authors[first?.author as string]?.you, true, 'on the laptop, what she wrote on her first device is hers')
    assert.match((await bob.cli(['history', groupId])).stdout, /\] Alice: Packing the ropes/)
    // what she wrote on the laptop is not news to her first device: nothing unread there
    await eventually(async () => (await texts(alice)).includes('Packing the ropes'), 'Alice’s first device receives it')
    const atFirst = await alice.cliJson<{ groups: Array<{ id: string; unread: number }> }>(['groups'])
    assert.equal(atFirst.groups.find((g) => g.id === groupId)?.unread, 0, 'her own message, written on another device, is not unread')
    // and she corrects on the laptop what she wrote on her first device: it is hers, Bob sees it edited
    const baseCamp = atLaptop.messages.find((m) => m.text === 'Base camp on Friday') as { id: string }
    await laptop.cli(['edit', groupId, baseCamp.id.slice(0, 8), 'Base camp on Saturday'])
    await eventually(async () => (await texts(bob)).includes('Base camp on Saturday'), 'Bob sees the edit made on the laptop')

    const members = await bob.cliJson<MembersResponse>(['members', groupId])
    assert.equal(members.members.length, 2, 'Bob sees two people, not three devices')
    const aliceSeen = members.members.find((m) => m.name === 'Alice')
    assert.equal(aliceSeen?.devices.length, 2, 'Alice with two devices')
    const printed = await bob.cli(['members', groupId])
    assert.match(printed.stdout, /Alice.*2 devices/)

    // one person, one safety number: both of Alice's devices show Bob the same digits, and a QR code of them
    const numbers = await Promise.all([
      alice.cliJson<SafetyNumberResponse>(['verify', groupId, 'Bob']),
      laptop.cliJson<SafetyNumberResponse>(['verify', groupId, 'Bob']),
      bob.cliJson<SafetyNumberResponse>(['verify', groupId, 'Alice'])
    ])
    assert.equal(new Set(numbers.map((n) => n.safetyNumber)).size, 1, 'the same safety number on all three')
    const shown = await laptop.cli(['verify', groupId, 'Bob'])
    assert.ok(
      shown.stdout.includes(renderUnicodeCompact((numbers[0] as SafetyNumberResponse).safetyNumber.replaceAll(' ', ''), { border: 1 })),
      'the QR code of the digits'
    )

    const laptopGroups = await laptop.cliJson<{ groups: Array<{ id: string; muted?: { until?: number } }> }>(['groups'])
    assert.ok(laptopGroups.groups.find((g) => g.id === groupId)?.muted?.until !== undefined, 'the mute came with her')
    assert.equal(
      (await laptop.cliJson<MembersResponse>(['members', groupId])).members.find((m) => m.name === 'Bob')?.verified,
      true,
      'and Bob verified'
    )

    // a group Alice makes afterwards on her first device follows her to the laptop; her own group of devices is no chat either lists
    const made = await alice.cliJson<{ group: { id: string } }>(['create', 'Second trip'])
    await alice.cliJson(['send', made.group.id, 'Same crew?'])
    const names = async (daemon: DaemonProcess) =>
      (await daemon.cliJson<{ groups: Array<{ name: string }> }>(['groups'])).groups.map((g) => g.name).sort()
    await eventually(async () => (await names(laptop)).includes('Second trip'), 'the laptop takes the new group', 60_000)
    await eventually(
      async () => (await laptop.cliJson<HistoryResponse>(['history', made.group.id])).messages.some((m) => m.text === 'Same crew?'),
      'and reads it',
      60_000
    )
    assert.deepEqual(await names(alice), ['Expedition', 'Second trip'])
    assert.deepEqual(await names(laptop), ['Expedition', 'Second trip'])

    const listed = await alice.cliJson<DeviceListResponse>(['devices'])
    assert.equal(listed.canLink, true)
    assert.deepEqual(listed.devices.map((d) => [d.name === 'laptop', d.self]).sort(), [
      [false, true],
      [true, false]
    ])
    // each device writes its name for itself in the person's group: the laptop lists the first device by its own
    await eventually(async () => {
      const atLaptop = (await laptop.cliJson<DeviceListResponse>(['devices'])).devices
      return atLaptop.some((d) => !d.self && d.name === hostname()) && atLaptop.some((d) => d.self && d.name === 'laptop')
    }, 'the laptop to list the first device by the name it gave itself (its host name), and itself as “laptop”')
  })

  it('the laptop stays Alice’s across a restart, and cannot link devices itself', async () => {
    await laptop.stop()
    await eventually(
      async () => /laptop +last seen /.test((await alice.cli(['devices'])).stdout),
      'the first device says when it last saw the laptop'
    )
    laptop = await DaemonProcess.start(laptop.home, [...ISOLATED])
    const listed = await laptop.cliJson<DeviceListResponse>(['devices'])
    const first = await alice.cliJson<DeviceListResponse>(['devices'])
    assert.equal(listed.person, first.person, 'the same person')
    assert.equal(listed.canLink, false)
    const refused = await cliError(laptop.home, ['link'])
    assert.equal(refused.name, 'DeviceLinkRefusedError')
    assert.match(refused.message, /first device/)
  })

  it('settings changed after linking follow to her other device, both ways', async () => {
    type Groups = { groups: Array<{ id: string; muted?: { until?: number }; notify: string }> }
    const expedition = async (daemon: DaemonProcess) => (await daemon.cliJson<Groups>(['groups'])).groups.find((g) => g.id === groupId)
    const bobVerified = async (daemon: DaemonProcess) =>
      (await daemon.cliJson<MembersResponse>(['members', groupId])).members.find((m) => m.name === 'Bob')?.verified
    // on the laptop: the mute lifted, notifications off, read receipts off
    for (const args of [
      ['unmute', groupId],
      ['notify', groupId, 'off'],
      ['receipts', 'off']
    ]) {
      const done = await laptop.cli(args)
      assert.equal(done.code, 0, done.stderr)
    }
    await eventually(
      async () => {
        const g = await expedition(alice)
        return g?.muted === undefined && g?.notify === 'off'
      },
      'her first device to take the unmute and the notification level made on the laptop',
      60_000
    )
    assert.equal((await alice.cliJson<{ sending: boolean }>(['receipts'])).sending, false, 'receipts off on both')
    // on the first device: Bob no longer verified, and muted again for a day
    assert.equal(await bobVerified(laptop), true)
    assert.equal((await alice.cli(['unverify', groupId, 'Bob'])).code, 0)
    assert.equal((await alice.cli(['mute', groupId, '--for', '1d'])).code, 0)
    await eventually(
      async () => (await bobVerified(laptop)) === false && (await expedition(laptop))?.muted?.until !== undefined,
      'the laptop to take the verification forgotten and the mute made on the first device',
      60_000
    )
    assert.equal((await expedition(laptop))?.muted?.until, (await expedition(alice))?.muted?.until, 'the same end of the mute')
    // and back on, from the laptop again: a setting ends on its latest value wherever it was changed
    assert.equal((await laptop.cli(['receipts', 'on'])).code, 0)
    await eventually(async () => (await alice.cliJson<{ sending: boolean }>(['receipts'])).sending, 'receipts on again at the first device', 60_000)
  })

  it('revoking the laptop: it reads nothing written afterwards and can no longer write', async () => {
    const laptopKey = (await laptop.cliJson<DeviceListResponse>(['devices'])).devices.find((d) => d.self)?.device as string
    const revoked = await alice.cli(['devices', '--revoke', laptopKey.slice(0, 8)])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.match(revoked.stdout, /Revoked device [0-9a-f]{12} in 2 groups/)
    await alice.cliJson(['send', groupId, 'New meeting point, after the laptop was lost'])
    await eventually(async () => (await texts(bob)).includes('New meeting point, after the laptop was lost'), 'Bob reads it')
    await eventually(
      async () => (await laptop.cliJson<MembersResponse>(['members', groupId])).membership === 'removed',
      'the laptop learns of it',
      60_000
    )
    assert.ok(!(await texts(laptop)).includes('New meeting point, after the laptop was lost'), 'the revoked laptop cannot read it')
    const refused = await cliError(laptop.home, ['send', groupId, 'still here'])
    assert.equal(refused.name, 'NotMemberError')
    await eventually(
      async () => (await bob.cliJson<MembersResponse>(['members', groupId])).members.find((m) => m.name === 'Alice')?.devices.length === 1,
      'Bob sees Alice on one device'
    )
  })
})
