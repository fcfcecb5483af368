/**
 * Which arriving messages notify the person (core's notification-rules.ts,
 * which the daemon and the web app follow): what a person would find wrong
 * if it were otherwise — old history from a catch-up, a blocked member's
 * text, a muted group, their own messages.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Circumstances, FRESH_MS, type Message, notificationReason } from '@causette/core'

const ME = 'aa'.repeat(32)
const BOB = 'bb'.repeat(32)
const NOW = Date.parse('2026-12-04T23:00:00Z')

function message(fields: Partial<Message> = {}): Message {
  return {
    id: 'cc'.repeat(32),
    author: BOB,
    time: NOW - 1000,
    text: 'hello',
    edited: false,
    deleted: false,
    mentions: [],
    reactions: [],
    pinned: false,
    ...fields
  }
}

const usual: Circumstances = { own: new Set([ME]), muted: false, level: 'mentions', blocked: () => false, now: NOW }

describe('which messages notify', () => {
  it('a mention arriving live notifies; a plain message only when the group notifies of every message', () => {
    assert.equal(notificationReason({ message: message({ mentions: [ME] }), source: 'gossip', isNew: true }, usual), 'mention')
    assert.equal(notificationReason({ message: message(), source: 'gossip', isNew: true }, usual), undefined)
    assert.equal(notificationReason({ message: message(), source: 'gossip', isNew: true }, { ...usual, level: 'all' }), 'message')
  })

  it('a reply to one of my messages notifies like a mention', () => {
    assert.equal(notificationReason({ message: message({ replyTo: 'dd'.repeat(32) }), source: 'gossip', isNew: true, repliesTo: ME }, usual), 'reply')
  })

  it('history caught up by sync does not notify, unless written in the last minutes', () => {
    const old = message({ mentions: [ME], time: NOW - FRESH_MS - 1 })
    assert.equal(notificationReason({ message: old, source: 'sync', isNew: true }, usual), undefined)
    assert.equal(notificationReason({ message: message({ mentions: [ME] }), source: 'sync', isNew: true }, usual), 'mention')
    assert.equal(notificationReason({ message: old, source: 'import', isNew: true }, usual), undefined)
  })

  it('never for my own messages, a blocked member’s, an edit of an old one, a muted group or a group turned off', () => {
    const mention = message({ mentions: [ME] })
    assert.equal(notificationReason({ message: { ...mention, author: ME }, source: 'local', isNew: true }, usual), undefined)
    assert.equal(notificationReason({ message: mention, source: 'gossip', isNew: true }, { ...usual, blocked: (k) => k === BOB }), undefined)
    assert.equal(notificationReason({ message: mention, source: 'gossip', isNew: false }, usual), undefined)
    assert.equal(notificationReason({ message: mention, source: 'gossip', isNew: true }, { ...usual, muted: true }), undefined)
    assert.equal(notificationReason({ message: mention, source: 'gossip', isNew: true }, { ...usual, level: 'off' }), undefined)
  })

  it('what the person wrote on another of their devices is theirs: it never notifies, and a reply to it does', () => {
    const laptop = 'cc'.repeat(32)
    const mine = { ...usual, own: new Set([ME, laptop]) }
    assert.equal(notificationReason({ message: message({ author: laptop }), source: 'gossip', isNew: true }, { ...mine, level: 'all' }), undefined)
    assert.equal(
      notificationReason({ message: message({ replyTo: 'dd'.repeat(32) }), source: 'gossip', isNew: true, repliesTo: laptop }, mine),
      'reply'
    )
  })
})
