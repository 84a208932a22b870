import type { FinishReason } from './types'

const KNOWN: Record<string, FinishReason> = {
  stop: 'stop',
  eos: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  max_tokens: 'length',
  model_length: 'length',
  content_filter: 'filtered',
  sensitive: 'filtered',
  safety: 'filtered',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
}

/**
 * Maps a provider's `finish_reason` (or one stored by an older build, or read from a backup) to
 * the few reasons the app acts on, so nothing outside this file compares provider strings.
 */
export function toFinishReason(raw: unknown): FinishReason | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined
  return KNOWN[raw] ?? 'other'
}
