import type { Usage } from '../types'

/**
 * A rough token count for text a server did not count: about one token per CJK character and
 * per four other characters. Good enough for a cost estimate, and always marked as an estimate.
 */
export function estimateTokens(text: string): number {
  let cjk = 0
  for (const ch of text) if (/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch)) cjk++
  const other = [...text].length - cjk
  return cjk + Math.ceil(other / 4)
}

/** Usage estimated from the text sent and received, for servers that report none. */
export function estimateUsage(promptText: string, completionText: string): Usage {
  const promptTokens = estimateTokens(promptText)
  const completionTokens = estimateTokens(completionText)
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true }
}
