import type { Token } from 'markdown-it'
import { createNeeds, type RenderEnv, type RenderNeeds } from './env'
import { topLevelBlocks, type MarkdownRenderer, type TokenBlock } from './renderer'

/** What changed since the last update of a streaming render. */
export interface StreamingUpdate {
  /** Throw away everything shown so far before adding `newlyFinalHtml` (the text was replaced, or a late reference definition). */
  reset: boolean
  /** Blocks that became final, in order; each is the HTML of one element. Show them once and keep them. */
  newlyFinalHtml: string[]
  /** The open tail (the blocks that may still change); replaces the previous tail. */
  tailHtml: string
  /** Final blocks rendered again now that a feature they lacked has loaded (index = position among all final blocks). */
  replaced: Array<{ index: number; html: string }>
  /** Features the renders of this update lacked (load them, then call `rerender()`). */
  needs: RenderNeeds
}

/** Incremental Markdown for a growing text: finished blocks are rendered once, only the tail again. */
export interface StreamingMarkdown {
  /** Adds text at the end (cheap: parsing waits for `update()`). */
  append(chunk: string): void
  /** The whole text so far. Appends what is new; anything else (shorter, different) restarts. */
  setText(text: string): void
  /** Freezes blocks that later text cannot change and renders the open tail. */
  update(): StreamingUpdate
  /** The text is complete: everything is final. The HTML shown then equals `renderer.render(text)`. */
  finish(): StreamingUpdate
  /**
   * After math or a language loaded: renders again only the final blocks that lacked it, and the
   * tail. With `budgetMs` it stops after that long and sets `more`; call it again (next frame) for
   * the rest, so highlighting a long answer's many code blocks never blocks the page at once.
   */
  rerender(options?: { budgetMs?: number }): StreamingUpdate & { more: boolean }
  /** Whether a frozen block was rendered without a feature it needs. */
  readonly pending: boolean
}

const CHECK_LENGTH = 32

