import { describe, it, expect } from 'vitest'
import { buildChatRequest, chatCompletionsUrl, checkSettings, describeError, toChatTurns } from '../../../src/core/provider'
import type { ChatMessage, MessageStatus, Role } from '../../../src/core/types'
import { KEY, settingsFor } from './helpers'

let seq = 0
function msg(role: Role, content: string, status: MessageStatus = 'done', reasoning = ''): ChatMessage {
  seq++
  return { id: `m${seq}`, conversationId: 'c1', seq, role, content, reasoning, status, createdAt: seq, updatedAt: seq }
}

describe('toChatTurns', () => {
  it('puts a non-blank system prompt first and never sends reasoning', () => {
    const history = [msg('user', 'Q1'), msg('assistant', 'A1', 'done', 'secret thoughts'), msg('user', 'Q2')]
    expect(toChatTurns(history, 'Be brief.')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ])
    expect(toChatTurns(history, '  \n ')).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ])
  })

  it('drops a question whose answer failed empty, together with that answer', () => {
    for (const status of ['error', 'stopped', 'interrupted'] as const) {
      const history = [msg('user', 'Q1'), msg('assistant', '', status), msg('user', 'Q2'), msg('assistant', 'A2'), msg('user', 'Q3')]
      expect(toChatTurns(history, '')).toEqual([
        { role: 'user', content: 'Q2' },
        { role: 'assistant', content: 'A2' },
        { role: 'user', content: 'Q3' },
      ])
    }
  })

  it('keeps partial answers of any status', () => {
    const history = [msg('user', 'Q1'), msg('assistant', 'half', 'stopped'), msg('user', 'Q2'), msg('assistant', 'cut', 'interrupted'), msg('user', 'Q3'), msg('assistant', 'some', 'error'), msg('user', 'Q4')]
    expect(toChatTurns(history, '').map((t) => t.content)).toEqual(['Q1', 'half', 'Q2', 'cut', 'Q3', 'some', 'Q4'])
  })

  it('always keeps the last question, even when its earlier answer failed (retry)', () => {
    expect(toChatTurns([msg('user', 'Q1'), msg('assistant', '', 'error')], '')).toEqual([{ role: 'user', content: 'Q1' }])
  })

  it('excludes streaming answers and the question keeps its place as the newest', () => {
    expect(toChatTurns([msg('user', 'Q1'), msg('assistant', 'A1'), msg('user', 'Q2'), msg('assistant', 'partial', 'streaming')], '')).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ])
  })

  it('a question left without any answer in the middle is dropped so roles alternate', () => {
    expect(toChatTurns([msg('user', 'lost'), msg('user', 'Q2')], '')).toEqual([{ role: 'user', content: 'Q2' }])
  })

  it('orders by seq, not by array position', () => {
    const q = msg('user', 'Q')
    const a = msg('assistant', 'A')
    const q2 = msg('user', 'Q2')
    expect(toChatTurns([q2, a, q], '').map((t) => t.content)).toEqual(['Q', 'A', 'Q2'])
  })
})

describe('checkSettings', () => {
  it('accepts complete settings', () => {
    expect(checkSettings(settingsFor('siliconflow'))).toBeNull()
    expect(checkSettings(settingsFor('ollama', { apiKey: '' }))).toBeNull()
  })

  it('names each field with a user-facing text', () => {
    const cases: [Parameters<typeof settingsFor>, string, string][] = [
      [['deepseek', { apiKey: '  ' }], 'apiKey', 'Add your API key in Settings.'],
      [['custom', { apiKey: '' }], 'apiKey', 'Add your API key in Settings.'],
      [['unknown-id', { apiKey: '' }], 'apiKey', 'Add your API key in Settings.'],
      [['openai', { baseUrl: ' ' }], 'baseUrl', 'The base URL in Settings is not a valid http(s) URL: it is empty.'],
      [['openai', { baseUrl: 'api.openai.com/v1' }], 'baseUrl', 'The base URL in Settings is not a valid http(s) URL: “api.openai.com/v1”.'],
      [['openai', { baseUrl: 'ftp://example.com/v1' }], 'baseUrl', 'The base URL in Settings is not a valid http(s) URL: it starts with “ftp:” (use http:// or https://).'],
      [['custom', { model: ' ' }], 'model', 'Choose a model in Settings.'],
    ]
    for (const [args, field, text] of cases) {
      const error = checkSettings(settingsFor(...args))
      expect(error?.kind).toBe('config')
      expect(error?.field).toBe(field)
      expect(error && describeError(error)).toBe(text)
    }
  })

  it('refuses credentials in the URL without echoing them', () => {
    const error = checkSettings(settingsFor('custom', { baseUrl: 'https://bob:hunter2@llm.example.com/v1' }))
    expect(error?.field).toBe('baseUrl')
    const text = error ? describeError(error) : ''
    expect(text).toBe('The base URL in Settings is not a valid http(s) URL: it contains a user name or password; put the key in the API key field instead.')
    expect(text).not.toContain('hunter2')
  })
})

