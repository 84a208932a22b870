import type { MarkdownIt, StateBlock, StateInline, Token } from 'markdown-it'
import type { RenderEnv } from './env'
import { escapeHtml, markPending } from './env'

/** What we need from KaTeX (its `renderToString`), so the core does not import it eagerly. */
export interface MathEngine {
  renderToString(tex: string, options: MathOptions): string
}

/** The KaTeX options we pass; fixed, see `MATH_OPTIONS`. */
export interface MathOptions {
  displayMode: boolean
  throwOnError: boolean
  trust: boolean
  strict: 'ignore'
  maxSize: number
  maxExpand: number
  output: 'htmlAndMathml'
}

/**
 * KaTeX's security advice: never trust input (no \href, \url, \includegraphics, \htmlData …), and
 * bound sizes and macro expansion so a hostile formula cannot freeze or cover the page.
 */
export const MATH_OPTIONS: Omit<MathOptions, 'displayMode'> = {
  throwOnError: true,
  trust: false,
  strict: 'ignore',
  maxSize: 20,
  maxExpand: 200,
  output: 'htmlAndMathml',
}

/** Longest formula we try to typeset; longer ones are shown as text. */
const MAX_TEX_LENGTH = 5000

/** Per-inline-block memo: "no closing delimiter after position p", so scans stay linear. */
const noCloser = new WeakMap<StateInline, Record<string, number>>()

function findCloser(state: StateInline, kind: string, from: number, find: () => number): number {
  let memo = noCloser.get(state)
  if (!memo) noCloser.set(state, (memo = {}))
  const none = memo[kind]
  if (none !== undefined && from >= none) return -1
  const at = find()
  if (at < 0) memo[kind] = from
  return at
}

function isSpace(code: number | undefined): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a
}

/**
 * The closing `$` of an inline formula opened at `start`: the next unescaped `$`, if it has no
 * space before it and no digit after it (Pandoc's rule), so "$5 and $10" stays text. Each scan
 * stops at the next `$`, which keeps a line full of dollars linear.
 */
function dollarCloser(src: string, start: number, max: number): number {
  let at = src.indexOf('$', start)
  while (at >= 0 && at < max && src.charCodeAt(at - 1) === 0x5c /* \ */) at = src.indexOf('$', at + 1)
  if (at < 0 || at >= max) return -1
  const after = src.charCodeAt(at + 1)
  return !isSpace(src.charCodeAt(at - 1)) && !(after >= 0x30 && after <= 0x39) ? at : -1
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax: max } = state
  const ch = src.charCodeAt(pos)
  let open: string
  let close: string
  let display = false
  if (ch === 0x5c /* \ */) {
    const next = src[pos + 1]
    if (next === '(') [open, close] = ['\\(', '\\)']
    else if (next === '[') [open, close, display] = ['\\[', '\\]', true]
    else return false
  } else if (ch === 0x24 /* $ */) {
    if (src.charCodeAt(pos + 1) === 0x24) [open, close, display] = ['$$', '$$', true]
    else [open, close] = ['$', '$']
  } else {
    return false
  }
  const start = pos + open.length
  let end: number
  if (open === '$') {
    // `$ 5` or `$$` handled elsewhere; a space right after the opener means "not math" (prices).
    if (isSpace(src.charCodeAt(start)) || start >= max) return false
    end = dollarCloser(src, start, max)
  } else {
    end = findCloser(state, open, start, () => {
      const at = src.indexOf(close, start)
      return at >= 0 && at < max ? at : -1
    })
  }
  if (end < 0 || end === start) return false
  if (!silent) {
    const token = state.push('math_inline', 'span', 0)
    token.content = src.slice(start, end)
    token.markup = open
    token.meta = { display }
  }
  state.pos = end + close.length
  return true
}

/**
 * `$$ … $$` and `\[ … \]` on lines of their own. Like LaTeX display math it may not contain a blank
 * line; without a closing delimiter before one it is not math (the text stays a paragraph), so a
 * finished block can never be changed by text that arrives later.
 */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false
  const first = state.src.slice(state.bMarks[startLine]! + state.tShift[startLine]!, state.eMarks[startLine]).trimEnd()
  let close: string
  if (first.startsWith('$$')) close = '$$'
  else if (first.startsWith('\\[')) close = '\\]'
  else return false
  const afterOpen = first.slice(2)
  let content: string
  let last = startLine
  if (afterOpen.trim().length > 0 && afterOpen.endsWith(close)) {
    content = afterOpen.slice(0, -close.length)
  } else {
    const lines = afterOpen.trim() ? [afterOpen] : []
    let line = startLine + 1
    let found = false
    for (; line < endLine; line++) {
      if (state.isEmpty(line)) return false
      if (state.sCount[line]! < state.blkIndent) return false
      const text = state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]).trimEnd()
      if (text.endsWith(close)) {
        if (text.length > close.length) lines.push(text.slice(0, -close.length))
        found = true
        break
      }
      lines.push(text)
    }
    if (!found) return false
    content = lines.join('\n')
    last = line
  }
  if (!content.trim()) return false
  if (silent) return true
  state.line = last + 1
  const token = state.push('math_block', 'div', 0)
  token.block = true
  token.content = content
  token.markup = close === '$$' ? '$$' : '\\['
  token.map = [startLine, state.line]
  return true
}

function renderMath(tex: string, display: boolean, block: boolean, engine: MathEngine | null, env: RenderEnv, source: string): string {
  // Inline formulas stay spans even in display mode: a <div> inside <p> would break the paragraph.
  const tag = block ? 'div' : 'span'
  const cls = display ? 'md-math md-math-display' : 'md-math'
  if (tex.length > MAX_TEX_LENGTH) return `<${tag} class="${cls} md-math-error">${escapeHtml(source)}</${tag}>`
  if (!engine) {
    markPending(env, 'math')
    return `<${tag} class="${cls} md-math-pending">${escapeHtml(source)}</${tag}>`
  }
  try {
    return `<${tag} class="${cls}">${engine.renderToString(tex, { ...MATH_OPTIONS, displayMode: display })}</${tag}>`
  } catch (error) {
    // A formula KaTeX cannot read is shown as its source, with the reason on hover.
    const reason = error instanceof Error ? error.message : String(error)
    return `<${tag} class="${cls} md-math-error" title="${escapeHtml(reason)}">${escapeHtml(source)}</${tag}>`
  }
}

const CLOSERS: Record<string, string> = { $: '$', $$: '$$', '\\(': '\\)', '\\[': '\\]' }

/** Adds `$…$`, `\(…\)`, `$$…$$` and `\[…\]` math, typeset by `getEngine()` when it is loaded. */
export function mathPlugin(md: MarkdownIt, getEngine: () => MathEngine | null): void {
  md.inline.ruler.before('escape', 'math_inline', mathInline)
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] })
  md.renderer.rules.math_inline = (tokens: Token[], idx: number, _options, env) => {
    const token = tokens[idx]!
    const display = (token.meta as { display: boolean }).display
    const source = token.markup + token.content + (CLOSERS[token.markup] ?? '')
    return renderMath(token.content, display, false, getEngine(), (env ?? {}) as RenderEnv, source)
  }
  md.renderer.rules.math_block = (tokens: Token[], idx: number, _options, env) => {
    const token = tokens[idx]!
    const source = token.markup + token.content + (CLOSERS[token.markup] ?? '')
    return renderMath(token.content, true, true, getEngine(), (env ?? {}) as RenderEnv, source)
  }
}
