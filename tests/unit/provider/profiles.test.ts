import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CUSTOM_PROVIDER_ID, DEFAULT_PARAMS, DEFAULT_SETTINGS, PROVIDERS, findProvider } from '../../../src/core/provider'
import { render } from '../../../src/locales'

describe('provider profiles', () => {
  it('lists the presets in order', () => {
    expect(PROVIDERS.map((p) => [p.id, p.label, p.baseUrl, p.defaultModel])).toEqual([
      ['siliconflow', 'SiliconFlow', 'https://api.siliconflow.cn/v1', 'deepseek-ai/DeepSeek-V3'],
      ['deepseek', 'DeepSeek', 'https://api.deepseek.com', 'deepseek-flash'],
      ['openai', 'OpenAI', 'https://api.openai.com/v1', 'gpt-4o-mini'],
      ['openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1', 'deepseek/deepseek-chat'],
      ['ollama', 'Ollama (local)', 'http://localhost:11434/v1', 'llama3.2'],
      ['lmstudio', 'LM Studio (local)', 'http://localhost:1234/v1', ''],
      ['vllm', 'vLLM', 'http://localhost:8000/v1', ''],
      ['custom', 'Custom', '', ''],
    ])
  })

  it('offers each default model in its list, and only Ollama is keyless', () => {
    for (const p of PROVIDERS) if (p.defaultModel !== '') expect(p.models).toContain(p.defaultModel)
    // Local servers pick their model from what is loaded: no default, and no key needed.
    expect(PROVIDERS.filter((p) => p.keyOptional === true).map((p) => p.id)).toEqual(['ollama', 'lmstudio', 'vllm'])
    for (const locale of ['en', 'zh-CN'] as const) expect(render(locale, findProvider('ollama').note!)).toContain('OLLAMA_ORIGINS')
  })

  it('top_k only where the endpoint takes it', () => {
    expect(PROVIDERS.filter((p) => p.accepts.includes('topK')).map((p) => p.id)).toEqual(['siliconflow', 'openrouter', 'lmstudio', 'vllm', 'custom'])
  })

  it('records browser access, balance endpoints and thinking controls per preset', () => {
    const row = (id: string) => findProvider(id)
    expect(PROVIDERS.map((p) => [p.id, p.browser.cors, p.balance?.path ?? null])).toEqual([
      ['siliconflow', 'yes', '/user/info'],
      ['deepseek', 'yes', '/user/balance'],
      ['openai', 'yes', null],
      ['openrouter', 'yes', '/credits'],
      ['ollama', 'setup', null],
      ['lmstudio', 'setup', null],
      ['vllm', 'yes', null],
      ['custom', 'unknown', null],
    ])
    // Each fix names the switch of its own server, in both languages.
    for (const locale of ['en', 'zh-CN'] as const) {
      expect(render(locale, row('ollama').browser.fix, { origin: 'https://chat.example' })).toContain('OLLAMA_ORIGINS="https://chat.example"')
      expect(render(locale, row('lmstudio').browser.fix)).toContain('Enable CORS')
      expect(render(locale, row('vllm').browser.fix, { origin: 'https://chat.example' })).toContain('--allowed-origins \'["https://chat.example"]\'')
    }
    expect(row('deepseek').thinking).toEqual({
      on: { thinking: { type: 'enabled' } },
      off: { thinking: { type: 'disabled' } },
      effort: { path: 'reasoning_effort', values: ['low', 'high', 'max'] },
      ignoredWhenThinking: ['temperature', 'topP', 'frequencyPenalty'],
      defaultOn: true,
    })
    expect(row('deepseek').prefixCompletion).toEqual({ baseUrl: 'https://api.deepseek.com/beta' })
    expect(row('siliconflow').thinking?.budget).toEqual({ path: 'thinking_budget', min: 128, max: 32768 })
    expect(row('siliconflow').thinking?.on).toEqual({ enable_thinking: true })
    expect(row('openai').thinking?.effort?.path).toBe('reasoning_effort')
    expect(row('openrouter').thinking?.effort?.path).toBe('reasoning.effort')
    // Retired DeepSeek ids are not offered any more.
    expect(row('deepseek').models).not.toContain('deepseek-chat')
    expect(row('deepseek').models).not.toContain('deepseek-reasoner')
  })

  it('unknown ids fall back to Custom', () => {
    expect(findProvider('gone-provider').id).toBe(CUSTOM_PROVIDER_ID)
    expect(findProvider('deepseek').label).toBe('DeepSeek')
  })

  it('defaults match the classic script', () => {
    expect(DEFAULT_PARAMS).toEqual({ maxTokens: 2048, temperature: 0.7, topP: 0.7, topK: 50, frequencyPenalty: 0.5, n: 1 })
    expect(DEFAULT_SETTINGS).toEqual({
      apiKey: '',
      providerId: 'siliconflow',
      baseUrl: 'https://api.siliconflow.cn/v1',
      model: 'deepseek-ai/DeepSeek-V3',
      systemPrompt: '',
      params: DEFAULT_PARAMS,
      idleTimeoutSeconds: 60,
      exportReasoning: false,
    })
    expect(DEFAULT_SETTINGS.params).not.toBe(DEFAULT_PARAMS)
  })

  it('src/core/provider imports no framework', () => {
    const dir = fileURLToPath(new URL('../../../src/core/provider/', import.meta.url))
    for (const file of readdirSync(dir)) {
      const source = readFileSync(dir + file, 'utf8')
      expect(source, file).not.toMatch(/from ['"](vue|pinia|@vue\/[^'"]*)['"]/)
    }
  })
})
