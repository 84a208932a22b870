import { describe, it, expect } from 'vitest'
import { DEFAULT_PRICES, closeMatches, costOf, isOffPeak, modelCapabilities, priceFor, sumUsage } from '../../../src/core/provider/catalog'
import { estimateUsage } from '../../../src/core/provider'
import { usageTexts, conversationTotals, formatCost } from '../../../src/core/usageText'
import { renderText } from '../../../src/locales'
import type { ChatMessage, ModelPrice } from '../../../src/core/types'

describe('capability table', () => {
  it('knows models by their bare id, whatever the vendor prefix', () => {
    expect(modelCapabilities('deepseek-flash')).toEqual({ thinking: true, vision: true, context: 1_000_000 })
    expect(modelCapabilities('deepseek-v4-pro')).toEqual({ thinking: true, context: 1_000_000 })
    expect(modelCapabilities('Pro/deepseek-ai/DeepSeek-V4')).toEqual({ thinking: true, context: 1_000_000 })
    expect(modelCapabilities('deepseek-ai/DeepSeek-V3')).toEqual({ context: 64_000 })
    expect(modelCapabilities('deepseek/deepseek-r1')).toEqual({ thinking: true, context: 128_000 })
    expect(modelCapabilities('Qwen/QwQ-32B')?.thinking).toBe(true)
    expect(modelCapabilities('gpt-4o-mini')).toEqual({ vision: true, context: 128_000 })
    expect(modelCapabilities('o3-mini')?.thinking).toBe(true)
    expect(modelCapabilities('gemma3:latest')?.vision).toBe(true)
    expect(modelCapabilities('mock-model')).toBeUndefined()
  })
})

const ds = DEFAULT_PRICES['deepseek-flash'] as ModelPrice
// 2026-12-02 is a Wednesday.
const PEAK = Date.UTC(2026, 11, 2, 2, 30)
const OFF_PEAK = Date.UTC(2026, 11, 2, 12, 0)
const SATURDAY_PEAK_HOUR = Date.UTC(2026, 11, 5, 2, 30)

describe('cost arithmetic', () => {
  it('charges cached prompt tokens at the cache rate, the rest at input, completion at output', () => {
    const price: ModelPrice = { currency: 'USD', input: 1, cachedInput: 0.1, output: 2 }
    const cost = costOf({ promptTokens: 1200, completionTokens: 10, totalTokens: 1210, cachedPromptTokens: 1024 }, price, PEAK)
    expect(cost.currency).toBe('USD')
    expect(cost.offPeak).toBe(false)
    expect(cost.amount).toBeCloseTo((176 * 1 + 1024 * 0.1 + 10 * 2) / 1e6, 12)
  })

  it('uses the input rate for cache hits when a price has no cache rate, and never more cached than prompt', () => {
    const price: ModelPrice = { currency: 'CNY', input: 2, output: 8 }
    expect(costOf({ promptTokens: 100, completionTokens: 50, totalTokens: 150, cachedPromptTokens: 80 }, price, PEAK).amount).toBeCloseTo((100 * 2 + 50 * 8) / 1e6, 12)
    const odd: ModelPrice = { currency: 'USD', input: 1, cachedInput: 0, output: 0 }
    expect(costOf({ promptTokens: 10, completionTokens: 0, totalTokens: 10, cachedPromptTokens: 50 }, odd, PEAK).amount).toBe(0)
  })

  it('applies DeepSeek off-peak prices outside weekday peak hours', () => {
    expect(isOffPeak(ds, PEAK)).toBe(false)
    expect(isOffPeak(ds, Date.UTC(2026, 11, 2, 9, 59))).toBe(false)
    expect(isOffPeak(ds, Date.UTC(2026, 11, 2, 10, 0))).toBe(true)
    expect(isOffPeak(ds, Date.UTC(2026, 11, 2, 4, 0))).toBe(true)
    expect(isOffPeak(ds, OFF_PEAK)).toBe(true)
    expect(isOffPeak(ds, SATURDAY_PEAK_HOUR)).toBe(true)
    const usage = { promptTokens: 1_000_000, completionTokens: 1_000_000, totalTokens: 2_000_000, cachedPromptTokens: 500_000 }
    expect(costOf(usage, ds, PEAK).amount).toBeCloseTo(0.5 * 0.3 + 0.5 * 0.006 + 1.2, 10)
    const off = costOf(usage, ds, OFF_PEAK)
    expect(off.offPeak).toBe(true)
    expect(off.amount).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.003 + 0.6, 10)
    // A price without an off-peak rate is never off-peak.
    expect(isOffPeak({ currency: 'USD', input: 1, output: 1 }, OFF_PEAK)).toBe(false)
  })

  it('edited prices win over the built-in table', () => {
    const mine: ModelPrice = { currency: 'EUR', input: 9, output: 9 }
    expect(priceFor('deepseek-flash', { 'deepseek-flash': mine })).toBe(mine)
    expect(priceFor(' deepseek-flash ', undefined)).toBe(ds)
    expect(priceFor('unknown', undefined)).toBeUndefined()
  })

  it('formats small amounts without rounding them to zero', () => {
    expect(formatCost({ amount: 0.0002984, currency: 'USD', offPeak: false })).toBe('0.000298 USD')
    expect(formatCost({ amount: 0.5, currency: 'CNY', offPeak: false })).toBe('0.5000 CNY')
    expect(formatCost({ amount: 12.345, currency: 'USD', offPeak: false })).toBe('12.35 USD')
  })

  it('sums usage and keeps the estimate mark', () => {
    expect(sumUsage([
      { promptTokens: 1, completionTokens: 2, totalTokens: 3, cachedPromptTokens: 1 },
      { promptTokens: 10, completionTokens: 20, totalTokens: 30, estimated: true },
    ])).toEqual({ promptTokens: 11, completionTokens: 22, totalTokens: 33, cachedPromptTokens: 1, estimated: true })
  })

  it('estimates tokens: one per CJK character, one per four other characters', () => {
    expect(estimateUsage('你好世界', 'abcdefgh')).toEqual({ promptTokens: 3, completionTokens: 3, totalTokens: 6, estimated: true })
  })
})

