/**
 * Moving a device to another machine with `causette backup` and `restore`,
 * through the CLI of real daemons on 127.0.0.1: Alice backs up while her
 * daemon runs, then her backup is restored into a fresh data directory,
 * which is Alice again — same key, name, group, members, verified members
 * and history — and writes to the group, where Bob receives it. A wrong
 * passphrase, a cut file, a flipped byte, a file that is no backup and a
 * data directory that is a device already are each refused with what to
 * do, and leave the data directory as it was.
 */
import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type {
  GroupSummary,
  HistoryResponse,
  InviteResponse,
  MembersResponse,
  SafetyNumberResponse,
  SendResponse,
  StatusResponse
} from '@causette/node'
import { cli, cliError, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

const PASSPHRASE = 'correct horse battery staple'
const stdin = { input: `${PASSPHRASE}\n` }

/** What a data directory holds: nothing at all when it was never made. */
async function contents(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

describe('backing up a device and restoring it on another machine', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let restored: DaemonProcess | undefined
  let groupId = ''
  let aliceStatus: StatusResponse
  let backup = ''
  const texts = async (daemon: DaemonProcess): Promise<string[]> =>
    (await daemon.cliJson<HistoryResponse>(['history', groupId])).messages.map((m) => m.text)

  before(async () => {
    dirs = await tempDir()
    backup = join(dirs.path, 'alice.backup')
    ;[alice, bob] = (await Promise.all(
      ['Alice', 'Bob'].map((name) => DaemonProcess.start(join(dirs.path, name.toLowerCase()), [...ISOLATED, '--name', name]))
    )) as [DaemonProcess, DaemonProcess]
    groupId = (await alice.cliJson<{ group: GroupSummary }>(['create', 'Climbing'])).group.id
    const invite = await alice.cliJson<InviteResponse>(['invite', groupId])
    await bob.cliJson(['join', invite.link, '--timeout', '60s'])
    await alice.cliJson<SendResponse>(['send', groupId, 'Sunday at 10?'])
    await bob.cliJson<SendResponse>(['send', groupId, 'Yes, at the gym'])
    for (const daemon of [alice, bob]) await eventually(async () => (await texts(daemon)).length === 2, 'both messages on both daemons')
    const shown = await alice.cliJson<SafetyNumberResponse>(['verify', groupId, 'Bob'])
    await alice.cliJson(['verify', groupId, 'Bob', '--confirm', shown.safetyNumber])
    aliceStatus = await alice.cliJson<StatusResponse>(['status'])
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill(), restored?.kill()])
    await dirs?.remove()
  })

  it('refuses a passphrase shorter than 10 characters, or a file it cannot make, and writes nothing', async () => {
    const refused = await cliError(alice.home, ['backup', '-o', backup, '--passphrase-stdin'], { input: 'hunter2\n' })
    assert.equal(refused.name, 'WeakPassphraseError')
    assert.match(refused.message, /at least 10 characters, and this one has 7/)
    const nowhere = await cliError(alice.home, ['backup', '-o', join(dirs.path, 'no-such-dir', 'alice.backup'), '--passphrase-stdin'], stdin)
    assert.equal(nowhere.name, 'CannotWriteFileError')
    assert.match(nowhere.message, /cannot write .*alice\.backup: its directory does not exist; nothing was written/)
    assert.deepEqual(await contents(dirs.path), ['alice', 'bob'])
  })

  it('backs up while the daemon runs, to a file only its owner can read, saying how far it got', async () => {
    const made = await alice.cli(['backup', '-o', backup, '--passphrase-stdin'], stdin)
    assert.equal(made.code, 0, made.stderr)
    assert.match(made.stdout, /^Backed up this device \(its key and settings\), 1 group and \d+ entries to .*alice\.backup\.$/m)
    assert.match(made.stderr, /Backing up from the running daemon/)
    assert.match(made.stderr, /Backing up: \d+ of \d+ entries/)
    assert.equal((await stat(backup)).mode & 0o777, 0o600)
    assert.deepEqual((await contents(dirs.path)).sort(), ['alice', 'alice.backup', 'bob'])
    // nothing of what it holds is in the clear: not the group's name, not a message
    const bytes = await readFile(backup)
    for (const secret of ['Climbing', 'Sunday', 'Alice', aliceStatus.key]) assert.equal(bytes.includes(secret), false, `${secret} is in the clear`)
  })

  it('refuses a wrong passphrase, a cut file and a flipped byte, and leaves the data directory empty', async () => {
    const bytes = await readFile(backup)
    const cut = join(dirs.path, 'cut.backup')
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.byteLength * 0.6)))
    const flipped = join(dirs.path, 'flipped.backup')
    const changed = Buffer.from(bytes)
    const middle = Math.floor(changed.byteLength / 2)
    changed[middle] = (changed[middle] as number) ^ 0x10
    await writeFile(flipped, changed)
    const cases = [
      {
        file: backup,
        input: 'correct horse battery stapler\n',
        name: 'WrongPassphraseError',
        message: /the passphrase does not open .*alice\.backup; check it/
      },
      {
        file: cut,
        input: stdin.input,
        name: 'BackupTruncatedError',
        message: /cut\.backup is cut short: .* nothing was restored: use a complete copy/
      },
      {
        file: flipped,
        input: stdin.input,
        name: 'BackupDamagedError',
        message: /flipped\.backup is damaged or was changed after it was written \(part \d+, .* does not authenticate\); nothing was restored/
      }
    ]
    for (const c of cases) {
      const home = join(dirs.path, `restore-${c.name}`)
      const refused = await cliError(home, ['restore', c.file, '--passphrase-stdin'], { input: c.input })
      assert.equal(refused.name, c.name)
      assert.match(refused.message, c.message)
      assert.deepEqual(await contents(home), [], `${c.name} left something in the data directory`)
    }
    // nor anything beside it: the work directory of a failed restore is gone
    assert.deepEqual(
      (await contents(dirs.path)).filter((f) => f.includes('restoring')),
      []
    )
  })

  it('says what a file is when it is not a backup', async () => {
    const notes = join(dirs.path, 'notes.txt')
    await writeFile(notes, 'not a backup at all\n')
    const refused = await cliError(join(dirs.path, 'restore-notes'), ['restore', notes, '--passphrase-stdin'], stdin)
    assert.equal(refused.name, 'NotABackupError')
    assert.match(refused.message, /notes\.txt is not a Causette backup/)
  })

  it('refuses to restore over a device, and changes nothing there', async () => {
    const refused = await cliError(bob.home, ['restore', backup, '--passphrase-stdin'], stdin)
    assert.equal(refused.name, 'RestoreTargetInUseError')
    assert.match(refused.message, /already holds a device key .* nothing was restored: restore into a new data directory/)
    assert.equal((await bob.cliJson<StatusResponse>(['status'])).name, 'Bob')
  })

  it('restores the same device, groups, members and history, which writes to the group again', async () => {
    const before = await texts(alice)
    await alice.stop()
    const home = join(dirs.path, 'alice-new-machine')
    const restore = await cli(home, ['restore', backup, '--passphrase-stdin'], stdin)
    assert.equal(restore.code, 0, restore.stderr)
    assert.match(
      restore.stdout,
      new RegExp(
        `^Restored device ${aliceStatus.peerId} into .*alice-new-machine: 1 group, \\d+ entries, as backed up on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\.$`,
        'm'
      )
    )
    assert.match(restore.stdout, new RegExp(`^  ${groupId.slice(0, 12)}  Climbing  \\d+ entries$`, 'm'))
    assert.match(restore.stderr, /Restoring: \d+ of \d+ entries/)
    assert.deepEqual((await readdir(home)).sort(), ['causette.db', 'device.key'])

    restored = await DaemonProcess.start(home)
    const status = await restored.cliJson<StatusResponse>(['status'])
    assert.deepEqual([status.peerId, status.key, status.name], [aliceStatus.peerId, aliceStatus.key, 'Alice'])
    assert.deepEqual(
      (await restored.cliJson<{ groups: GroupSummary[] }>(['groups'])).groups.map((g) => [g.id, g.name]),
      [[groupId, 'Climbing']]
    )
    const { members } = await restored.cliJson<MembersResponse>(['members', groupId])
    assert.deepEqual(
      members.map((m) => [m.name, m.role, m.verified, m.you]),
      [
        ['Alice', 'admin', false, true],
        ['Bob', 'member', true, false]
      ]
    )
    assert.deepEqual(await texts(restored), before)

    // it finds Bob at the address it remembered, and what it writes reaches him
    const sent = await restored.cliJson<SendResponse>(['send', groupId, 'Back, on a new machine'])
    await eventually(async () => (await texts(bob)).includes('Back, on a new machine'), "the restored device's message at Bob's", 60_000)
    const atBob = (await bob.cliJson<HistoryResponse>(['history', groupId])).messages.find((m) => m.id === sent.message.id)
    assert.equal(atBob?.author, aliceStatus.key)
  })

  it('backs up a data directory whose daemon is stopped, from the directory itself', async () => {
    const offline = join(dirs.path, 'offline.backup')
    const made = await cli(alice.home, ['backup', '-o', offline, '--passphrase-stdin'], stdin)
    assert.equal(made.code, 0, made.stderr)
    assert.match(made.stderr, /Backing up from .*alice \(no daemon is running\)/)
    // into a data directory that holds only its settings: they stay, beside the restored device
    const home = join(dirs.path, 'alice-from-offline')
    await mkdir(home)
    await writeFile(join(home, 'config.json'), '{ "mdns": false }\n')
    const restore = await cli(home, ['restore', offline, '--passphrase-stdin'], stdin)
    assert.equal(restore.code, 0, restore.stderr)
    assert.match(restore.stdout, new RegExp(`^Restored device ${aliceStatus.peerId} .*: 1 group,`, 'm'))
    assert.deepEqual((await readdir(home)).sort(), ['causette.db', 'config.json', 'device.key'])
    assert.equal(await readFile(join(home, 'config.json'), 'utf8'), '{ "mdns": false }\n')
    const nothing = await cliError(join(dirs.path, 'no-such-device'), ['backup', '-o', offline, '--passphrase-stdin'], stdin)
    assert.equal(nothing.name, 'NothingToBackUpError')
    assert.match(nothing.message, /holds no Causette device .* nothing to back up/)
  })
})