/** A trailing, unfinished line that is only a block marker so far: hidden until it says what it is. */
const MARKER_ONLY = /^ {0,3}(?:`{1,2}|~{1,2}|\${1,2}|\\|\|.*)$/

/** Precise fence closing line (same character, at least as long, nothing after it). */
function closesFence(line: string, markup: string): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)
  return !!m && m[1]![0] === markup[0] && m[1]!.length >= markup.length
}

function lineStartsOf(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function lineAt(text: string, starts: number[], line: number): string {
  const from = starts[line]
  if (from === undefined) return ''
  const next = starts[line + 1]
  return text.slice(from, next === undefined ? text.length : next - 1)
}

function isBlank(line: string): boolean {
  return line.trim() === ''
}

/**
 * How many leading blocks are final. Block k may start the tail when its first line is complete
 * (so it cannot still turn into a continuation of block k-1: `#` → `#tag`, `2` → `2.`) and it
 * follows a blank line or directly abuts block k-1 (a reference definition in between could still
 * take a title from the next line). Everything before such a block is closed for good:
 * CommonMark never reopens a closed block.
 */
function finalCount(blocks: TokenBlock[], tokens: Token[], text: string, starts: number[]): number {
  for (let k = blocks.length - 1; k >= 1; k--) {
    const start = blocks[k]!.map[0]
    const afterBlank = isBlank(lineAt(text, starts, start - 1))
    if (starts[start + 1] === undefined) {
      // An unfinished first line can still change what it is. After a blank line it can only
      // rejoin a list (`2` → `2.`); anything else before it is closed already.
      const previous = tokens[blocks[k - 1]!.from]!.type
      if (!afterBlank || previous === 'bullet_list_open' || previous === 'ordered_list_open') continue
      return k
    }
    if (afterBlank || blocks[k - 1]!.map[1] === start) return k
  }
  return 0
}

/** Creates the incremental renderer for one growing text. */
export function createStreamingMarkdown(renderer: MarkdownRenderer): StreamingMarkdown {
  let tail = ''
  let frozen: string[] = []
  let references: NonNullable<RenderEnv['references']> = {}
  let frozenHasBracket = false
  let referencesStale = false
  let pending = false
  let consumed = 0
  let recent = ''
  let pendingCR = false
  let dirty = true
  let restart = false
  let tailHtml = ''
  /** Index the next final block gets. */
  let blockCount = 0
  /** Final blocks rendered without a feature: kept with their tokens so they can be rendered again. */
  let waiting = new Map<number, { tokens: Token[]; from: number; to: number; env: RenderEnv }>()

  function clear(): void {
    blockCount = 0
    waiting = new Map()
    tail = ''
    frozen = []
    references = {}
    frozenHasBracket = false
    referencesStale = false
    pending = false
    consumed = 0
    recent = ''
    pendingCR = false
    tailHtml = ''
  }

  function envFor(needs: RenderNeeds): RenderEnv {
    return { references: { ...references }, needs, pending: 0 }
  }

  function learnReferences(env: RenderEnv): void {
    const found = env.references ?? {}
    const added = Object.keys(found).some((key) => !(key in references))
    // A definition that arrives after a block with a `[` was frozen may change that block.
    if (added && frozenHasBracket) referencesStale = true
    references = found
  }

  /** Renders a finished segment (whole blocks) once and remembers it. */
  function freeze(segment: string, needs: RenderNeeds, out: string[]): void {
    const env = envFor(needs)
    const tokens = renderer.parse(segment, env)
    emitBlocks(tokens, env, out)
    learnReferences(env)
    frozenHasBracket ||= segment.includes('[')
    frozen.push(segment)
  }

  /** Renders the final blocks of a token stream, remembering those that wait for a feature. */
  function emitBlocks(tokens: Token[], env: RenderEnv, out: string[]): void {
    for (const block of topLevelBlocks(tokens)) {
      const before = env.pending ?? 0
      out.push(renderer.renderTokens(tokens, block.from, block.to, env))
      if ((env.pending ?? 0) > before) {
        pending = true
        waiting.set(blockCount, { tokens, from: block.from, to: block.to, env })
      }
      blockCount++
    }
  }

  function renderTail(tokens: Token[], blocks: TokenBlock[], text: string, starts: number[], env: RenderEnv): string {
    const last = blocks.at(-1)
    const lastToken = last ? tokens[last.from] : undefined
    if (lastToken?.type === 'fence' && last) {
      const closing = last.map[1] - 1
      const closed = closing > last.map[0] && starts[closing + 1] !== undefined &&
        closesFence(lineAt(text, starts, closing), lastToken.markup)
      if (!closed) env.openFence = lastToken
    }
    const from = blocks[0]?.from ?? tokens.length
    return renderer.renderTokens(tokens, from, tokens.length, env)
  }

  function result(reset: boolean, newlyFinalHtml: string[], needs: RenderNeeds, replaced: StreamingUpdate['replaced'] = []): StreamingUpdate {
    return { reset, newlyFinalHtml, tailHtml, replaced, needs }
  }

  function appendNormalized(chunk: string): void {
    if (!chunk) return
    let text = chunk
    if (pendingCR && text.startsWith('\n')) text = text.slice(1)
    pendingCR = chunk.endsWith('\r')
    tail += text.replace(/\r\n?/g, '\n')
    consumed += chunk.length
    recent = (recent + chunk).slice(-CHECK_LENGTH)
    dirty = true
  }

  return {
    append: appendNormalized,

    setText(text) {
      if (text.length === consumed && text.slice(-CHECK_LENGTH) === recent) return
      const continues = text.length > consumed && text.slice(Math.max(0, consumed - CHECK_LENGTH), consumed) === recent
      if (!continues) {
        clear()
        restart = true
        dirty = true
      }
      appendNormalized(text.slice(consumed))
    },

    update() {
      const needs = createNeeds()
      const out: string[] = []
      const reset = restart
      restart = false
      if (!dirty) return result(reset, out, needs)
      dirty = false
      const starts = lineStartsOf(tail)
      // Hide a last line that is only a marker so far (`` ` `` that may open a fence, `|` a table row).
      const lastStart = starts.at(-1)!
      const visible = MARKER_ONLY.test(tail.slice(lastStart)) ? tail.slice(0, lastStart) : tail
      const env = envFor(needs)
      const tokens = renderer.parse(visible, env)
      let blocks = topLevelBlocks(tokens)
      const keep = finalCount(blocks, tokens, visible, starts)
      if (keep > 0) {
        const line = blocks[keep]!.map[0]
        const cut = starts[line]!
        freeze(tail.slice(0, cut), needs, out)
        tail = tail.slice(cut)
        blocks = blocks.slice(keep)
      }
      tailHtml = renderTail(tokens, blocks, visible, starts, env)
      return result(reset, out, needs)
    },

    finish() {
      const needs = createNeeds()
      const out: string[] = []
      const reset = restart
      restart = false
      const env = envFor(needs)
      const tokens = renderer.parse(tail, env)
      learnReferences(env)
      tailHtml = ''
      dirty = false
      if (referencesStale) {
        // Rare: a reference definition came after a block that uses it. Render the whole text again.
        const all = frozen.join('') + tail
        frozen = [all]
        tail = ''
        referencesStale = false
        return result(true, renderAll(all, needs), needs)
      }
      emitBlocks(tokens, env, out)
      frozenHasBracket ||= tail.includes('[')
      frozen.push(tail)
      tail = ''
      return result(reset, out, needs)
    },

    rerender(options = {}) {
      const needs = createNeeds()
      const replaced: StreamingUpdate['replaced'] = []
      const started = performance.now()
      let more = false
      for (const [index, block] of waiting) {
        if (options.budgetMs !== undefined && replaced.length > 0 && performance.now() - started > options.budgetMs) {
          more = true
          break
        }
        const env: RenderEnv = { ...block.env, needs, pending: 0 }
        replaced.push({ index, html: renderer.renderTokens(block.tokens, block.from, block.to, env) })
        if (!env.pending) waiting.delete(index)
      }
      pending = waiting.size > 0
      const reset = restart
      restart = false
      dirty = true
      const update = this.update()
      return { ...result(reset || update.reset, update.newlyFinalHtml, mergeNeeds(needs, update.needs), replaced), more }
    },

    get pending() {
      return pending
    },
  }

  function renderAll(text: string, needs: RenderNeeds): string[] {
    const env: RenderEnv = { references: {}, needs, pending: 0 }
    const tokens = renderer.parse(text, env)
    const out: string[] = []
    blockCount = 0
    waiting = new Map()
    pending = false
    emitBlocks(tokens, env, out)
    references = env.references ?? {}
    return out
  }
}

function mergeNeeds(a: RenderNeeds, b: RenderNeeds): RenderNeeds {
  return { math: a.math || b.math, languages: new Set([...a.languages, ...b.languages]) }
}
