import type { ChatMessage, HistoryLimit } from './types'
import { estimateTokens, sentMessages, type ChatTurn } from './provider'
import { questionText } from './attachments'

/**
 * Which history a request carries: everything after the last context break, trimmed to the
 * conversation's limit. Trimming jumps in steps (down to `LOW_WATER` of the limit) instead of
 * dropping one oldest message per request, so consecutive requests share the same prefix and the
 * provider's context cache keeps hitting between jumps.
 */

/** After a trim the kept history fills this share of the limit, leaving room to grow. */
export const LOW_WATER = 0.6

/** Role, separators and framing the API adds to every message, in tokens (a rough constant). */
const PER_MESSAGE_TOKENS = 4

export { estimateTokens }

// Estimates are cached per message object and text, so a preview on every key press costs a sum.
const cache = new WeakMap<object, { text: string; tokens: number }>()

function sentText(message: ChatMessage): string {
  return message.role === 'user' ? questionText(message) : message.content
}

/** Estimated tokens of one message as it would be sent. */
export function messageTokens(message: ChatMessage): number {
  const text = sentText(message)
  const hit = cache.get(message)
  if (hit && hit.text === text) return hit.tokens
  const tokens = estimateTokens(text) + PER_MESSAGE_TOKENS
  cache.set(message, { text, tokens })
  return tokens
}

/** The first index after the last context break in `messages[0, end)`. */
export function contextStart(messages: readonly ChatMessage[], end: number, breaks: readonly string[] | undefined): number {
  if (!breaks || breaks.length === 0) return 0
  const set = new Set(breaks)
  for (let i = end - 1; i >= 0; i--) if (set.has((messages[i] as ChatMessage).id)) return i + 1
  return 0
}

/**
 * Where the kept window starts among `costs` (oldest first). Replays the conversation's growth
 * from the start: whenever the total passes `max`, the window jumps forward until it fills at most
 * `LOW_WATER × max`, always to a position `canStart` allows (a question) and never past the newest
 * item. The result depends only on the history, so every request computes the same start.
 */
export function windowStart(costs: readonly number[], canStart: readonly boolean[], max: number): number {
  let start = 0
  let total = 0
  const last = costs.length - 1
  for (let i = 0; i <= last; i++) {
    total += costs[i] as number
    if (total <= max) continue
    const target = Math.floor(max * LOW_WATER)
    while (start < i && (total > target || !canStart[start])) {
      total -= costs[start] as number
      start++
    }
  }
  // A jump that had to stop at the then-newest item may leave the window on a non-start.
  while (start < last && !canStart[start]) start++
  return start
}

export interface HistoryOptions {
  systemPrompt: string
  contextBreaks?: readonly string[]
  limit?: HistoryLimit
}

/** What a request will carry, for the request itself and for the composer's preview. */
export interface History {
  turns: ChatTurn[]
  /** Messages sent, the system prompt not counted. */
  messages: number
  /** Estimated tokens of everything sent, the system prompt included. */
  tokens: number
  /** Messages after the context break left out by the limit. */
  trimmed: number
  /** Messages before a context break (on screen, not sent). */
  beforeBreak: number
}

/**
 * The history sent for the answer at `index` (`messages[0, index)`, the last being its question).
 * The system prompt is always kept; with a token budget it counts against the budget.
 */
export function buildHistory(messages: readonly ChatMessage[], index: number, options: HistoryOptions): History {
  const from = contextStart(messages, index, options.contextBreaks)
  const window = messages.slice(from, index)
  let keepFrom = 0
  const limit = options.limit
  if (limit && limit.kind !== 'all') {
    const canStart = window.map((m) => m.role === 'user')
    if (limit.kind === 'messages') {
      keepFrom = windowStart(window.map(() => 1), canStart, Math.max(1, Math.floor(limit.count)))
    } else {
      const system = options.systemPrompt.trim() === '' ? 0 : estimateTokens(options.systemPrompt) + PER_MESSAGE_TOKENS
      keepFrom = windowStart(window.map(messageTokens), canStart, Math.max(1, limit.budget - system))
    }
  }
  const sent = sentMessages(window.slice(keepFrom))
  const turns: ChatTurn[] = []
  let tokens = 0
  if (options.systemPrompt.trim() !== '') {
    turns.push({ role: 'system', content: options.systemPrompt })
    tokens += estimateTokens(options.systemPrompt) + PER_MESSAGE_TOKENS
  }
  for (const message of sent) {
    turns.push({ role: message.role, content: sentText(message) })
    tokens += messageTokens(message)
  }
  return {
    turns,
    messages: sent.length,
    tokens,
    trimmed: keepFrom,
    beforeBreak: from,
  }
}
