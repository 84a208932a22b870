/**
 * Full-text search over every conversation (titles, questions, answers), framework-free.
 *
 * Text is normalised once per record (NFKC, so full-width Ｌａｔｉｎ and half-width forms match, then
 * lower case) and kept in an index the caller updates per conversation; a query is then a plain
 * `indexOf` scan of normalised text, fast enough for thousands of conversations without a word
 * index, and it needs no word boundaries, so Chinese matches exactly as English does.
 * Hits come back as ranges of the ORIGINAL text, so the UI can wrap them in <mark> elements built
 * as nodes: the text itself stays inert and is never parsed as HTML.
 */
import type { ChatMessage, Conversation, Role } from './types'

/** Where a hit was found: the conversation's title, or one of its messages. */
export type SearchField = 'title' | Role

/** A half-open range `[start, end)` of UTF-16 offsets into a snippet's text. */
export interface SearchRange {
  start: number
  end: number
}

/** One place a query matched, with a snippet of the text around it. */
export interface SearchResult {
  conversationId: string
  /** The matching message, or `undefined` when the title matched. */
  messageId?: string
  field: SearchField
  /** The conversation's title at indexing time, to label the result. */
  title: string
  /** The text around the first hit, whitespace shown as single spaces (same length as the source). */
  snippet: string
  /** Every hit inside `snippet`, sorted and non-overlapping. */
  ranges: SearchRange[]
  /** Whether `snippet` starts after the text's start, or ends before its end (show an ellipsis). */
  cutStart: boolean
  cutEnd: boolean
}

/** Options of `SearchIndex.search`. */
export interface SearchOptions {
  /** At most this many results in all (default 100). */
  limit?: number
  /** At most this many results per conversation (default 3). */
  perConversation?: number
  /** Characters of context before the first hit (default 30). */
  before?: number
  /** Length of a snippet (default 120). */
  length?: number
}

/** Text made comparable: `text` normalised, and for each of its UTF-16 units where it came from. */
interface Normalised {
  text: string
  /** `map[i]` is the source offset of `text[i]`; `undefined` when the two align one to one. */
  map: number[] | undefined
  sourceLength: number
}

interface Doc {
  messageId?: string
  field: SearchField
  source: string
  norm: Normalised
}

interface Entry {
  conversation: Conversation
  docs: Doc[]
}

/**
 * Normalises text for matching: NFKC (full-width and compatibility forms fold to their plain
 * forms) then lower case. Pure.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

/**
 * `normalizeText` with a map back to source offsets. Most text keeps its length, and then offsets
 * align one to one (no map); otherwise each code point is normalised on its own so every unit of
 * the result knows its source. (A string whose expansions and contractions cancel out exactly
 * would be mis-aligned by a few units inside that stretch; highlights stay within the text.)
 */
function normalise(source: string): Normalised {
  const whole = normalizeText(source)
  if (whole.length === source.length) return { text: whole, map: undefined, sourceLength: source.length }
  let text = ''
  const map: number[] = []
  let offset = 0
  for (const char of source) {
    const folded = normalizeText(char)
    text += folded
    for (let i = 0; i < folded.length; i++) map.push(offset)
    offset += char.length
  }
  return { text, map, sourceLength: source.length }
}

function toSource(norm: Normalised, index: number): number {
  if (!norm.map) return index
  return index >= norm.map.length ? norm.sourceLength : norm.map[index]!
}

/** The query as normalised terms: split on whitespace, duplicates and empty terms dropped. Pure. */
export function queryTerms(query: string): string[] {
  const terms = normalizeText(query).split(/\s+/u).filter((term) => term !== '')
  return [...new Set(terms)]
}

/** Every occurrence of every term in `norm`, as merged, sorted ranges of the SOURCE text. */
function findHits(norm: Normalised, terms: readonly string[]): SearchRange[] | undefined {
  const hits: SearchRange[] = []
  for (const term of terms) {
    let from = norm.text.indexOf(term)
    // Every term must occur (AND), as a reader expects from typing more words.
    if (from < 0) return undefined
    while (from >= 0) {
      hits.push({ start: toSource(norm, from), end: sourceEnd(norm, from + term.length) })
      from = norm.text.indexOf(term, from + term.length)
    }
  }
  hits.sort((a, b) => a.start - b.start || a.end - b.end)
  const merged: SearchRange[] = []
  for (const hit of hits) {
    const last = merged.at(-1)
    if (last && hit.start <= last.end) last.end = Math.max(last.end, hit.end)
    else merged.push({ ...hit })
  }
  return merged
}

/**
 * The source offset where a hit ending at normalised offset `end` ends: after the whole code point
 * its last unit came from (a query for "f" in "ﬁ" highlights the ligature, not nothing).
 */
