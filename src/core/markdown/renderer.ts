import MarkdownIt from 'markdown-it'
import type { MarkdownIt as MarkdownItInstance, MarkdownItOptions, StateCore, Token } from 'markdown-it'
import { createNeeds, escapeHtml, markPending, type RenderEnv, type RenderNeeds } from './env'
import { fenceLanguage, highlightLanguage, type HighlightLanguage } from './languages'
import { mathPlugin, type MathEngine } from './math'
import { renderNow } from '../../locales'

/**
 * The parser options are part of our security model (threat model §3.1, test 43): raw HTML is
 * text (`html:false`, which also avoids the inline-HTML scanning DoS), no typographer (its
 * smart-quote pass had quadratic cases), bare URLs become links only with a scheme or `www.`.
 */
export const MARKDOWN_OPTIONS: Readonly<MarkdownItOptions> = Object.freeze({
  html: false,
  xhtmlOut: false,
  breaks: false,
  linkify: true,
  typographer: false,
})

/** Link targets a reader can click; anything else (javascript:, data:, relative …) stays text. */
const CLICKABLE = /^(?:https?:\/\/|mailto:)/i

/** Highlights code in a loaded language; returns null while the language is not loaded. */
export interface CodeHighlighter {
  highlight(code: string, language: HighlightLanguage): string | null
}

/** A top-level block of a token stream: tokens [from, to) and its source lines [start, end). */
export interface TokenBlock {
  from: number
  to: number
  map: [number, number]
}

/** Markdown → HTML with our rules; math and highlighting are used once they are provided. */
export interface MarkdownRenderer {
  /** The configured markdown-it instance (read-only use: parse/options). */
  readonly md: MarkdownItInstance
  /** One-shot render of a whole text. `env.needs` collects what was missing. */
  render(text: string, env?: RenderEnv): string
  /** Tokens of a text (references found land in `env.references`). */
  parse(text: string, env: RenderEnv): Token[]
  /** HTML of tokens [from, to) — one top-level block, or several. */
  renderTokens(tokens: Token[], from: number, to: number, env: RenderEnv): string
  /** Use KaTeX (or anything with its `renderToString`) for math from now on. */
  setMathEngine(engine: MathEngine | null): void
  /** Use this highlighter for fenced code from now on. */
  setHighlighter(highlighter: CodeHighlighter | null): void
}

/** The top-level blocks of a token stream (each renders to exactly one element, or nothing). */
export function topLevelBlocks(tokens: Token[]): TokenBlock[] {
  const blocks: TokenBlock[] = []
  let i = 0
  while (i < tokens.length) {
    const open = tokens[i]!
    let j = i + 1
    if (open.nesting === 1) {
      while (j < tokens.length && !(tokens[j]!.level === 0 && tokens[j]!.nesting === -1)) j++
      j++
    }
    blocks.push({ from: i, to: Math.min(j, tokens.length), map: open.map ?? [0, 0] })
    i = j
  }
  return blocks
}

function copyButton(): string {
  const label = escapeHtml(renderNow('markdown.copyCode'))
  return `<button type="button" class="md-copy" aria-label="${label}" title="${label}">` +
  '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">' +
  '<rect x="9" y="9" width="11" height="11" rx="2"></rect><path d="M5 15V6a2 2 0 0 1 2-2h9"></path></svg></button>'
}

function codeBlock(code: string, tag: string, highlighted: string | null): string {
  const lang = tag ? ` data-lang="${escapeHtml(tag)}"` : ''
  const classes = [highlighted !== null ? 'hljs' : '', tag ? `language-${tag}` : ''].filter(Boolean).join(' ')
  const codeClass = classes ? ` class="${escapeHtml(classes)}"` : ''
  return `<div class="md-code"${lang}>${copyButton()}<pre><code${codeClass}>${highlighted ?? escapeHtml(code)}</code></pre></div>`
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return ''
  }
}

/** GFM task lists: `- [ ] x` / `- [x] x` get a disabled checkbox (no id/name attributes). */
function taskLists(state: StateCore): void {
  const tokens = state.tokens
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i]!
    if (inline.type !== 'inline' || tokens[i - 1]!.type !== 'paragraph_open' || tokens[i - 2]!.type !== 'list_item_open') continue
    const first = inline.children?.[0]
    const match = first?.type === 'text' ? /^\[([ xX])\][ \t]/.exec(first.content) : null
    if (!first || !match) continue
    first.content = first.content.slice(match[0].length)
    const box = new state.Token('task_checkbox', 'input', 0)
    box.meta = { checked: match[1] !== ' ' }
    inline.children!.unshift(box)
    tokens[i - 2]!.attrJoin('class', 'md-task')
  }
}

