import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addressesByPeer, type Invite, inviteLink, inviteWebLink, newInviteId, parseInvite } from '@causette/core'

function sample(overrides: Partial<Invite> = {}): Invite {
  return {
    groupId: new Uint8Array(32).fill(1),
    secret: new Uint8Array(32).fill(2),
    inviter: new Uint8Array(32).fill(3),
    addresses: [
      '/ip4/192.168.1.20/tcp/4801/p2p/12D3KooWQHQb2vxh6PU2Gcd1AL6pkY4wSmhKYbtDX48WyxXnAeCn',
      '/ip4/192.168.1.20/tcp/4802/ws/p2p/12D3KooWQHQb2vxh6PU2Gcd1AL6pkY4wSmhKYbtDX48WyxXnAeCn'
    ],
    groupName: 'Climbing',
    inviteId: newInviteId(),
    singleUse: false,
    ...overrides
  }
}

describe('invites', () => {
  it('round-trips through the causette: link and the web link', () => {
    const invite = sample({ expires: 1_900_000_000_000, singleUse: true })
    assert.deepEqual(parseInvite(inviteLink(invite)), invite)
    assert.deepEqual(parseInvite(inviteWebLink(invite, 'http://127.0.0.1:4800/')), invite)
    assert.match(inviteWebLink(invite, 'http://127.0.0.1:4800/#old'), /^http:\/\/127\.0\.0\.1:4800\/#join=/)
  })

  it('stays small enough for a QR code', () => {
    const link = inviteLink(sample())
    assert.ok(link.length < 600, `${link.length} characters`)
  })

  it('tells a link cut short from one that was never an invite', () => {
    const link = inviteLink(sample())
    for (const cut of [20, 60, link.length - 30, link.length - 1]) {
      assert.throws(() => parseInvite(link.slice(0, cut)), { name: 'TruncatedInviteError', message: /incomplete/ }, `cut at ${cut}`)
    }
    assert.throws(() => parseInvite('https://example.com/some/page'), { name: 'MalformedInviteError', message: /not a Causette invite/ })
    assert.throws(() => parseInvite('causette:join/not an invite!'), { name: 'MalformedInviteError', message: /characters/ })
    assert.throws(() => parseInvite('causette:join/AAAAAAAAAAAAAAAA'), { name: 'TruncatedInviteError' })
  })

  it('rejects a changed link by its checksum', () => {
    const link = inviteLink(sample())
    const i = link.length - 20
    const changed = link.slice(0, i) + (link[i] === 'A' ? 'B' : 'A') + link.slice(i + 1)
    assert.throws(() => parseInvite(changed), /incomplete or was changed|damaged|broken/)
  })

  it('rejects an expired invite when given the time', () => {
    const link = inviteLink(sample({ expires: 1000 }))
    assert.throws(() => parseInvite(link, 2000), { name: 'ExpiredInviteError', message: /expired on 1970/ })
    assert.equal(parseInvite(link).expires, 1000, 'without a time, expiry is not checked')
  })

  it('groups an invite’s addresses by the peer each reaches, so a join dials each peer once with all of them', () => {
    const a = '12D3KooWA'
    const b = '12D3KooWB'
    const relay = '12D3KooWR'
    const grouped = addressesByPeer([
      `/ip4/10.0.0.2/tcp/7431/p2p/${a}`,
      `/ip4/10.0.0.2/tcp/7432/ws/p2p/${a}`,
      `/ip4/10.0.0.3/tcp/7431/p2p/${b}`,
      `/ip4/1.2.3.4/tcp/443/wss/p2p/${relay}/p2p-circuit/p2p/${a}`
    ])
    assert.deepEqual(grouped, [
      [`/ip4/10.0.0.2/tcp/7431/p2p/${a}`, `/ip4/10.0.0.2/tcp/7432/ws/p2p/${a}`, `/ip4/1.2.3.4/tcp/443/wss/p2p/${relay}/p2p-circuit/p2p/${a}`],
      [`/ip4/10.0.0.3/tcp/7431/p2p/${b}`]
    ])
  })
})