function sourceEnd(norm: Normalised, end: number): number {
  if (!norm.map) return end
  const last = norm.map[end - 1]!
  for (let i = end; i < norm.map.length; i++) if (norm.map[i]! > last) return norm.map[i]!
  return norm.sourceLength
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

/** Moves an offset off the middle of a surrogate pair, so a snippet never shows half an emoji. */
function codePointBoundary(text: string, offset: number, direction: -1 | 1): number {
  if (offset <= 0 || offset >= text.length) return Math.max(0, Math.min(offset, text.length))
  return isHighSurrogate(text.charCodeAt(offset - 1)) ? offset + direction : offset
}

/**
 * The part of `source` around `hits[0]`, with every hit inside it re-based onto the snippet.
 * Pure; exported for tests.
 */
export function makeSnippet(
  source: string,
  hits: readonly SearchRange[],
  { before = 30, length = 120 }: { before?: number; length?: number } = {},
): Pick<SearchResult, 'snippet' | 'ranges' | 'cutStart' | 'cutEnd'> {
  const first = hits[0] ?? { start: 0, end: 0 }
  let start = Math.max(0, first.start - before)
  let end = Math.min(source.length, Math.max(start + length, first.end))
  // Near the end of the text the context before grows instead, so a snippet is as long as it can be.
  if (end - start < length) start = Math.max(0, end - length)
  start = codePointBoundary(source, start, 1)
  end = codePointBoundary(source, end, -1)
  if (start > first.start) start = first.start
  const ranges: SearchRange[] = []
  for (const hit of hits) {
    if (hit.end <= start || hit.start >= end) continue
    ranges.push({ start: Math.max(hit.start, start) - start, end: Math.min(hit.end, end) - start })
  }
  // One-for-one replacement keeps every offset valid while a snippet reads as one line.
  const snippet = source.slice(start, end).replace(/\s/gu, ' ')
  return { snippet, ranges, cutStart: start > 0, cutEnd: end < source.length }
}

/** A search index over conversations; update it per conversation as they change. */
export interface SearchIndex {
  /** Adds or replaces a conversation and its messages. */
  set(conversation: Conversation, messages: readonly ChatMessage[]): void
  /** Drops a conversation (it was deleted). */
  remove(conversationId: string): void
  /** Drops every conversation. */
  clear(): void
  /** Whether the conversation is indexed. */
  has(conversationId: string): boolean
  /** How many conversations are indexed. */
  readonly size: number
  /**
   * Results for `query`, conversations newest first (as the list shows them), the title's hit before
   * its messages' hits in order. An empty or blank query finds nothing.
   */
  search(query: string, options?: SearchOptions): SearchResult[]
}

/** A new, empty search index. */
export function createSearchIndex(): SearchIndex {
  const entries = new Map<string, Entry>()
  return {
    set(conversation, messages) {
      const docs: Doc[] = [{ field: 'title', source: conversation.title, norm: normalise(conversation.title) }]
      for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
        if (message.content === '') continue
        docs.push({ messageId: message.id, field: message.role, source: message.content, norm: normalise(message.content) })
      }
      entries.set(conversation.id, { conversation: { ...conversation }, docs })
    },
    remove(conversationId) {
      entries.delete(conversationId)
    },
    clear() {
      entries.clear()
    },
    has(conversationId) {
      return entries.has(conversationId)
    },
    get size() {
      return entries.size
    },
    search(query, options = {}) {
      const terms = queryTerms(query)
      if (terms.length === 0) return []
      const limit = options.limit ?? 100
      const perConversation = options.perConversation ?? 3
      const ordered = [...entries.values()].sort((a, b) => b.conversation.updatedAt - a.conversation.updatedAt)
      const results: SearchResult[] = []
      for (const { conversation, docs } of ordered) {
        let found = 0
        for (const doc of docs) {
          const hits = findHits(doc.norm, terms)
          if (!hits) continue
          results.push({
            conversationId: conversation.id,
            ...(doc.messageId === undefined ? {} : { messageId: doc.messageId }),
            field: doc.field,
            title: conversation.title,
            ...makeSnippet(doc.source, hits, options),
          })
          if (results.length >= limit) return results
          if (++found >= perConversation) break
        }
      }
      return results
    },
  }
}

/** A snippet cut into plain pieces and hits, in order, for rendering each as a text node or <mark>. */
export function highlightParts(snippet: string, ranges: readonly SearchRange[]): { text: string; hit: boolean }[] {
  const parts: { text: string; hit: boolean }[] = []
  let at = 0
  for (const range of ranges) {
    if (range.start > at) parts.push({ text: snippet.slice(at, range.start), hit: false })
    parts.push({ text: snippet.slice(range.start, range.end), hit: true })
    at = range.end
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), hit: false })
  return parts
}
