// The renderer as the app configures it once KaTeX and highlight.js are loaded, for Node tests.
import katex from 'katex'
import hljs from 'highlight.js/lib/core'
import python from 'highlight.js/lib/languages/python'
import javascript from 'highlight.js/lib/languages/javascript'
import typescript from 'highlight.js/lib/languages/typescript'
import { createHighlightJs, createMarkdownRenderer, type MarkdownRenderer, type StreamingUpdate } from '../../../src/core/markdown'

hljs.registerLanguage('python', python)
hljs.registerLanguage('javascript', javascript)
hljs.registerLanguage('typescript', typescript)

/** A renderer with math and highlighting for python/javascript/typescript available. */
export function fullRenderer(): MarkdownRenderer {
  return createMarkdownRenderer({ math: katex, highlighter: createHighlightJs(hljs) })
}

/** A renderer before any lazy feature has loaded. */
export function bareRenderer(): MarkdownRenderer {
  return createMarkdownRenderer()
}

/** Applies updates the way MarkdownContent does and returns the HTML it would show. */
export function createView() {
  let final: string[] = []
  let tail = ''
  return {
    apply(update: StreamingUpdate) {
      if (update.reset) final = []
      for (const { index, html } of update.replaced) final[index] = html
      final.push(...update.newlyFinalHtml)
      tail = update.tailHtml
    },
    get finalHtml() {
      return final.join('')
    },
    get html() {
      return final.join('') + tail
    },
  }
}
