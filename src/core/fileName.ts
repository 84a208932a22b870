/**
 * Download names that are safe on every file system, whatever the title they come from: no path
 * separators or characters Windows, macOS or Linux refuse (`/ \ : * ? " < > |`), no control,
 * bidirectional-override or zero-width characters (which can disguise an extension), no leading
 * dots (hidden files, `..`), no trailing dots or spaces (Windows drops them), no reserved device
 * names (`CON`, `nul.txt`, `LPT1`), and a bounded length.
 */

const UNSAFE = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
/** The longest stem kept, in code points. */
export const MAX_FILE_STEM = 80

/** A safe stem from free text (a title); `''` when nothing usable is left. */
export function safeStem(text: string): string {
  const cleaned = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim().replace(/^[.\s]+/, '')
  // Cut by code points so a character outside the BMP (an emoji) is never split in half.
  const cut = [...cleaned].slice(0, MAX_FILE_STEM).join('').replace(/[.\s]+$/, '')
  return cut === '' || WINDOWS_RESERVED.test(cut) ? '' : cut
}

/** `stem.extension` made safe, or `fallback` when the stem has nothing usable left. */
export function safeFileName(stem: string, extension: string, fallback: string): string {
  const safe = safeStem(stem)
  return safe === '' ? fallback : `${safe}.${extension}`
}

/**
 * The last check before a download starts: a whole name (stem and extension) made safe; names the
 * app builds itself (`conversation.txt`, `inkstream-backup-….json`) come out unchanged.
 */
export function safeDownloadName(name: string, fallback = 'download.txt'): string {
  const dot = name.lastIndexOf('.')
  // `.json` alone (an empty title) would be a hidden file: the fallback says more.
  if (dot === 0) return fallback
  const extension = dot > 0 ? safeStem(name.slice(dot + 1)).replace(/[ .]/g, '').slice(0, 16) : ''
  const stem = dot > 0 ? name.slice(0, dot) : name
  if (extension === '') return safeStem(stem) || fallback
  return safeFileName(stem, extension, fallback)
}
