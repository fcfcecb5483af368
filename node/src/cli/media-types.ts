/** A file's media type from its name, for the files people send most; '' when unknown (the receiver then offers it as bytes). */
const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  gpx: 'application/gpx+xml',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  webm: 'video/webm',
  mp4: 'video/mp4',
  mov: 'video/quicktime'
}

export function mediaTypeOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : (BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? '')
}
