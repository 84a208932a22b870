import type { Usage } from '../types'

function isWide(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0x9fff) || // CJK radicals, kana, ideographs
    (code >= 0xac00 && code <= 0xd7af) || // Hangul
    (code >= 0xf900 && code <= 0xfaff) || // compatibility ideographs
    (code >= 0xff00 && code <= 0xffef) // full-width forms
  )
}

/**
 * A rough token count for text a server did not count, and for the composer's "about N tokens".
 * DeepSeek's guide puts one English character at about 0.3 token and one Chinese character at
 * about 0.6 token. One pass over char codes: it also runs over long streamed answers.
 */
export function estimateTokens(text: string): number {
  let wide = 0
  for (let i = 0; i < text.length; i++) if (isWide(text.charCodeAt(i))) wide++
  return Math.ceil((text.length - wide) * 0.3 + wide * 0.6)
}

/** Usage estimated from the text sent and received, for servers that report none. */
export function estimateUsage(promptText: string, completionText: string): Usage {
  const promptTokens = estimateTokens(promptText)
  const completionTokens = estimateTokens(completionText)
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true }
}
