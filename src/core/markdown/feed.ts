import { createNeeds } from './env'
import type { StreamingMarkdown, StreamingUpdate } from './streaming'

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
export function createTextFeed(initial = 16_384): TextFeed {
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

/** Steps within a frame's slice: the renderer is given this much more text at a time. */
const STEP = 4_096

/** Where the next step from `from` ends (at most `limit`): at a line end when one is near, never inside a surrogate pair. */
function stepEnd(source: string, from: number, limit: number): number {
  if (limit - from <= STEP) return limit
  const cap = from + STEP
  const newline = source.lastIndexOf('\n', cap - 1)
  if (newline >= from + STEP / 2) return newline + 1
  const code = source.charCodeAt(cap - 1)
  return code >= 0xd800 && code <= 0xdbff ? cap - 1 : cap
}

/** One update saying what `a` then `b` said. */
export function combineUpdates(a: StreamingUpdate, b: StreamingUpdate): StreamingUpdate {
  // A reset throws away everything shown so far, which includes what `a` added.
  if (b.reset) return b
  const needs = createNeeds()
  needs.math = a.needs.math || b.needs.math
  for (const language of [...a.needs.languages, ...b.needs.languages]) needs.languages.add(language)
  return {
    reset: a.reset,
    newlyFinalHtml: a.newlyFinalHtml.concat(b.newlyFinalHtml),
    tailHtml: b.tailHtml,
    replaced: a.replaced.concat(b.replaced),
    needs,
  }
}

/**
 * Gives `stream` the text from `from` up to `limit` a step at a time, stopping once `budgetMs` of
 * `clock` has passed: a slice whose text is unusually costly (math, big tables) ends early instead
 * of making one long frame. Returns how far it got and one update for the DOM (written once).
 */
export function advance(
  stream: StreamingMarkdown,
  source: string,
  from: number,
  limit: number,
  budgetMs: number,
  clock: () => number,
): { end: number; update: StreamingUpdate } {
  const started = clock()
  let end = from
  let update: StreamingUpdate | null = null
  do {
    end = stepEnd(source, end, limit)
    stream.setText(end === source.length ? source : source.slice(0, end))
    const next = stream.update()
    update = update ? combineUpdates(update, next) : next
  } while (end < limit && clock() - started < budgetMs)
  return { end, update }
}
