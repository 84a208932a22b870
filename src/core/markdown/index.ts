/**
 * Markdown for untrusted model output: markdown-it with raw HTML off, a link allowlist, images as
 * click-to-load placeholders, GFM tables/task lists/strikethrough, lazily provided math and
 * highlighting, and an incremental renderer for streams. Framework-free; runs under Node.
 */
export { createMarkdownRenderer, renderMarkdown, topLevelBlocks, MARKDOWN_OPTIONS } from './renderer'
export type { MarkdownRenderer, CodeHighlighter, TokenBlock } from './renderer'
export { createStreamingMarkdown } from './streaming'
export type { StreamingMarkdown, StreamingUpdate } from './streaming'
export { advance, combineUpdates, createTextFeed } from './feed'
export type { TextFeed } from './feed'
export { createHighlightJs } from './highlight'
export { MATH_OPTIONS } from './math'
export type { MathEngine, MathOptions } from './math'
export { HIGHLIGHT_LANGUAGES, fenceLanguage, highlightLanguage } from './languages'
export type { HighlightLanguage } from './languages'
export { createNeeds, hasNeeds } from './env'
export type { RenderEnv, RenderNeeds } from './env'
