/**
 * Disappearing messages between two real daemons on 127.0.0.1: Alice (the
 * group's admin) sets the group's timer, and sends a message that
 * disappears sooner; Bob, who received it, is stopped before its deadline.
 * Past the deadline the message is gone from Alice's history, search and
 * SQLite files (their bytes are searched for its words), and the moment
 * Bob's daemon starts again, from his too — while the group goes on.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { AboutResponse, HistoryResponse, SearchResponse, SendResponse } from '@causette/node'
import { aliceAndBob, cliError, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

/** Whether any file of a daemon's data directory (the database, its WAL) holds these bytes. */
async function filesHold(home: string, text: string): Promise<string[]> {
  const needle = Buffer.from(text)
  const holding: string[] = []
  for (const name of await readdir(home)) {
    if (!name.startsWith('causette.db')) continue
    if ((await readFile(join(home, name))).includes(needle)) holding.push(name)
  }
  return holding
}

describe('disappearing messages, between two daemons', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Expedition'))
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  const texts = async (daemon: DaemonProcess): Promise<string[]> =>
    (await daemon.cliJson<HistoryResponse>(['history', groupId])).messages.map((m) => m.text)
  const found = async (daemon: DaemonProcess, word: string): Promise<number> =>
    (await daemon.cliJson<SearchResponse>(['search', groupId, word])).results.length

  it("lets only an admin set the group's timer, and says what it is", async () => {
    const refused = await cliError(bob.home, ['about', groupId, '--disappearing', '1h'])
    assert.equal(refused.name, 'AdminOnlyError')
    assert.match(refused.message, /disappearing-message timer/)
    const tooShort = await cliError(alice.home, ['about', groupId, '--disappearing', '1m'])
    assert.equal(tooShort.name, 'InvalidRequestError')
    assert.match(tooShort.message, /5 minutes to 4 weeks/)
    const set = await alice.cliJson<AboutResponse>(['about', groupId, '--disappearing', '1d'])
    assert.equal(set.disappearing, 86_400)
    await eventually(async () => (await bob.cliJson<AboutResponse>(['about', groupId])).disappearing === 86_400, "the timer at Bob's")
    assert.match((await bob.cli(['about', groupId])).stdout, /new messages disappear after 1 day/)
    const plain = await alice.cliJson<SendResponse>(['send', groupId, 'the tents are packed'])
    const expires = plain.message.expires as number
    assert.ok(Math.abs(expires - (Date.now() + 86_400_000)) < 60_000, 'a message takes the group timer')
  })

  it('erases a message at its deadline on every device, one that was offline at the deadline included', async () => {
    const sent = await alice.cli(['send', groupId, '--disappear', '10s', 'the safe words are zebra okapi'])
    assert.equal(sent.code, 0, sent.stderr)
    assert.match(sent.stdout, /It disappears in 10 s\./)
    const secret = (await alice.cliJson<HistoryResponse>(['history', groupId])).messages.find((m) => m.text.includes('zebra'))
    assert.ok(secret?.expires !== undefined)
    await eventually(async () => (await texts(bob)).some((t) => t.includes('zebra')), "the message at Bob's")
    await bob.cliJson(['react', groupId, secret.id.slice(0, 8), '👀'])
    assert.match((await bob.cli(['history', groupId])).stdout, /zebra okapi \[👀 1\] \(disappears in \d+ s\)/)
    assert.equal(await found(bob, 'zebra'), 1)
    assert.ok((await filesHold(bob.home, 'zebra')).length > 0, "the text is in Bob's files before the deadline")

    // Bob's daemon is offline at the deadline
    await bob.stop()
    await eventually(async () => !(await texts(alice)).some((t) => t.includes('zebra')), "the message gone from Alice's history", 20_000)
    assert.equal(await found(alice, 'zebra'), 0)
    await eventually(async () => (await filesHold(alice.home, 'zebra')).length === 0, "the text gone from Alice's files", 10_000)
    // each word of it, as the search index holds words apart (a word, not a number: a number
    // can be in the files for other reasons, such as a peer's port in its known addresses)
    assert.deepEqual(await filesHold(alice.home, 'okapi'), [])

    bob = await DaemonProcess.start(bob.home, [...ISOLATED, '--name', 'Bob'])
    assert.ok(!(await texts(bob)).some((t) => t.includes('zebra')), 'gone the moment Bob looks again')
    assert.equal(await found(bob, 'zebra'), 0)
    await eventually(async () => (await filesHold(bob.home, 'zebra')).length === 0, "the text gone from Bob's files", 10_000)
    assert.deepEqual(await filesHold(bob.home, 'okapi'), [])
    assert.deepEqual(await filesHold(bob.home, '👀'), [], 'his reaction went with it')
    assert.ok((await texts(bob)).includes('the tents are packed'), 'the rest of the history stays')

    // the group goes on: the erased entry still links the DAG both ways
    await alice.cliJson(['peers'])
    const next = await alice.cliJson<SendResponse>(['send', groupId, 'summit at dawn'])
    await eventually(async () => (await texts(bob)).includes(next.message.text), "Alice's next message at Bob's", 45_000)
    const fromBob = await bob.cliJson<SendResponse>(['send', groupId, 'see you at the summit'])
    await eventually(async () => (await texts(alice)).includes(fromBob.message.text), "Bob's message at Alice's", 45_000)
  })
})
