/** Paces a huge text into the streaming renderer: a slice a frame, sized by how long frames take. */
export interface TextFeed {
  /**
   * Where this frame's slice of `source` (already fed up to `from`) ends: all of it when little is
   * new, else at a line end, never inside a surrogate pair. `now` is the frame's time (ms).
   */
  end(source: string, from: number, now: number): number
}

/** Slice bounds (characters) and the frame times that halve or grow it. */
const MIN = 8_192
const MAX = 262_144
const SLOW_FRAME_MS = 90
const QUICK_FRAME_MS = 45

/**
 * Parsing, rendering and laying out cost about linear in the text added, so a fast stream (or a
 * 5 MB answer that arrived while the tab was busy) is rendered over several frames instead of in
 * one task that freezes the tab. The slice halves after a catch-up frame that took long (render,
 * style and layout: the time until the next frame) and grows after quick ones.
 */
export function createTextFeed(initial = 65_536): TextFeed {
  let size = initial
  let catchingUpSince = 0
  return {
    end(source, from, now) {
      if (catchingUpSince !== 0) {
        const took = now - catchingUpSince
        if (took > SLOW_FRAME_MS) size = Math.max(MIN, size / 2)
        else if (took < QUICK_FRAME_MS) size = Math.min(MAX, size * 1.5)
      }
      catchingUpSince = 0
      if (source.length - from <= size) return source.length
      catchingUpSince = now
      const limit = from + Math.floor(size)
      const newline = source.lastIndexOf('\n', limit - 1)
      if (newline >= from + size / 2) return newline + 1
      const code = source.charCodeAt(limit - 1)
      return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit
    },
  }
}
