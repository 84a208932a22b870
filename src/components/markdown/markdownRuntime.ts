// Lazily loaded rendering features, shared by every MarkdownContent: the renderer itself (markdown-it
// and our rules), highlight.js core plus one chunk per language, KaTeX with its stylesheet. None of it
// is in the first load: the chat shows (answers as plain text) before the renderer arrives.
import type { HLJSApi, LanguageFn } from 'highlight.js'
import type { HighlightLanguage, MarkdownRenderer, RenderNeeds } from '../../core/markdown'

type MarkdownModule = typeof import('../../core/markdown')

/** The Markdown module and the one renderer all messages share (math and highlighting plug in as they load). */
export interface MarkdownRuntime {
  markdown: MarkdownModule
  renderer: MarkdownRenderer
  /** DOM helper for huge answers, loaded with the renderer (it is not needed before). */
  groups: typeof import('./blockGroups')
}

let runtime: MarkdownRuntime | null = null
let runtimeLoading: Promise<MarkdownRuntime> | null = null

type LanguageModule = Promise<{ default: LanguageFn }>

/** One dynamic import per language, so Vite emits one small chunk each. */
const LANGUAGE_LOADERS: Record<HighlightLanguage, () => LanguageModule> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  dart: () => import('highlight.js/lib/languages/dart'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  elixir: () => import('highlight.js/lib/languages/elixir'),
  go: () => import('highlight.js/lib/languages/go'),
  graphql: () => import('highlight.js/lib/languages/graphql'),
  haskell: () => import('highlight.js/lib/languages/haskell'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  latex: () => import('highlight.js/lib/languages/latex'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  nginx: () => import('highlight.js/lib/languages/nginx'),
  objectivec: () => import('highlight.js/lib/languages/objectivec'),
  perl: () => import('highlight.js/lib/languages/perl'),
  php: () => import('highlight.js/lib/languages/php'),
  powershell: () => import('highlight.js/lib/languages/powershell'),
  python: () => import('highlight.js/lib/languages/python'),
  r: () => import('highlight.js/lib/languages/r'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scala: () => import('highlight.js/lib/languages/scala'),
  scss: () => import('highlight.js/lib/languages/scss'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
}

const listeners = new Set<() => void>()
const started = new Set<string>()
let hljs: Promise<HLJSApi> | null = null
let mathStarted = false
let notifyFrame = 0

/** Calls `listener` (at most once per frame) after a feature finished loading. Returns an unsubscribe. */
export function onFeaturesLoaded(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

function notify(): void {
  if (notifyFrame) return
  notifyFrame = requestAnimationFrame(() => {
    notifyFrame = 0
    for (const listener of [...listeners]) listener()
  })
}

/** The renderer if it has loaded, else null (the caller shows plain text and waits for `onFeaturesLoaded`). */
export function markdownRuntime(): MarkdownRuntime | null {
  return runtime
}

/** Starts loading the renderer (once); listeners hear when it is there. A failed load may be retried. */
export function loadMarkdown(): Promise<MarkdownRuntime> {
  runtimeLoading ??= Promise.all([import('../../core/markdown'), import('./blockGroups')]).then(
    ([markdown, groups]) => {
      runtime = { markdown, renderer: markdown.createMarkdownRenderer(), groups }
      notify()
      return runtime
    },
    (error: unknown) => {
      runtimeLoading = null
      throw error
    },
  )
  return runtimeLoading
}

/** `loadMarkdown` for callers that only want it started: a failure leaves answers as plain text. */
export function startLoadingMarkdown(): void {
  loadMarkdown().catch((error: unknown) => console.warn('Markdown rendering could not be loaded; answers stay as plain text.', error))
}

function highlightCore(): Promise<HLJSApi> {
  hljs ??= Promise.all([loadMarkdown(), import('highlight.js/lib/core')]).then(([{ markdown, renderer }, module]) => {
    const core = module.default
    renderer.setHighlighter(markdown.createHighlightJs(core))
    return core
  })
  return hljs
}

async function loadLanguage(language: HighlightLanguage): Promise<void> {
  const [core, module] = await Promise.all([highlightCore(), LANGUAGE_LOADERS[language]()])
  core.registerLanguage(language, module.default)
  notify()
}

async function loadMath(): Promise<void> {
  const [{ renderer }, katex] = await Promise.all([loadMarkdown(), import('katex'), import('katex/dist/katex.min.css')])
  renderer.setMathEngine(katex.default)
  notify()
}

/** Starts loading what a render asked for; each feature is requested once (a failure leaves text as text). */
export function loadFeatures(needs: RenderNeeds): void {
  if (needs.math && !mathStarted) {
    mathStarted = true
    loadMath().catch((error: unknown) => console.warn('Math could not be loaded; formulas stay as text.', error))
  }
  for (const language of needs.languages) {
    if (started.has(language) || !(language in LANGUAGE_LOADERS)) continue
    started.add(language)
    loadLanguage(language as HighlightLanguage).catch((error: unknown) =>
      console.warn(`Highlighting for ${language} could not be loaded; the code stays plain.`, error),
    )
  }
}
