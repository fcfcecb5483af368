/**
 * A batch of signature checks packed into one buffer, for the trip to the
 * verification worker (worker-signatures.ts, signature-worker.ts): posting
 * an array of views copies each view's buffer as its own object, which cost
 * the daemon's main thread ~8 µs a message; one buffer, transferred, costs
 * one copy of the bytes. Layout: a count, then per check the lengths of
 * the public key and signature (one byte each) and of the data (four), then
 * the three in that order.
 */

export type SignatureCheck = readonly [publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array]

const COUNT_BYTES = 4
const LENGTH_BYTES = 6

export function packChecks(checks: readonly SignatureCheck[]): ArrayBuffer {
  let size = COUNT_BYTES
  for (const [publicKey, signature, data] of checks) size += LENGTH_BYTES + publicKey.byteLength + signature.byteLength + data.byteLength
  const buffer = new ArrayBuffer(size)
  const bytes = new Uint8Array(buffer)
  const view = new DataView(buffer)
  view.setUint32(0, checks.length)
  let o = COUNT_BYTES
  for (const [publicKey, signature, data] of checks) {
    // keys and signatures longer than a byte can say are invalid anyway: cut to 255, they still fail
    const keyBytes = publicKey.subarray(0, 255)
    const signatureBytes = signature.subarray(0, 255)
    bytes[o] = keyBytes.byteLength
    bytes[o + 1] = signatureBytes.byteLength
    view.setUint32(o + 2, data.byteLength)
    o += LENGTH_BYTES
    bytes.set(keyBytes, o)
    o += keyBytes.byteLength
    bytes.set(signatureBytes, o)
    o += signatureBytes.byteLength
    bytes.set(data, o)
    o += data.byteLength
  }
  return buffer
}

export function unpackChecks(buffer: ArrayBuffer): SignatureCheck[] {
  const bytes = new Uint8Array(buffer)
  const view = new DataView(buffer)
  const count = view.getUint32(0)
  const checks: SignatureCheck[] = []
  let o = COUNT_BYTES
  for (let i = 0; i < count; i++) {
    const keyLength = bytes[o] as number
    const signatureLength = bytes[o + 1] as number
    const dataLength = view.getUint32(o + 2)
    o += LENGTH_BYTES
    const publicKey = bytes.subarray(o, o + keyLength)
    o += keyLength
    const signature = bytes.subarray(o, o + signatureLength)
    o += signatureLength
    checks.push([publicKey, signature, bytes.subarray(o, o + dataLength)])
    o += dataLength
  }
  return checks
}
