/**
 * What the relay says of AutoTLS as its attempts go (auto-tls-status.ts),
 * without a network: AutoTLS retries every 5 s, and the operator is told
 * each failure once, not every 5 s, and what follows a certificate.
 */
import assert from 'node:assert/strict'
import { describe, it, mock } from 'node:test'
import { AutoTlsStatus } from '../../relay/src/auto-tls-status.ts'

function status(): { status: AutoTlsStatus; said: string[] } {
  const s = new AutoTlsStatus({ domain: '*.k51x.libp2p.direct', forge: 'https://forge.example/', acmeDirectory: 'https://acme.example/directory' })
  const said: string[] = []
  s.onReport((line) => said.push(line))
  return { status: s, said }
}

const refused = Object.assign(new TypeError('fetch failed'), { cause: { message: 'connect ECONNREFUSED 192.0.2.1:443' } })

describe('what the relay says of AutoTLS', () => {
  it('says a failure once, again only after 10 minutes, and each different failure', () => {
    mock.timers.enable({ apis: ['Date'], now: 0 })
    try {
      const { status: s, said } = status()
      s.addresses(['/ip4/1.2.3.4/tcp/4002/ws'])
      for (let attempt = 0; attempt < 24; attempt++) {
        s.attemptStarted()
        s.askingForge()
        s.forgeUnreachable(refused)
        mock.timers.tick(5_000)
      }
      s.attemptFailed(new Error('This operation was aborted'))
      assert.deepEqual(said.slice(1), [
        'AutoTLS: asking the forge https://forge.example/ to answer the ACME DNS challenge for *.k51x.libp2p.direct',
        'AutoTLS: cannot reach the forge https://forge.example/: fetch failed: connect ECONNREFUSED 192.0.2.1:443; trying again in 5 s, and serving TCP and WebSockets meanwhile',
        'AutoTLS: the forge did not take the challenge in this attempt (This operation was aborted); trying again in 5 s, and serving TCP and WebSockets meanwhile'
      ])
      assert.deepEqual(
        [s.health().state, s.health().lastError],
        ['failing', 'the forge did not take the challenge in this attempt (This operation was aborted)']
      )
      mock.timers.tick(10 * 60_000)
      s.attemptStarted()
      s.askingForge()
      s.forgeUnreachable(refused)
      assert.equal(said.length, 5, 'said again after 10 minutes')
    } finally {
      mock.timers.reset()
    }
  })

  it("names the ACME server's failure once the forge took the challenge, and the certificate after", () => {
    const { status: s, said } = status()
    s.addresses(['/ip4/1.2.3.4/tcp/4002/ws'])
    s.attemptStarted()
    s.askingForge()
    s.forgeTookChallenge()
    s.attemptFailed(new Error('urn:ietf:params:acme:error:rateLimited: too many certificates'))
    s.attemptStarted()
    s.acmeUnreachable(refused)
    s.certified(new Date('2027-03-01T00:00:00Z'), ['/ip4/1.2.3.4/tcp/4002/tls/sni/1-2-3-4.k51x.libp2p.direct/ws'])
    assert.deepEqual(said.slice(3), [
      'AutoTLS: the ACME server https://acme.example/directory failed: urn:ietf:params:acme:error:rateLimited: too many certificates; trying again in 5 s, and serving TCP and WebSockets meanwhile',
      'AutoTLS: cannot reach the ACME server https://acme.example/directory: fetch failed: connect ECONNREFUSED 192.0.2.1:443; trying again in 5 s, and serving TCP and WebSockets meanwhile',
      'AutoTLS: certificate for *.k51x.libp2p.direct obtained from https://acme.example/directory, valid until 2027-03-01T00:00:00.000Z; secure WebSockets on:\n  /ip4/1.2.3.4/tcp/4002/tls/sni/1-2-3-4.k51x.libp2p.direct/ws'
    ])
    assert.deepEqual(s.health(), {
      state: 'certified',
      domain: '*.k51x.libp2p.direct',
      forge: 'https://forge.example/',
      acmeDirectory: 'https://acme.example/directory',
      expires: '2027-03-01T00:00:00.000Z',
      certificateFrom: 'acme'
    })
  })
})
