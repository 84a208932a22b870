import type { HLJSApi } from 'highlight.js'
import type { CodeHighlighter } from './renderer'

/** A `CodeHighlighter` over highlight.js core; languages are registered by whoever loads them. */
export function createHighlightJs(hljs: HLJSApi): CodeHighlighter {
  return {
    highlight(code, language) {
      if (!hljs.getLanguage(language)) return null
      // highlight.js escapes the code itself; ignoreIllegals keeps odd input highlighted, not thrown.
      return hljs.highlight(code, { language, ignoreIllegals: true }).value
    },
  }
}
