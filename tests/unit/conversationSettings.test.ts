import { describe, expect, it } from 'vitest'
import { deepMerge, ignoredParams, parseExtraBody, resolveSettings, thinkingFields } from '../../src/core/conversationSettings'
import { buildChatRequest, DEFAULT_SETTINGS, findProvider } from '../../src/core/provider'
import type { ThinkingControls } from '../../src/core/provider/profiles'
import { renderText } from '../../src/locales'
import type { Settings } from '../../src/core/types'

const SETTINGS: Settings = { ...DEFAULT_SETTINGS, apiKey: 'sk-test-1234567890', params: { ...DEFAULT_SETTINGS.params } }

const DEEPSEEK_LIKE: ThinkingControls = {
  on: { thinking: { type: 'enabled' } },
  off: { thinking: { type: 'disabled' } },
  effort: { path: 'reasoning_effort', values: ['low', 'high', 'max'] },
  ignoredWhenThinking: ['temperature', 'topP', 'frequencyPenalty'],
  defaultOn: true,
}
const BUDGETED: ThinkingControls = {
  on: { enable_thinking: true },
  off: { enable_thinking: false },
  budget: { path: 'thinking_budget', min: 128, max: 32768 },
  ignoredWhenThinking: ['temperature'],
}

describe('resolveSettings', () => {
  it('follows Settings where the conversation sets nothing', () => {
    const r = resolveSettings(SETTINGS, undefined)
    expect(r.ok && r.settings).toEqual(SETTINGS)
  })

  it('lets the conversation replace model, prompt and single parameters', () => {
    const r = resolveSettings(SETTINGS, { model: ' my-model ', systemPrompt: 'Pirate.', params: { temperature: 0.1 }, thinking: 'on', effort: 'max' })
    if (!r.ok) throw new Error('expected ok')
    expect(r.settings.model).toBe('my-model')
    expect(r.settings.systemPrompt).toBe('Pirate.')
    expect(r.settings.params).toEqual({ ...SETTINGS.params, temperature: 0.1 })
    expect(r.settings.thinking).toBe('on')
    expect(r.settings.effort).toBe('max')
  })

  it('treats a blank model as unset, and an empty system prompt as a real choice', () => {
    const r = resolveSettings({ ...SETTINGS, systemPrompt: 'global' }, { model: '  ', systemPrompt: '' })
    if (!r.ok) throw new Error('expected ok')
    expect(r.settings.model).toBe(SETTINGS.model)
    expect(r.settings.systemPrompt).toBe('')
  })

  it('refuses unusable extra JSON with a message that says where to fix it', () => {
    const r = resolveSettings(SETTINGS, { extraBody: '{"a": ' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    const en = renderText('en', r.problem)
    expect(en).toContain('Conversation settings')
    expect(en).toContain('not valid JSON')
    expect(renderText('zh-CN', r.problem)).toContain('对话设置')
  })
})

describe('parseExtraBody', () => {
  it('accepts blank text and JSON objects', () => {
    expect(parseExtraBody('  ')).toEqual({ ok: true, value: undefined })
    expect(parseExtraBody('{"presence_penalty": 0.3}')).toEqual({ ok: true, value: { presence_penalty: 0.3 } })
  })

  it('names what is wrong: not JSON, not an object, a reserved field', () => {
    const cases: [string, string][] = [
      ['{oops}', 'convSettings.extra.invalidJson'],
      ['[1, 2]', 'convSettings.extra.notObject'],
      ['42', 'convSettings.extra.notObject'],
      ['{"stream": false}', 'convSettings.extra.reserved'],
      ['{"messages": []}', 'convSettings.extra.reserved'],
    ]
    for (const [text, key] of cases) {
      const r = parseExtraBody(text)
      expect(r.ok ? 'ok' : r.problem.key, text).toBe(key)
    }
  })
})

describe('deepMerge', () => {
  it('merges objects key by key and never touches the prototype', () => {
    const target: Record<string, unknown> = { a: { b: 1, c: 2 }, d: [1] }
    deepMerge(target, JSON.parse('{"a": {"c": 3}, "d": [2], "__proto__": {"polluted": true}}') as Record<string, unknown>)
    expect(target).toEqual({ a: { b: 1, c: 3 }, d: [2] })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype)
  })
})

describe('thinkingFields', () => {
  it('maps on, off and effort onto the provider’s own fields', () => {
    expect(thinkingFields(DEEPSEEK_LIKE, { thinking: 'on', effort: 'max' })).toEqual({ thinking: { type: 'enabled' }, reasoning_effort: 'max' })
    expect(thinkingFields(DEEPSEEK_LIKE, { thinking: 'off', effort: 'max' })).toEqual({ thinking: { type: 'disabled' } })
    expect(thinkingFields(DEEPSEEK_LIKE, {})).toEqual({})
    expect(thinkingFields(DEEPSEEK_LIKE, { effort: 'high' })).toEqual({ reasoning_effort: 'high' })
  })

  it('drops an effort the provider does not document, and clamps a budget', () => {
    expect(thinkingFields(DEEPSEEK_LIKE, { thinking: 'on', effort: 'ultra-mega' })).toEqual({ thinking: { type: 'enabled' } })
    expect(thinkingFields(BUDGETED, { thinking: 'on', budget: 1e9 })).toEqual({ enable_thinking: true, thinking_budget: 32768 })
    expect(thinkingFields(BUDGETED, { thinking: 'on', budget: 1 })).toEqual({ enable_thinking: true, thinking_budget: 128 })
  })

  it('writes dotted paths as nested objects', () => {
    const nested: ThinkingControls = { effort: { path: 'reasoning.effort', values: ['low', 'high'] } }
    expect(thinkingFields(nested, { thinking: 'on', effort: 'low' })).toEqual({ reasoning: { effort: 'low' } })
  })

  it('sends nothing for a provider without controls', () => {
    expect(thinkingFields(undefined, { thinking: 'on', effort: 'high' })).toEqual({})
  })
})

describe('ignoredParams', () => {
  it('marks parameters only when thinking is on (or on by the provider’s default)', () => {
    expect(ignoredParams(DEEPSEEK_LIKE, 'on')).toEqual(['temperature', 'topP', 'frequencyPenalty'])
    expect(ignoredParams(DEEPSEEK_LIKE, 'auto')).toEqual(['temperature', 'topP', 'frequencyPenalty'])
    expect(ignoredParams(DEEPSEEK_LIKE, 'off')).toEqual([])
    expect(ignoredParams(BUDGETED, 'auto')).toEqual([])
    expect(ignoredParams(BUDGETED, 'on')).toEqual(['temperature'])
  })
})

describe('buildChatRequest with a conversation’s settings', () => {
  it('merges thinking fields from the profile and the extra JSON last', () => {
    const r = resolveSettings(
      { ...SETTINGS, providerId: 'custom', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' },
      { thinking: 'on', extraBody: '{"max_tokens": 99, "chat_template_kwargs": {"enable_thinking": true}}' },
    )
    if (!r.ok) throw new Error('expected ok')
    const body = JSON.parse(buildChatRequest(r.settings, [{ role: 'user', content: 'hi' }]).init.body as string) as Record<string, unknown>
    expect(body.max_tokens).toBe(99)
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: true })
    expect(body.stream).toBe(true)
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }])
  })

  it('uses the preset’s thinking controls when it has them', () => {
    const profile = findProvider('deepseek')
    if (!profile.thinking?.on) return // the preset table decides; its own test checks the data
    const r = resolveSettings({ ...SETTINGS, providerId: 'deepseek', baseUrl: profile.baseUrl, model: profile.defaultModel }, { thinking: 'on' })
    if (!r.ok) throw new Error('expected ok')
    const body = JSON.parse(buildChatRequest(r.settings, [{ role: 'user', content: 'hi' }]).init.body as string) as Record<string, unknown>
    expect(body).toMatchObject(profile.thinking.on)
  })
})