/** Builds the renderer. Pure: no DOM, runs under Node. */
export function createMarkdownRenderer(options: { math?: MathEngine | null; highlighter?: CodeHighlighter | null } = {}): MarkdownRenderer {
  let math = options.math ?? null
  let highlighter = options.highlighter ?? null
  const md = new MarkdownIt('default', { ...MARKDOWN_OPTIONS })
  md.linkify.set({ fuzzyLink: false })
  md.validateLink = (url: string) => CLICKABLE.test(url.trim())
  mathPlugin(md, () => math)
  md.core.ruler.after('inline', 'task_lists', taskLists)

  const rules = md.renderer.rules
  // Block tags without the newlines markdown-it puts between them: the element's text is then
  // exactly the rendered text, and no whitespace nodes sit between blocks.
  md.renderer.renderToken = function renderToken(tokens, idx) {
    const token = tokens[idx]!
    if (token.hidden) return ''
    return `${token.nesting === -1 ? '</' : '<'}${token.tag}${this.renderAttrs(token)}>`
  }
  rules.link_open = (tokens, idx, _options, _env, self) => {
    const token = tokens[idx]!
    token.attrSet('target', '_blank')
    token.attrSet('rel', 'noopener noreferrer')
    return self.renderToken(tokens, idx, _options)
  }
  rules.image = (tokens, idx, opts, env, self) => {
    const token = tokens[idx]!
    const src = String(token.attrGet('src') ?? '')
    const alt = self.renderInlineAsText(token.children ?? [], opts, env)
    if (!/^https?:\/\//i.test(src)) return escapeHtml(alt)
    const host = hostOf(src)
    // A placeholder, never an <img>: the model chose this URL, so it loads only on a click.
    return (
      `<button type="button" class="md-image" data-src="${escapeHtml(src)}" data-host="${escapeHtml(host)}"` +
      ` data-alt="${escapeHtml(alt)}" title="${escapeHtml(renderNow('markdown.loadImageTitle', { src }))}"` +
      ` aria-label="${escapeHtml(alt ? renderNow('markdown.loadImageAlt', { alt, host: host || src }) : renderNow('markdown.loadImage', { host: host || src }))}"></button>`
    )
  }
  // A named checkbox (screen readers announce its state), in the page's language.
  rules.task_checkbox = (tokens, idx) =>
    (tokens[idx]!.meta as { checked: boolean }).checked
      ? `<input type="checkbox" class="md-task-box" disabled checked aria-label="${escapeHtml(renderNow('markdown.taskDone'))}">`
      : `<input type="checkbox" class="md-task-box" disabled aria-label="${escapeHtml(renderNow('markdown.taskOpen'))}">`
  rules.code_block = (tokens, idx) => codeBlock(tokens[idx]!.content, '', null)
  rules.fence = (tokens, idx, _options, rawEnv) => {
    const env = (rawEnv ?? {}) as RenderEnv
    const token = tokens[idx]!
    const tag = fenceLanguage(md.utils.unescapeAll(token.info))
    const language = highlightLanguage(tag)
    let highlighted: string | null = null
    if (language && env.openFence === token) {
      // Still being written: plain text now, but start loading the language for when it closes.
      markPending(env, { language }, false)
    } else if (language) {
      highlighted = highlighter ? highlighter.highlight(token.content, language) : null
      if (highlighted === null) markPending(env, { language })
    }
    return codeBlock(token.content, tag, highlighted)
  }

  return {
    md,
    render(text, env = {}) {
      return md.render(text, env)
    },
    parse(text, env) {
      return md.parse(text, env)
    },
    renderTokens(tokens, from, to, env) {
      return md.renderer.render(from === 0 && to === tokens.length ? tokens : tokens.slice(from, to), md.options, env)
    },
    setMathEngine(engine) {
      math = engine
    },
    setHighlighter(next) {
      highlighter = next
    },
  }
}

/** Renders a whole text once and reports which lazily loaded features it wanted. */
export function renderMarkdown(renderer: MarkdownRenderer, text: string): { html: string; needs: RenderNeeds; pending: boolean } {
  const env: RenderEnv = { needs: createNeeds(), pending: 0 }
  const html = renderer.render(text, env)
  return { html, needs: env.needs!, pending: (env.pending ?? 0) > 0 }
}
