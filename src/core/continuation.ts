/**
 * Continue: more text for an answer that was cut by max tokens, stopped or interrupted, appended
 * to the same answer. Where the provider offers prefix completion the text so far goes out as an
 * unfinished assistant message; elsewhere a user turn asks the model to go on.
 */
import { findProvider, type ChatTurn, type ProviderProfile } from './provider'
import type { ChatMessage, ContinueMethod, Settings } from './types'

/** The user turn sent when the provider has no prefix completion. */
export const CONTINUE_PROMPT = 'Continue exactly where you stopped.'

/** Whether an answer has text to go on from and ended before the model was done. */
export function canContinue(answer: ChatMessage | undefined): answer is ChatMessage {
  if (!answer || answer.role !== 'assistant' || answer.content.trim() === '') return false
  return answer.status === 'stopped' || answer.status === 'interrupted' || (answer.status === 'done' && answer.finishReason === 'length')
}

function trimSlashes(url: string): string {
  return url.trim().replace(/\/+$/, '')
}

/**
 * The base URL prefix completion is asked at, or undefined where the provider has none. A base
 * URL changed from the preset's (a proxy, a local gateway) gets the same path added to it that
 * the preset's prefix URL adds to the preset's base URL (`…/beta`).
 */
export function prefixCompletionBaseUrl(
  settings: Pick<Settings, 'providerId' | 'baseUrl'>,
  profile: ProviderProfile = findProvider(settings.providerId),
): string | undefined {
  const target = profile.prefixCompletion?.baseUrl
  if (!target) return undefined
  const base = trimSlashes(settings.baseUrl)
  const presetBase = trimSlashes(profile.baseUrl)
  if (base === presetBase) return target
  const prefix = trimSlashes(target)
  if (presetBase !== '' && prefix.startsWith(`${presetBase}/`)) return base + prefix.slice(presetBase.length)
  return undefined
}

/** The turns of a Continue request: the history before the answer, then the answer so far. */
export function continueTurns(history: readonly ChatTurn[], answer: ChatMessage, method: ContinueMethod): ChatTurn[] {
  if (method === 'prefix') return [...history, { role: 'assistant', content: answer.content, prefix: true }]
  return [...history, { role: 'assistant', content: answer.content }, { role: 'user', content: CONTINUE_PROMPT }]
}

/** Opens the answer for more text: what it has stays, and the method used is recorded on it. */
export function resumeAnswer(answer: ChatMessage, method: ContinueMethod, now: number): void {
  Object.assign(answer, { status: 'streaming', error: undefined, finishReason: undefined, continuation: method, updatedAt: now })
}
