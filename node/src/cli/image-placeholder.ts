/**
 * What an image sent from the terminal shows before a byte of it arrives,
 * as the web app's images do: its width and height and a ThumbHash (a few
 * dozen bytes) of it scaled to 100 px — decoded here in JavaScript (pngjs,
 * jpeg-js), so the CLI needs no native image library. An image these
 * decoders cannot read, or one over 20 MB, is sent as a plain file.
 */
import { readFile, stat } from 'node:fs/promises'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { rgbaToThumbHash } from 'thumbhash'

const MAX_DECODE_BYTES = 20 * 1024 * 1024
/** ThumbHash works on at most 100 × 100 pixels. */
const MAX_SIDE = 100

export interface ImagePlaceholder {
  thumb: Uint8Array
  width: number
  height: number
}

interface Decoded {
  width: number
  height: number
  data: Uint8Array
}

/** The placeholder of a PNG or JPEG file; undefined for other types, large files, and images that do not decode. */
export async function imagePlaceholder(path: string, type: string): Promise<ImagePlaceholder | undefined> {
  if (type !== 'image/png' && type !== 'image/jpeg') return undefined
  if ((await stat(path)).size > MAX_DECODE_BYTES) return undefined
  let image: Decoded
  try {
    const bytes = await readFile(path)
    image = type === 'image/png' ? PNG.sync.read(bytes) : jpeg.decode(bytes, { useTArray: true, maxResolutionInMP: 100, maxMemoryUsageInMB: 512 })
  } catch {
    return undefined
  }
  if (image.width < 1 || image.height < 1) return undefined
  const small = scaledDown(image)
  return { thumb: rgbaToThumbHash(small.width, small.height, small.data), width: image.width, height: image.height }
}

/** The image at most MAX_SIDE on its longer side, each pixel the mean of the block of pixels it stands for. */
function scaledDown(image: Decoded): Decoded {
  const scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height))
  const width = Math.max(1, Math.round(image.width * scale))
  const height = Math.max(1, Math.round(image.height * scale))
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height))
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * image.width) / width)
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width))
      const sum = [0, 0, 0, 0]
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const at = (sy * image.width + sx) * 4
          for (let c = 0; c < 4; c++) (sum[c] as number) += image.data[at + c] as number
        }
      }
      const count = (y1 - y0) * (x1 - x0)
      for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = Math.round((sum[c] as number) / count)
    }
  }
  return { width, height, data }
}
