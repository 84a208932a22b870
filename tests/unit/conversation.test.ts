import { describe, expect, it } from 'vitest'
import { TITLE_PROMPT, cleanTitle, groupConversations, sortConversations, titleTurns } from '../../src/core/conversation'
import type { Conversation } from '../../src/core/types'

function at(id: string, iso: string, pinned?: boolean): Conversation {
  const time = Date.parse(iso)
  return { id, title: id, createdAt: time, updatedAt: time, ...(pinned ? { pinned } : {}) }
}

const grouped = (list: Conversation[], now: string, timeZone: string) =>
  groupConversations(sortConversations(list), Date.parse(now), timeZone).map((g) => [g.key, g.conversations.map((c) => c.id)])

describe('groupConversations', () => {
  // 2026-03-10 09:30 in Shanghai (UTC+8) is 01:30 UTC.
  const now = '2026-03-10T01:30:00Z'
  const list = [
    at('today-early', '2026-03-09T16:05:00Z'), // 00:05 on the 10th in Shanghai
    at('yesterday-late', '2026-03-09T15:55:00Z'), // 23:55 on the 9th
    at('two-days', '2026-03-08T12:00:00Z'),
    at('six-days', '2026-03-04T12:00:00Z'),
    at('seven-days', '2026-03-03T12:00:00Z'),
    at('old-pinned', '2025-01-01T00:00:00Z', true),
    at('future', '2026-03-11T00:00:00Z'),
  ]

  it('groups by calendar day in the given time zone, pinned first, empty groups left out', () => {
    expect(grouped(list, now, 'Asia/Shanghai')).toEqual([
      ['pinned', ['old-pinned']],
      ['today', ['future', 'today-early']],
      ['yesterday', ['yesterday-late']],
      ['week', ['two-days', 'six-days']],
      ['older', ['seven-days']],
    ])
  })

  it('gives other days in another time zone (New York, UTC-4 since 8 March)', () => {
    // 21:30 on the 9th in New York.
    expect(grouped(list, now, 'America/New_York')).toEqual([
      ['pinned', ['old-pinned']],
      ['today', ['future', 'today-early', 'yesterday-late']],
      ['yesterday', ['two-days']],
      ['week', ['six-days', 'seven-days']],
    ])
  })

  it('counts calendar days across a DST change and a month end', () => {
    // New York moves to DST on 2026-03-08; "yesterday" is still one calendar day back.
    const days = [at('a', '2026-03-08T06:00:00Z'), at('b', '2026-02-28T12:00:00Z')]
    expect(grouped(days, '2026-03-09T12:00:00Z', 'America/New_York')).toEqual([
      ['yesterday', ['a']],
      ['older', ['b']],
    ])
    expect(grouped([at('m', '2026-02-28T12:00:00Z')], '2026-03-01T12:00:00Z', 'UTC')).toEqual([['yesterday', ['m']]])
  })

  it('is empty for no conversations', () => {
    expect(groupConversations([], 0, 'UTC')).toEqual([])
  })
})

describe('sortConversations', () => {
  it('puts pinned conversations first, each part newest first', () => {
    const list = [at('a', '2026-01-01T00:00:00Z'), at('b', '2026-01-03T00:00:00Z'), at('p1', '2025-01-01T00:00:00Z', true), at('p2', '2025-06-01T00:00:00Z', true)]
    expect(sortConversations(list).map((c) => c.id)).toEqual(['p2', 'p1', 'b', 'a'])
  })
})

describe('cleanTitle and titleTurns', () => {
  it('takes the first line of a reply without labels, quotes, reasoning or a final stop', () => {
    expect(cleanTitle('  "Rust lifetimes explained."  \nMore text')).toBe('Rust lifetimes explained')
    expect(cleanTitle('Title: **Vue 3 stores**')).toBe('Vue 3 stores')
    expect(cleanTitle('<think>hmm, a title</think>\n标题：“量子计算入门”。')).toBe('量子计算入门')
    expect(cleanTitle('《浏览器存储》')).toBe('浏览器存储')
    expect(cleanTitle('x'.repeat(100))).toBe(`${'x'.repeat(79)}…`)
    expect(cleanTitle('  \n ""  ')).toBeUndefined()
    expect(cleanTitle('<think>never closed')).toBeUndefined()
  })

  it('sends the instruction, then the first question and answer, shortened', () => {
    const turns = titleTurns('Q'.repeat(3000), 'short answer')
    expect(turns.map((t) => t.role)).toEqual(['system', 'user'])
    expect(turns[0]!.content).toBe(TITLE_PROMPT)
    expect(turns[1]!.content).toBe(`Question:\n${'Q'.repeat(2000)}…\n\nAnswer:\nshort answer`)
  })
})
