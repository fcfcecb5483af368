/**
 * What a message says of an image before a byte of it arrives: its width
 * and height, and a ThumbHash of it (a few dozen bytes that draw a blurred
 * likeness), worked out in the browser from the picked or pasted file. The
 * ThumbHash code loads with the first image sent.
 */

/** ThumbHash encodes images of at most 100 × 100 pixels. */
const THUMB_SIDE = 100
/** The largest side a message may state (core's operations.ts). */
const MAX_SIDE = 65_535

export interface ImageMeta {
  thumb: Uint8Array
  width: number
  height: number
}

/** The image's size and placeholder; undefined when this browser cannot decode it (it is sent as a plain file). */
export async function imageMeta(file: Blob): Promise<ImageMeta | undefined> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return undefined
  }
  try {
    const { width, height } = bitmap
    if (width === 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE) return undefined
    const scale = Math.min(1, THUMB_SIDE / Math.max(width, height))
    const w = Math.max(1, Math.round(width * scale))
    const h = Math.max(1, Math.round(height * scale))
    const canvas = new OffscreenCanvas(w, h)
    const context = canvas.getContext('2d')
    if (context === null) return undefined
    context.drawImage(bitmap, 0, 0, w, h)
    const { rgbaToThumbHash } = await import('thumbhash')
    return { thumb: rgbaToThumbHash(w, h, context.getImageData(0, 0, w, h).data), width, height }
  } finally {
    bitmap.close()
  }
}
