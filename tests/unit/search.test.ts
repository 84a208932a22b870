import { describe, expect, it } from 'vitest'
import { createSearchIndex, highlightParts, makeSnippet, normalizeText, queryTerms, type SearchResult } from '../../src/core/search'
import type { ChatMessage, Conversation } from '../../src/core/types'

function conversation(id: string, title: string, updatedAt = 1000): Conversation {
  return { id, title, createdAt: updatedAt, updatedAt }
}

function message(conversationId: string, seq: number, content: string, role: ChatMessage['role'] = seq % 2 === 0 ? 'user' : 'assistant'): ChatMessage {
  return { id: `${conversationId}-m${seq}`, conversationId, seq, role, content, reasoning: '', status: 'done', createdAt: 1, updatedAt: 1 }
}

/** The highlighted text of a result, as the UI shows it. */
function marked(result: SearchResult): string[] {
  return highlightParts(result.snippet, result.ranges).filter((p) => p.hit).map((p) => p.text)
}

describe('normalizeText and queryTerms', () => {
  it('folds case and full-width forms', () => {
    expect(normalizeText('ＤｅｅｐＳｅｅｋ Hello')).toBe('deepseek hello')
    expect(queryTerms('  Vue   vue 组件 ')).toEqual(['vue', '组件'])
    expect(queryTerms('   ')).toEqual([])
  })
})

describe('createSearchIndex', () => {
  it('finds English case-insensitively, in titles, questions and answers, with the original case highlighted', () => {
    const index = createSearchIndex()
    index.set(conversation('a', 'Rust lifetimes', 2000), [message('a', 0, 'What is a LIFETIME?'), message('a', 1, 'A lifetime is a scope.')])
    index.set(conversation('b', 'Cooking', 1000), [message('b', 0, 'Rice'), message('b', 1, 'Boil it.')])
    const results = index.search('Lifetime')
    expect(results.map((r) => [r.conversationId, r.field, r.messageId])).toEqual([
      ['a', 'title', undefined],
      ['a', 'user', 'a-m0'],
      ['a', 'assistant', 'a-m1'],
    ])
    expect(results.map(marked)).toEqual([['lifetime'], ['LIFETIME'], ['lifetime']])
  })

  it('finds Chinese without word boundaries, and full-width Latin by its half-width query', () => {
    const index = createSearchIndex()
    index.set(conversation('z', '新对话'), [message('z', 0, '请解释一下量子计算的基本原理'), message('z', 1, '量子计算利用ＱＵＢＩＴ叠加。')])
    const results = index.search('量子计算')
    expect(results.map((r) => r.messageId)).toEqual(['z-m0', 'z-m1'])
    expect(results.map(marked)).toEqual([['量子计算'], ['量子计算']])
    expect(index.search('qubit').map(marked)).toEqual([['ＱＵＢＩＴ']])
  })

  it('marks every hit of every term, and needs all terms in one text', () => {
    const index = createSearchIndex()
    index.set(conversation('a', 't'), [message('a', 0, 'cat dog cat bird'), message('a', 1, 'only a cat here')])
    const [first, ...rest] = index.search('cat dog')
    expect(rest).toEqual([])
    expect(first?.ranges).toEqual([{ start: 0, end: 3 }, { start: 4, end: 7 }, { start: 8, end: 11 }])
    expect(index.search('cat').map((r) => marked(r).length)).toEqual([2, 1])
  })

  it('merges overlapping hits and finds nothing for a blank query', () => {
    const index = createSearchIndex()
    index.set(conversation('a', 'aaaa'), [])
    expect(index.search('aa aaa')[0]?.ranges).toEqual([{ start: 0, end: 4 }])
    expect(index.search('  ')).toEqual([])
    expect(index.search('zzz')).toEqual([])
  })

  it('keeps hostile text as plain text parts', () => {
    const index = createSearchIndex()
    const payload = '<img src=x onerror=alert(1)>'
    index.set(conversation('a', 't'), [message('a', 1, `look ${payload} here`)])
    const [result] = index.search('onerror')
    expect(result?.snippet).toBe(`look ${payload} here`)
    expect(highlightParts(result!.snippet, result!.ranges)).toEqual([
      { text: 'look <img src=x ', hit: false },
      { text: 'onerror', hit: true },
      { text: '=alert(1)> here', hit: false },
    ])
  })

  it('maps hits back through text whose normalised form has another length', () => {
    const index = createSearchIndex()
    // "ﬁ" (one unit) normalises to "fi" (two); "İ" lower-cases to two units as well.
    index.set(conversation('a', 't'), [message('a', 0, 'the ﬁle İstanbul ﬁnal')])
    expect(index.search('final').map(marked)).toEqual([['ﬁnal']])
    expect(index.search('file').map(marked)).toEqual([['ﬁle']])
    expect(index.search('stanbul').map(marked)).toEqual([['stanbul']])
  })

  it('orders conversations newest first, caps results per conversation and in all, and follows updates', () => {
    const index = createSearchIndex()
    index.set(conversation('old', 'x', 1), [message('old', 0, 'x')])
    index.set(conversation('new', 'x', 2), [0, 1, 2, 3, 4].map((seq) => message('new', seq, 'x')))
    expect(index.search('x').map((r) => r.conversationId)).toEqual(['new', 'new', 'new', 'old', 'old'])
    expect(index.search('x', { perConversation: 1 }).map((r) => r.conversationId)).toEqual(['new', 'old'])
    expect(index.search('x', { limit: 2 })).toHaveLength(2)
    index.set(conversation('old', 'y', 1), [message('old', 0, 'y')])
    expect(index.search('x').map((r) => r.conversationId)).toEqual(['new', 'new', 'new'])
    index.remove('new')
    expect(index.search('x')).toEqual([])
    expect([index.size, index.has('old'), index.has('new')]).toEqual([1, true, false])
  })

  it('searches 1,000 conversations of ten messages each', () => {
    const index = createSearchIndex()
    for (let c = 0; c < 1000; c++) {
      const messages = Array.from({ length: 10 }, (_, seq) => message(`c${c}`, seq, `第${c}号对话 message ${seq} lorem ipsum dolor sit amet `.repeat(5)))
      index.set(conversation(`c${c}`, `Conversation ${c}`, c), messages)
    }
    index.set(conversation('needle', 'n', -1), [message('needle', 1, 'the unique 针尖 token')])
    expect(index.size).toBe(1001)
    expect(index.search('针尖').map((r) => r.conversationId)).toEqual(['needle'])
    expect(index.search('第999号对话', { perConversation: 1 }).map((r) => r.conversationId)).toEqual(['c999'])
    expect(index.search('lorem', { limit: 1000 })).toHaveLength(1000)
  })
})