describe('chatCompletionsUrl', () => {
  it.each([
    ['https://api.deepseek.com', 'https://api.deepseek.com/chat/completions'],
    ['https://api.deepseek.com/', 'https://api.deepseek.com/chat/completions'],
    ['  https://api.siliconflow.cn/v1//  ', 'https://api.siliconflow.cn/v1/chat/completions'],
    ['https://openrouter.ai/api/v1/chat/completions', 'https://openrouter.ai/api/v1/chat/completions'],
    ['https://openrouter.ai/api/v1/chat/completions/', 'https://openrouter.ai/api/v1/chat/completions'],
    ['http://localhost:11434/v1', 'http://localhost:11434/v1/chat/completions'],
  ])('%s -> %s', (base, url) => {
    expect(chatCompletionsUrl(base)).toBe(url)
  })
})

describe('buildChatRequest', () => {
  const turns = [{ role: 'user' as const, content: 'hi' }]
  const bodyOf = (providerId: string, overrides = {}) =>
    JSON.parse(String(buildChatRequest(settingsFor(providerId, overrides), turns).init.body)) as Record<string, unknown>

  it('SiliconFlow gets every parameter', () => {
    expect(bodyOf('siliconflow')).toEqual({
      model: 'deepseek-ai/DeepSeek-V3',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      max_tokens: 2048,
      temperature: 0.7,
      top_p: 0.7,
      top_k: 50,
      frequency_penalty: 0.5,
      n: 1,
      response_format: { type: 'text' },
      stream_options: { include_usage: true },
    })
  })

  it('OpenAI and DeepSeek never get top_k; DeepSeek gets no n or response_format', () => {
    const openai = bodyOf('openai')
    expect(openai).not.toHaveProperty('top_k')
    expect(Object.keys(openai).sort()).toEqual(
      ['frequency_penalty', 'max_tokens', 'messages', 'model', 'n', 'response_format', 'stream', 'stream_options', 'temperature', 'top_p'],
    )
    expect(Object.keys(bodyOf('deepseek')).sort()).toEqual(
      ['frequency_penalty', 'max_tokens', 'messages', 'model', 'stream', 'stream_options', 'temperature', 'top_p'],
    )
  })

  it('OpenRouter gets top_k; Ollama gets neither top_k nor n', () => {
    expect(bodyOf('openrouter')).toMatchObject({ top_k: 50, stream_options: { include_usage: true } })
    expect(bodyOf('openrouter')).not.toHaveProperty('n')
    const ollama = bodyOf('ollama')
    expect(ollama).not.toHaveProperty('top_k')
    expect(ollama).not.toHaveProperty('n')
    expect(ollama).toMatchObject({ response_format: { type: 'text' }, stream_options: { include_usage: true } })
  })

  it('leaves out a parameter that is not a finite number', () => {
    const params = { ...settingsFor().params, temperature: Number.NaN }
    expect(bodyOf('siliconflow', { params })).not.toHaveProperty('temperature')
  })

  it('sends only Authorization and Content-Type, and the safe fetch options', () => {
    const { url, init } = buildChatRequest(settingsFor('openai', { model: ' gpt-4o-mini ' }), turns)
    expect(url).toBe('https://api.openai.com/v1/chat/completions')
    expect(init).toEqual({
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
      body: init.body,
      credentials: 'omit',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    })
    expect(JSON.parse(String(init.body)).model).toBe('gpt-4o-mini')
  })

  it('omits Authorization when an optional key is empty', () => {
    const { init } = buildChatRequest(settingsFor('ollama', { apiKey: '' }), turns)
    expect(init.headers).toEqual({ 'Content-Type': 'application/json' })
  })
})
