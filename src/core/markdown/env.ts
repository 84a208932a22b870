import type { Env } from 'markdown-it'

/** Features a render wanted but did not have yet; the UI loads them and renders again. */
export interface RenderNeeds {
  math: boolean
  /** highlight.js module names (see `languages.ts`). */
  languages: Set<string>
}

/** The markdown-it environment our rules read and write. */
export interface RenderEnv extends Env {
  /** Collected during a render: what was missing. */
  needs?: RenderNeeds
  /** Counts renders of something with a missing feature (a block rendered while this grows is "pending"). */
  pending?: number
  /** Set while rendering the open tail of a stream: the code fence that has not closed yet. */
  openFence?: unknown
}

/** An empty `RenderNeeds`. */
export function createNeeds(): RenderNeeds {
  return { math: false, languages: new Set() }
}

/** Whether `needs` asks for anything. */
export function hasNeeds(needs: RenderNeeds): boolean {
  return needs.math || needs.languages.size > 0
}

/** Records that something was rendered without a feature it needs. */
export function markPending(env: RenderEnv, feature: 'math' | { language: string }, counts = true): void {
  if (counts) env.pending = (env.pending ?? 0) + 1
  if (!env.needs) return
  if (feature === 'math') env.needs.math = true
  else env.needs.languages.add(feature.language)
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]!)
}
