import type { ChatMessage, ModelPrice } from './types'
import type { Text } from '../locales'
import { costOf, priceFor, sumUsage, type Cost } from './provider/catalog'

/** A cost amount as shown: enough digits that a fraction of a cent is not rounded to zero. */
export function formatCost(cost: Cost): string {
  const digits = cost.amount === 0 ? 2 : cost.amount < 0.01 ? 6 : cost.amount < 1 ? 4 : 2
  return `${cost.amount.toFixed(digits)} ${cost.currency}`
}

/** The cost of one answer, when its model has a price and it has usage. */
export function answerCost(message: ChatMessage, prices: Readonly<Record<string, ModelPrice>> | undefined): Cost | undefined {
  if (message.usage === undefined || message.model === undefined) return undefined
  const price = priceFor(message.model, prices)
  return price === undefined ? undefined : costOf(message.usage, price, message.timing?.startedAt ?? message.createdAt)
}

/**
 * The parts of an answer's usage line, as keyed text: tokens (estimated or not), cache hits,
 * time to first token, speed, finish reason and cost. Pure, so it is unit-tested without a DOM.
 */
export function usageTexts(message: ChatMessage, prices: Readonly<Record<string, ModelPrice>> | undefined): Text[] {
  const parts: Text[] = []
  const u = message.usage
  if (u !== undefined) {
    const n = (v: number): string => (u.estimated === true ? `≈${v}` : String(v))
    parts.push({ key: 'usage.prompt', params: { n: n(u.promptTokens) } })
    if (u.cachedPromptTokens !== undefined) parts.push({ key: 'usage.cached', params: { n: u.cachedPromptTokens } })
    parts.push({ key: 'usage.completion', params: { n: n(u.completionTokens) } })
    if (u.reasoningTokens !== undefined) parts.push({ key: 'usage.reasoning', params: { n: u.reasoningTokens } })
    parts.push({ key: 'usage.total', params: { n: n(u.totalTokens) } })
    if (u.estimated === true) parts.push({ key: 'usage.estimated' })
  }
  const timing = message.timing
  if (timing?.firstTokenAt !== undefined) {
    parts.push({ key: 'usage.firstToken', params: { s: ((timing.firstTokenAt - timing.startedAt) / 1000).toFixed(2) } })
    const seconds = timing.endedAt === undefined ? 0 : (timing.endedAt - timing.firstTokenAt) / 1000
    if (u !== undefined && seconds > 0 && u.completionTokens > 0) {
      parts.push({ key: 'usage.speed', params: { rate: (u.completionTokens / seconds).toFixed(1) } })
    }
  }
  if (message.finishReason !== undefined) {
    parts.push(message.finishReason === 'length' ? { key: 'usage.cut' } : { key: 'usage.finish', params: { reason: message.finishReason } })
  }
  const cost = answerCost(message, prices)
  if (cost !== undefined) {
    parts.push({ key: 'usage.cost', params: { amount: formatCost(cost) } })
    if (cost.offPeak) parts.push({ key: 'usage.offPeak' })
  }
  return parts
}

/** A conversation's totals: tokens of every answer with usage, and the cost per currency. */
export function conversationTotals(messages: readonly ChatMessage[], prices: Readonly<Record<string, ModelPrice>> | undefined): Text[] {
  const answers = messages.filter((m) => m.role === 'assistant' && m.usage !== undefined)
  if (answers.length === 0) return []
  const total = sumUsage(answers.map((m) => m.usage as NonNullable<ChatMessage['usage']>))
  const byCurrency = new Map<string, number>()
  for (const m of answers) {
    const cost = answerCost(m, prices)
    if (cost !== undefined) byCurrency.set(cost.currency, (byCurrency.get(cost.currency) ?? 0) + cost.amount)
  }
  const tokens = total.estimated === true ? `≈${total.totalTokens}` : String(total.totalTokens)
  const parts: Text[] = [{ key: 'usage.conversation', params: { tokens } }]
  if (byCurrency.size > 0) {
    const amounts = [...byCurrency].map(([currency, amount]) => formatCost({ amount, currency, offPeak: false })).join(' + ')
    parts.push({ key: 'usage.conversationCost', params: { amounts } })
  }
  return parts
}
