import { describe, expect, it } from 'vitest'
import { CONTINUE_PROMPT, canContinue, continueTurns, prefixCompletionBaseUrl, resumeAnswer } from '../../src/core/continuation'
import { buildChatRequest, DEFAULT_SETTINGS, findProvider, type ProviderProfile } from '../../src/core/provider'
import type { ChatMessage } from '../../src/core/types'

function answer(extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id: 'a', conversationId: 'c', seq: 1, parentId: 'q', role: 'assistant', content: 'Once upon', reasoning: '', status: 'done', createdAt: 0, updatedAt: 0, ...extra }
}

describe('canContinue', () => {
  it('is offered for answers cut by max tokens, stopped or interrupted, with text', () => {
    expect(canContinue(answer({ finishReason: 'length' }))).toBe(true)
    expect(canContinue(answer({ status: 'stopped' }))).toBe(true)
    expect(canContinue(answer({ status: 'interrupted' }))).toBe(true)
    expect(canContinue(answer())).toBe(false)
    expect(canContinue(answer({ status: 'error' }))).toBe(false)
    expect(canContinue(answer({ status: 'stopped', content: ' ' }))).toBe(false)
    expect(canContinue(answer({ role: 'user', status: 'stopped' }))).toBe(false)
    expect(canContinue(undefined)).toBe(false)
  })
})

describe('prefixCompletionBaseUrl', () => {
  const profile: ProviderProfile = { ...findProvider('custom'), id: 'beta-test', baseUrl: 'https://api.example.com', prefixCompletion: { baseUrl: 'https://api.example.com/beta' } }
  it('is absent for a provider without prefix completion', () => {
    expect(prefixCompletionBaseUrl({ providerId: 'custom', baseUrl: 'http://127.0.0.1:1/v1' })).toBeUndefined()
    expect(prefixCompletionBaseUrl({ providerId: 'openai', baseUrl: 'https://api.openai.com/v1' })).toBeUndefined()
  })
  it('uses the preset prefix URL, and maps a changed base URL the same way', () => {
    expect(prefixCompletionBaseUrl({ providerId: 'beta-test', baseUrl: 'https://api.example.com/' }, profile)).toBe('https://api.example.com/beta')
    expect(prefixCompletionBaseUrl({ providerId: 'beta-test', baseUrl: 'http://127.0.0.1:9/t/x/' }, profile)).toBe('http://127.0.0.1:9/t/x/beta')
    const elsewhere = { ...profile, prefixCompletion: { baseUrl: 'https://beta.example.net/v1' } }
    expect(prefixCompletionBaseUrl({ providerId: 'beta-test', baseUrl: 'https://api.example.com' }, elsewhere)).toBe('https://beta.example.net/v1')
    // A proxy in front of a provider whose prefix URL is on another host: no guess, the instruction is used.
    expect(prefixCompletionBaseUrl({ providerId: 'beta-test', baseUrl: 'http://127.0.0.1:9/v1' }, elsewhere)).toBeUndefined()
  })
  it('DeepSeek takes it at its beta URL', () => {
    expect(prefixCompletionBaseUrl({ providerId: 'deepseek', baseUrl: 'https://api.deepseek.com' })).toBe('https://api.deepseek.com/beta')
  })
})

describe('continueTurns', () => {
  const history = [{ role: 'user' as const, content: 'Tell a story' }]
  it('sends the text so far as an unfinished assistant message, prefix: true on the wire', () => {
    const turns = continueTurns(history, answer(), 'prefix')
    expect(turns).toEqual([...history, { role: 'assistant', content: 'Once upon', prefix: true }])
    const body = JSON.parse(String(buildChatRequest({ ...DEFAULT_SETTINGS, apiKey: 'k' }, turns).init.body))
    expect(body.messages).toEqual([{ role: 'user', content: 'Tell a story' }, { role: 'assistant', content: 'Once upon', prefix: true }])
  })
  it('otherwise asks in a user turn to go on, and no prefix field goes out', () => {
    const turns = continueTurns(history, answer(), 'instruction')
    expect(turns).toEqual([...history, { role: 'assistant', content: 'Once upon' }, { role: 'user', content: CONTINUE_PROMPT }])
    const body = JSON.parse(String(buildChatRequest({ ...DEFAULT_SETTINGS, apiKey: 'k' }, turns).init.body))
    expect(JSON.stringify(body)).not.toContain('prefix')
  })
})

describe('resumeAnswer', () => {
  it('keeps the text and marks the method used', () => {
    const a = answer({ status: 'stopped', finishReason: 'length', error: { kind: 'network', message: 'x' } })
    resumeAnswer(a, 'prefix', 9)
    expect(a).toMatchObject({ content: 'Once upon', status: 'streaming', continuation: 'prefix', updatedAt: 9 })
    expect(a.error).toBeUndefined()
    expect(a.finishReason).toBeUndefined()
  })
})