describe('close model matches', () => {
  const listed = ['mock-model', 'mock-reasoner', 'deepseek-flash', 'deepseek-v4-pro']
  it('finds the same family first and drops unrelated ids', () => {
    expect(closeMatches('deepseek-chat', listed)).toEqual(['deepseek-flash', 'deepseek-v4-pro'])
    expect(closeMatches('mock-modle', listed)[0]).toBe('mock-model')
    expect(closeMatches('gpt-4o', listed)).toEqual([])
    expect(closeMatches('', listed)).toEqual([])
  })
})

function answer(over: Partial<ChatMessage>): ChatMessage {
  return {
    id: 'a', conversationId: 'c', seq: 1, role: 'assistant', content: 'x', reasoning: '', status: 'done',
    createdAt: OFF_PEAK, updatedAt: OFF_PEAK, model: 'deepseek-flash', ...over,
  }
}

describe('usage line', () => {
  it('shows tokens, cache hits, timing, speed, finish and cost at the rate in force', () => {
    const message = answer({
      usage: { promptTokens: 1200, completionTokens: 100, totalTokens: 1300, cachedPromptTokens: 1024 },
      timing: { startedAt: OFF_PEAK, firstTokenAt: OFF_PEAK + 500, endedAt: OFF_PEAK + 2500 },
      finishReason: 'length',
    })
    expect(usageTexts(message, undefined).map((t) => renderText('en', t)).join(' · ')).toBe(
      '1200 prompt · 1024 cached · 100 completion · 1300 total · first token 0.50 s · 50.0 tokens/s · cut off by max tokens · cost 0.000089 USD · off-peak',
    )
    expect(usageTexts(answer({ usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7, estimated: true }, model: 'x' }), undefined).map((t) => renderText('zh-CN', t))).toEqual([
      '输入 ≈3', '输出 ≈4', '合计 ≈7', '≈ 估算（服务器未返回用量）',
    ])
  })

  it('totals a conversation per currency', () => {
    const prices = { m: { currency: 'USD', input: 1_000_000, output: 0 } }
    const parts = conversationTotals([
      answer({ model: 'm', usage: { promptTokens: 1, completionTokens: 0, totalTokens: 1 } }),
      answer({ model: 'm', usage: { promptTokens: 2, completionTokens: 0, totalTokens: 2 } }),
      answer({ model: 'n', usage: { promptTokens: 5, completionTokens: 0, totalTokens: 5 } }),
      answer({ role: 'user' }),
    ], prices)
    expect(parts.map((t) => renderText('en', t)).join('')).toBe('This conversation: 8 tokens, 3.00 USD')
  })
})
