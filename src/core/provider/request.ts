import type { ChatMessage, ConfigReason, GenerationParams, ParamName, Settings } from '../types'
import { ProviderError } from './errors'
import { findProvider } from './profiles'
import { questionText } from '../attachments'
import { deepMerge, thinkingFields, type RequestSettings } from '../conversationSettings'

/** One message as the chat completions API takes it. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant'
  content: string
  /** On a last assistant turn: the text so far, for the model to go on from (prefix completion). */
  prefix?: boolean
}

function hasText(text: string): boolean {
  return text.trim() !== ''
}

function usableAnswer(message: ChatMessage): boolean {
  return message.role === 'assistant' && message.status !== 'streaming' && hasText(message.content)
}

/**
 * The messages of stored history that go into a request. A question whose answer produced no text
 * (failed, stopped, interrupted, or missing) is left out with that answer, so user and assistant
 * keep alternating; the newest question is always kept because it is the one being asked now.
 */
export function sentMessages(history: readonly ChatMessage[]): ChatMessage[] {
  const ordered = [...history].sort((a, b) => a.seq - b.seq)
  let lastUser = -1
  for (let i = ordered.length - 1; i >= 0; i--) {
    if (ordered[i]?.role === 'user') {
      lastUser = i
      break
    }
  }
  // Walk backwards once so each question knows whether an answer with text follows it.
  const keep = new Array<boolean>(ordered.length).fill(false)
  let answered = false
  for (let i = ordered.length - 1; i >= 0; i--) {
    const message = ordered[i] as ChatMessage
    if (message.role === 'assistant') {
      keep[i] = usableAnswer(message)
      if (keep[i]) answered = true
    } else {
      keep[i] = answered || i === lastUser
      answered = false
    }
  }
  return ordered.filter((_, i) => keep[i])
}

/**
 * Turns stored history into API messages (see `sentMessages` for what is left out). A question
 * carries its attachments' text. Reasoning is never sent back: providers such as DeepSeek reject
 * it in the input.
 */
export function toChatTurns(history: readonly ChatMessage[], systemPrompt: string): ChatTurn[] {
  const turns: ChatTurn[] = []
  if (hasText(systemPrompt)) turns.push({ role: 'system', content: systemPrompt })
  for (const message of sentMessages(history)) {
    turns.push({ role: message.role, content: message.role === 'user' ? questionText(message) : message.content })
  }
  return turns
}

function configError(field: 'apiKey' | 'baseUrl' | 'model', reason: ConfigReason, value?: string): ProviderError {
  const error = new ProviderError('config', reason, value === undefined ? { field, reason } : { field, reason, value })
  return error
}

function invalidBaseUrl(reason: ConfigReason, value?: string): ProviderError {
  return configError('baseUrl', reason, value)
}

/** Finds the first setting that makes a request pointless, before anything goes on the wire. */
export function checkSettings(settings: Settings): ProviderError | null {
  if (!hasText(settings.apiKey) && findProvider(settings.providerId).keyOptional !== true) {
    return configError('apiKey', 'missing-key')
  }
  const base = settings.baseUrl.trim()
  if (base === '') return invalidBaseUrl('empty-url')
  let parsed: URL
  try {
    parsed = new URL(base)
  } catch {
    return invalidBaseUrl('invalid-url', base.length > 200 ? `${base.slice(0, 199)}…` : base)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return invalidBaseUrl('bad-scheme', parsed.protocol)
  }
  // Never echo the URL here: the credentials in it are secrets.
  if (parsed.username !== '' || parsed.password !== '') {
    return invalidBaseUrl('credentials-in-url')
  }
  if (!hasText(settings.model)) return configError('model', 'missing-model')
  return null
}

/** Accepts a base URL with or without the endpoint path, so pasting either form works. */
export function chatCompletionsUrl(baseUrl: string): string {
  const base = baseUrl.trim().replace(/\/+$/, '')
  return base.endsWith('/chat/completions') ? base : `${base}/chat/completions`
}

const NUMERIC_PARAMS: readonly [ParamName & keyof GenerationParams, string][] = [
  ['maxTokens', 'max_tokens'],
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['topK', 'top_k'],
  ['frequencyPenalty', 'frequency_penalty'],
  ['n', 'n'],
]

/**
 * The one place a request is shaped. Only Authorization and Content-Type are sent because any other
 * header can fail a provider's CORS preflight; each optional parameter goes out only if the
 * provider's profile says its endpoint accepts it.
 */
export function buildChatRequest(settings: RequestSettings, turns: ChatTurn[]): { url: string; init: RequestInit } {
  const profile = findProvider(settings.providerId)
  const accepts = new Set(profile.accepts)
  const body: Record<string, unknown> = {
    model: settings.model.trim(),
    messages: turns.map((t) => (t.prefix ? { role: t.role, content: t.content, prefix: true } : { role: t.role, content: t.content })),
    stream: true,
  }
  for (const [name, wire] of NUMERIC_PARAMS) {
    const value = settings.params[name]
    // A NaN from a half-typed field would serialise as null, which strict endpoints refuse.
    if (accepts.has(name) && Number.isFinite(value)) body[wire] = value
  }
  if (accepts.has('responseFormat')) body.response_format = { type: 'text' }
  if (accepts.has('streamOptions')) body.stream_options = { include_usage: true }
  deepMerge(body, thinkingFields(profile.thinking, settings))
  // The user's own fields come last: they are how an endpoint's undocumented options get set.
  if (settings.extraBody) deepMerge(body, settings.extraBody)

  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  const key = settings.apiKey.trim()
  if (key !== '') headers.Authorization = `Bearer ${key}`

  return {
    url: chatCompletionsUrl(settings.baseUrl),
    init: {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      credentials: 'omit',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    },
  }
}