describe('makeSnippet', () => {
  const text = `${'a'.repeat(100)}HIT${'b'.repeat(100)}`

  it('shows context before the first hit and says where it was cut', () => {
    const s = makeSnippet(text, [{ start: 100, end: 103 }], { before: 10, length: 30 })
    expect(s.snippet).toBe(`${'a'.repeat(10)}HIT${'b'.repeat(17)}`)
    expect(s.ranges).toEqual([{ start: 10, end: 13 }])
    expect([s.cutStart, s.cutEnd]).toEqual([true, true])
  })

  it('near the end, takes more context before; a short text is whole', () => {
    const end = makeSnippet(text, [{ start: 200, end: 203 }], { before: 5, length: 30 })
    expect(end.snippet).toHaveLength(30)
    expect([end.cutStart, end.cutEnd]).toEqual([true, false])
    const short = makeSnippet('a short\nline', [{ start: 2, end: 7 }])
    expect(short).toEqual({ snippet: 'a short line', ranges: [{ start: 2, end: 7 }], cutStart: false, cutEnd: false })
  })

  it('clips hits at its edges, drops hits outside, and never splits a surrogate pair', () => {
    const s = makeSnippet('xx😀HIT tail HIT', [{ start: 4, end: 7 }, { start: 13, end: 16 }], { before: 1, length: 8 })
    // Starting one unit before the hit would fall inside the emoji: the snippet starts after it
    // (and stays within its length, so it ends one unit earlier).
    expect(s.snippet).toBe('HIT tai')
    expect(s.ranges).toEqual([{ start: 0, end: 3 }])
    const wide = makeSnippet('😀😀HIT', [{ start: 4, end: 7 }], { before: 3, length: 10 })
    expect(wide.snippet).toBe('😀😀HIT')
    const clipped = makeSnippet('abcdefHITLONG', [{ start: 6, end: 13 }], { before: 0, length: 5 })
    expect(clipped.snippet).toBe('HITLONG')
    expect(clipped.ranges).toEqual([{ start: 0, end: 7 }])
  })
})
