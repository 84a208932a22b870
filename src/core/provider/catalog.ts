import type { ModelPrice, Usage } from '../types'

/** What a known model can do, from a local table (no provider reports this in `/models`). */
export interface ModelCapabilities {
  thinking?: boolean
  vision?: boolean
  /** Context window in tokens. */
  context?: number
}

/**
 * Known model families. Matched against the id without its vendor prefix (`Pro/deepseek-ai/…`,
 * `deepseek/…`), case-insensitively; the first matching row wins, so specific rows come first.
 */
const CAPABILITIES: readonly (readonly [RegExp, ModelCapabilities])[] = [
  [/^deepseek-flash$|^deepseek-v4-flash/, { thinking: true, vision: true, context: 1_000_000 }],
  [/^deepseek-v4-pro$|^deepseek-v4$/, { thinking: true, context: 1_000_000 }],
  [/^deepseek-r1/, { thinking: true, context: 128_000 }],
  [/^deepseek-reasoner$/, { thinking: true, context: 64_000 }],
  [/^deepseek-v3|^deepseek-chat$/, { context: 64_000 }],
  [/^qwq-/, { thinking: true, context: 128_000 }],
  [/^qwen3-vl/, { thinking: true, vision: true, context: 256_000 }],
  [/^qwen3/, { thinking: true, context: 128_000 }],
  [/^qwen2\.5-vl/, { vision: true, context: 128_000 }],
  [/^qwen2\.5/, { context: 128_000 }],
  [/^gpt-4o/, { vision: true, context: 128_000 }],
  [/^gpt-4\.1/, { vision: true, context: 1_047_576 }],
  [/^gpt-5/, { thinking: true, vision: true, context: 400_000 }],
  [/^o[134](-|$)/, { thinking: true, vision: true, context: 200_000 }],
  [/^llama-?3\.2-vision|^llama3\.2-vision/, { vision: true, context: 128_000 }],
  [/^llama-?3\.[23]/, { context: 128_000 }],
  [/^gemma3/, { vision: true, context: 128_000 }],
]

/** The id a capability or price row is matched on: the last path segment, lower-cased, without an Ollama tag. */
function bareModel(model: string): string {
  const last = model.trim().toLowerCase().split('/').at(-1) ?? ''
  return last.replace(/:latest$/, '')
}

/** What the local table knows about a model, or undefined for a model it does not know. */
export function modelCapabilities(model: string): ModelCapabilities | undefined {
  const bare = bareModel(model)
  return CAPABILITIES.find(([pattern]) => pattern.test(bare))?.[1]
}

/** DeepSeek bills half price outside weekdays 01:00–04:00 and 06:00–10:00 UTC (api-docs.deepseek.com pricing). */
const DEEPSEEK_PEAK: readonly (readonly [number, number])[] = [
  [1, 4],
  [6, 10],
]

/**
 * Built-in prices per million tokens, as the providers publish them (late 2026). The user can
 * change any row or add one in Settings; these are only the starting point.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'deepseek-flash': {
    currency: 'USD',
    input: 0.3,
    cachedInput: 0.006,
    output: 1.2,
    offPeak: { input: 0.15, cachedInput: 0.003, output: 0.6, peakHoursUtc: DEEPSEEK_PEAK },
  },
  'deepseek-v4-flash': {
    currency: 'USD',
    input: 0.3,
    cachedInput: 0.006,
    output: 1.2,
    offPeak: { input: 0.15, cachedInput: 0.003, output: 0.6, peakHoursUtc: DEEPSEEK_PEAK },
  },
  'deepseek-v4-pro': {
    currency: 'USD',
    input: 1.32,
    cachedInput: 0.044,
    output: 3.96,
    offPeak: { input: 0.66, cachedInput: 0.022, output: 1.98, peakHoursUtc: DEEPSEEK_PEAK },
  },
  'deepseek-ai/DeepSeek-V3': { currency: 'CNY', input: 2, output: 8 },
  'gpt-4o-mini': { currency: 'USD', input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-4o': { currency: 'USD', input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4.1-mini': { currency: 'USD', input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1': { currency: 'USD', input: 2, cachedInput: 0.5, output: 8 },
}

/** The price for a model: the user's row, else the built-in one, else none (cost is then not shown). */
export function priceFor(model: string, edited: Readonly<Record<string, ModelPrice>> | undefined): ModelPrice | undefined {
  const id = model.trim()
  return edited?.[id] ?? DEFAULT_PRICES[id]
}

/** True when `at` falls outside the peak hours of a price with an off-peak rate. */
export function isOffPeak(price: ModelPrice, at: number): boolean {
  if (price.offPeak === undefined) return false
  const date = new Date(at)
  const day = date.getUTCDay()
  if (day === 0 || day === 6) return true
  const hour = date.getUTCHours()
  return !price.offPeak.peakHoursUtc.some(([start, end]) => hour >= start && hour < end)
}

/** What one answer cost, with the rate that applied. */
export interface Cost {
  amount: number
  currency: string
  offPeak: boolean
}

/**
 * Cost of one answer: cached prompt tokens at the cache rate (the full input rate if the price has
 * none), the rest of the prompt at the input rate, completion tokens (reasoning included, as
 * providers bill them) at the output rate. `at` is when the request was made, for off-peak rates.
 */
export function costOf(usage: Usage, price: ModelPrice, at: number): Cost {
  const offPeak = isOffPeak(price, at)
  const rates = offPeak && price.offPeak !== undefined ? price.offPeak : price
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens)
  const fresh = usage.promptTokens - cached
  const amount = (fresh * rates.input + cached * (rates.cachedInput ?? rates.input) + usage.completionTokens * rates.output) / 1_000_000
  return { amount, currency: price.currency, offPeak }
}

/** Sums usages (and their costs per currency); an estimated part makes the total estimated. */
export function sumUsage(usages: readonly Usage[]): Usage {
  const total: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 }
  let cached = 0
  for (const u of usages) {
    total.promptTokens += u.promptTokens
    total.completionTokens += u.completionTokens
    total.totalTokens += u.totalTokens
    cached += u.cachedPromptTokens ?? 0
    if (u.estimated === true) total.estimated = true
  }
  if (cached > 0) total.cachedPromptTokens = cached
  return total
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const here = row[j] as number
      row[j] = Math.min(here + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = here
    }
  }
  return row[b.length] as number
}

/**
 * The listed model ids closest to `wanted` (at most `limit`): ids that contain it or that it
 * contains first, then ids within a few edits, so `deepseek-chat` finds `deepseek-flash`'s family.
 */
export function closeMatches(wanted: string, ids: readonly string[], limit = 3): string[] {
  const w = wanted.trim().toLowerCase()
  if (w === '') return []
  const scored = ids
    .map((id) => {
      const l = id.toLowerCase()
      const bare = bareModel(id)
      const contains = l.includes(w) || w.includes(bare) || bare.includes(bareModel(w))
      const distance = Math.min(editDistance(w, l), editDistance(bareModel(w), bare))
      const family = bare.split(/[-_.:]/)[0] === bareModel(w).split(/[-_.:]/)[0]
      return { id, score: contains ? 0 : family ? 1 + distance / 100 : distance }
    })
    .filter((s) => s.id.toLowerCase() !== w && s.score <= Math.max(3, w.length / 3))
  scored.sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
  return scored.slice(0, limit).map((s) => s.id)
}
