import { describe, expect, it } from 'vitest'
import { LOW_WATER, buildHistory, contextStart, estimateTokens, messageTokens, windowStart } from '../../src/core/context'
import type { ChatMessage, MessageStatus, Role } from '../../src/core/types'

let seq = 0
function msg(role: Role, content: string, status: MessageStatus = 'done'): ChatMessage {
  seq++
  return { id: `m${seq}`, conversationId: 'c', seq, role, content, reasoning: '', status, createdAt: seq, updatedAt: seq }
}

/** `turns` question/answer pairs and a last question. */
function chat(turns: number, size = 10): ChatMessage[] {
  const out: ChatMessage[] = []
  for (let i = 0; i < turns; i++) out.push(msg('user', `q${i} ${'x'.repeat(size)}`), msg('assistant', `a${i} ${'y'.repeat(size)}`))
  out.push(msg('user', 'last question'))
  return out
}

describe('estimateTokens', () => {
  it('counts about 0.3 token per Latin character and 0.6 per Chinese character', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('a'.repeat(100))).toBe(30)
    expect(estimateTokens('中'.repeat(100))).toBe(60)
    expect(estimateTokens(`${'a'.repeat(10)}${'文'.repeat(10)}`)).toBe(9)
  })

  it('caches per message and follows its text when it changes', () => {
    const m = msg('assistant', 'a'.repeat(100))
    const first = messageTokens(m)
    expect(messageTokens(m)).toBe(first)
    m.content += 'a'.repeat(100)
    expect(messageTokens(m)).toBeGreaterThan(first)
  })

  it('counts a question’s attachments', () => {
    const plain = msg('user', 'see file')
    const attached = { ...msg('user', 'see file'), attachments: [{ id: 'a', name: 'f.txt', text: 'z'.repeat(1000), source: 'file' as const }] }
    expect(messageTokens(attached) - messageTokens(plain)).toBeGreaterThanOrEqual(300)
  })
})

describe('windowStart', () => {
  it('keeps everything while the total fits', () => {
    expect(windowStart([1, 1, 1], [true, false, true], 3)).toBe(0)
  })

  it('jumps down to the low-water mark when the limit is passed, and only then', () => {
    const starts: number[] = []
    for (let n = 1; n <= 40; n++) {
      const costs = new Array<number>(n).fill(1)
      starts.push(windowStart(costs, costs.map(() => true), 20))
    }
    // Up to 20 items: start 0. Then one jump down to the low-water mark, stable until the total passes 20 again.
    expect(starts.slice(0, 20).every((s) => s === 0)).toBe(true)
    expect(starts[20]).toBe(21 - Math.floor(20 * LOW_WATER))
    const distinct = new Set(starts)
    expect(distinct.size).toBeLessThanOrEqual(5)
    for (let n = 1; n <= 40; n++) expect(n - (starts[n - 1] as number)).toBeLessThanOrEqual(20)
  })

  it('never starts on a position that may not start, and never drops the newest item', () => {
    const costs = [5, 5, 5, 5, 50]
    expect(windowStart(costs, [true, false, true, false, false], 10)).toBe(4)
    expect(windowStart([1, 1, 1, 1], [true, false, false, false], 2)).toBe(3)
  })

  it('is deterministic: the same history always gives the same start', () => {
    const costs = Array.from({ length: 200 }, (_, i) => (i * 7919) % 13)
    const canStart = costs.map((_, i) => i % 2 === 0)
    expect(windowStart(costs, canStart, 100)).toBe(windowStart([...costs], [...canStart], 100))
  })
})

describe('contextStart', () => {
  it('starts after the last break that is before the end', () => {
    const history = chat(3)
    const breaks = [history[1]!.id, history[3]!.id]
    expect(contextStart(history, history.length, breaks)).toBe(4)
    expect(contextStart(history, 3, breaks)).toBe(2)
    expect(contextStart(history, history.length, ['gone'])).toBe(0)
  })
})

describe('buildHistory', () => {
  it('sends everything by default, the system prompt first', () => {
    const history = chat(2)
    const h = buildHistory(history, history.length, { systemPrompt: 'Be brief.' })
    expect(h.turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user'])
    expect(h.messages).toBe(5)
    expect(h.trimmed).toBe(0)
    expect(h.tokens).toBeGreaterThan(0)
  })

  it('leaves out messages before a context break but keeps the question', () => {
    const history = chat(3)
    const h = buildHistory(history, history.length, { systemPrompt: 'S', contextBreaks: [history[5]!.id] })
    expect(h.turns).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'last question' },
    ])
    expect(h.beforeBreak).toBe(6)
  })

  it('trims to the last messages in steps, starting with a question, the system prompt kept', () => {
    const sends: string[] = []
    const history: ChatMessage[] = []
    for (let i = 0; i < 30; i++) {
      history.push(msg('user', `q${i}`))
      const h = buildHistory(history, history.length, { systemPrompt: 'S', limit: { kind: 'messages', count: 10 } })
      expect(h.turns[0]).toEqual({ role: 'system', content: 'S' })
      expect(h.turns[1]?.role).toBe('user')
      expect(h.messages).toBeLessThanOrEqual(10)
      expect(h.turns.at(-1)).toEqual({ role: 'user', content: `q${i}` })
      sends.push(h.turns[1]!.content)
      history.push(msg('assistant', `a${i}`))
    }
    // The first message sent changes only at the jumps, not on every request.
    const changes = sends.filter((first, i) => i > 0 && first !== sends[i - 1]).length
    expect(changes).toBeGreaterThan(0)
    expect(changes).toBeLessThan(sends.length / 2)
  })

  it('keeps a token budget, counting the system prompt against it', () => {
    const history = chat(50, 400)
    const h = buildHistory(history, history.length, { systemPrompt: 'S'.repeat(1000), limit: { kind: 'tokens', budget: 2000 } })
    expect(h.tokens).toBeLessThanOrEqual(2000)
    expect(h.trimmed).toBeGreaterThan(0)
    expect(h.turns[1]?.role).toBe('user')
    expect(h.turns.at(-1)?.content).toBe('last question')
  })

  it('always sends the question even when it alone passes the budget', () => {
    const history = [msg('user', 'x'.repeat(10_000))]
    const h = buildHistory(history, 1, { systemPrompt: '', limit: { kind: 'tokens', budget: 10 } })
    expect(h.turns).toHaveLength(1)
  })

  it('leaves out failed empty answers with their question, as requests always did', () => {
    const history = [msg('user', 'q1'), msg('assistant', '', 'error'), msg('user', 'q2')]
    expect(buildHistory(history, 3, { systemPrompt: '' }).turns).toEqual([{ role: 'user', content: 'q2' }])
  })

  it('stays cheap for 500 turns on every call (estimates are cached)', () => {
    const history = chat(500, 2000)
    buildHistory(history, history.length, { systemPrompt: '' })
    const started = performance.now()
    for (let i = 0; i < 50; i++) buildHistory(history, history.length, { systemPrompt: '', limit: { kind: 'tokens', budget: 50_000 } })
    // A generous bound: uncached, each call would read 2 MB of text.
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
