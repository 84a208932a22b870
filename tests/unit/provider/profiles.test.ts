import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CUSTOM_PROVIDER_ID, DEFAULT_PARAMS, DEFAULT_SETTINGS, PROVIDERS, findProvider } from '../../../src/core/provider'
import { render } from '../../../src/locales'

describe('provider profiles', () => {
  it('lists the presets in order', () => {
    expect(PROVIDERS.map((p) => [p.id, p.label, p.baseUrl, p.defaultModel])).toEqual([
      ['siliconflow', 'SiliconFlow', 'https://api.siliconflow.cn/v1', 'deepseek-ai/DeepSeek-V3'],
      ['deepseek', 'DeepSeek', 'https://api.deepseek.com', 'deepseek-chat'],
      ['openai', 'OpenAI', 'https://api.openai.com/v1', 'gpt-4o-mini'],
      ['openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1', 'deepseek/deepseek-chat'],
      ['ollama', 'Ollama (local)', 'http://localhost:11434/v1', 'llama3.2'],
      ['custom', 'Custom', '', ''],
    ])
  })

  it('offers each default model in its list, and only Ollama is keyless', () => {
    for (const p of PROVIDERS) if (p.id !== CUSTOM_PROVIDER_ID) expect(p.models).toContain(p.defaultModel)
    expect(PROVIDERS.filter((p) => p.keyOptional === true).map((p) => p.id)).toEqual(['ollama'])
    for (const locale of ['en', 'zh-CN'] as const) expect(render(locale, findProvider('ollama').note!)).toContain('OLLAMA_ORIGINS')
  })

  it('top_k only where the endpoint takes it', () => {
    expect(PROVIDERS.filter((p) => p.accepts.includes('topK')).map((p) => p.id)).toEqual(['siliconflow', 'openrouter', 'custom'])
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
