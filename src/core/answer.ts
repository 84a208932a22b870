import { toChatTurns, toMessageError, type ChatTurn, type StreamEvent } from './provider'
import { newId } from './id'
import type { ChatMessage, Settings, Usage } from './types'

/**
 * An answer's life as pure data: created beside its question (or as a new version of an answer),
 * folded from stream events, closed when its stream ends. The chat store applies these to
 * reactive messages; tests apply them to plain ones.
 */

/** A question and the empty answer that will stream into it, both stamped with the send time. */
export function newTurn(
  conversationId: string,
  seq: number,
  text: string,
  settings: Pick<Settings, 'model' | 'params'>,
  now: number,
  parentId: string | null = null,
): { question: ChatMessage; answer: ChatMessage } {
  const question: ChatMessage = { conversationId, reasoning: '', createdAt: now, updatedAt: now, id: newId(), seq, parentId, role: 'user', content: text, status: 'done' }
  return { question, answer: newAnswer(question, seq + 1, settings, now) }
}

/** An empty answer to `question`, about to stream: a new one, or a new version of an old one. */
export function newAnswer(question: ChatMessage, seq: number, settings: Pick<Settings, 'model' | 'params'>, now: number): ChatMessage {
  return {
    id: newId(),
    conversationId: question.conversationId,
    seq,
    parentId: question.id,
    role: 'assistant',
    content: '',
    reasoning: '',
    status: 'streaming',
    createdAt: now,
    updatedAt: now,
    model: settings.model,
    params: { ...settings.params },
  }
}

/**
 * Folds one stream event into the answer. Returns true when the text changed (the store then
 * schedules a save); usage, finish and the terminal events are written by the final save.
 */
export function applyStreamEvent(answer: ChatMessage, event: StreamEvent, now: number = Date.now()): boolean {
  switch (event.type) {
    case 'content':
      answer.content += event.text
      break
    case 'reasoning':
      answer.reasoning += event.text
      break
    case 'reclassify':
      answer.reasoning += answer.content
      answer.content = ''
      break
    case 'usage':
      answer.usage = event.usage
      return false
    case 'finish':
      answer.finishReason = event.reason
      return false
    case 'done':
      answer.status = 'done'
      return false
    case 'interrupted':
      answer.status = 'interrupted'
      answer.error = toMessageError(event.error)
      return false
    case 'error':
      if (event.error.kind === 'aborted') {
        answer.status = 'stopped'
      } else {
        answer.status = 'error'
        answer.error = toMessageError(event.error)
      }
      return false
  }
  answer.updatedAt = now
  return true
}

/** Folds a whole event sequence into `answer` (tests, and any caller that has the events at hand). */
export async function foldStream(answer: ChatMessage, events: AsyncIterable<StreamEvent> | Iterable<StreamEvent>): Promise<ChatMessage> {
  for await (const event of events) applyStreamEvent(answer, event)
  return answer
}

/** A failure of our own while reading (a bug, not the provider): the text so far stays. */
export function failAnswer(answer: ChatMessage, error: unknown): void {
  answer.status = 'error'
  answer.error = { kind: 'protocol', message: `Unexpected failure while reading the answer: ${String(error)}` }
}

/** The stream is over: an answer that never got a terminal event was cut off. */
export function closeAnswer(answer: ChatMessage, now: number): void {
  if (answer.status === 'streaming') answer.status = 'interrupted'
  answer.updatedAt = now
}

/**
 * Usage of an answer built by several requests (Continue): tokens add up, and the total is an
 * estimate as soon as one of its parts was.
 */
export function addUsage(earlier: Usage, later: Usage): Usage {
  const sum = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0))
  const total: Usage = {
    promptTokens: earlier.promptTokens + later.promptTokens,
    completionTokens: earlier.completionTokens + later.completionTokens,
    totalTokens: earlier.totalTokens + later.totalTokens,
  }
  const reasoningTokens = sum(earlier.reasoningTokens, later.reasoningTokens)
  const cachedPromptTokens = sum(earlier.cachedPromptTokens, later.cachedPromptTokens)
  if (reasoningTokens !== undefined) total.reasoningTokens = reasoningTokens
  if (cachedPromptTokens !== undefined) total.cachedPromptTokens = cachedPromptTokens
  if (earlier.estimated || later.estimated) total.estimated = true
  return total
}

/** Retry is offered on the last answer once it failed, stopped or was cut off. */
export function canRetry(answer: ChatMessage | undefined): answer is ChatMessage {
  return answer !== undefined && answer.role === 'assistant' && answer.status !== 'done' && answer.status !== 'streaming'
}

/** The turns sent for the answer at `index`: the system prompt and the history before it. */
export function turnsBefore(messages: readonly ChatMessage[], index: number, systemPrompt: string): ChatTurn[] {
  return toChatTurns(messages.slice(0, index), systemPrompt)
}
