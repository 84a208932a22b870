import { describe, expect, it } from 'vitest'
import { formatAttachment, isTextFile, looksBinary, questionText } from '../../src/core/attachments'
import { toChatTurns } from '../../src/core/provider'
import { formatTranscript } from '../../src/core/transcript'
import type { ChatMessage } from '../../src/core/types'

const base = { conversationId: 'c', reasoning: '', status: 'done' as const, createdAt: 0, updatedAt: 0 }

describe('attachments', () => {
  it('recognises text files by type or extension', () => {
    expect(isTextFile('notes.md', '')).toBe(true)
    expect(isTextFile('data.csv', 'text/csv')).toBe(true)
    expect(isTextFile('main.RS', '')).toBe(true)
    expect(isTextFile('x.json', 'application/json')).toBe(true)
    expect(isTextFile('photo.png', 'image/png')).toBe(false)
    expect(isTextFile('archive.zip', 'application/zip')).toBe(false)
  })

  it('spots binary content whatever the name', () => {
    expect(looksBinary('plain text\n')).toBe(false)
    expect(looksBinary('PNG\u0000\u0001')).toBe(true)
    expect(looksBinary('\uFFFD'.repeat(50) + 'ab')).toBe(true)
  })

  it('fences an attachment with more backticks than it contains', () => {
    const text = formatAttachment({ name: 'a.md', text: 'look:\n````js\nx\n````' })
    expect(text.startsWith('Attachment: a.md\n`````\n')).toBe(true)
    expect(text.endsWith('\n`````')).toBe(true)
  })

  it('sends and exports the question with its attachments’ text', () => {
    const question: ChatMessage = {
      ...base, id: 'q', seq: 0, role: 'user', content: 'Summarise this',
      attachments: [{ id: 'a', name: 'report.txt', text: 'Sales rose.', source: 'file' }],
    }
    const answer: ChatMessage = { ...base, id: 'a', seq: 1, role: 'assistant', content: 'They rose.' }
    const expected = 'Summarise this\n\nAttachment: report.txt\n```\nSales rose.\n```'
    expect(questionText(question)).toBe(expected)
    expect(toChatTurns([question, answer], '')[0]).toEqual({ role: 'user', content: expected })
    expect(formatTranscript([question, answer])).toContain(`Question:\n${expected}\n`)
  })

  it('sends an attachment alone when nothing was typed', () => {
    expect(questionText({ content: '', attachments: [{ id: 'a', name: 'p.txt', text: 'x', source: 'paste' }] })).toBe('Attachment: p.txt\n```\nx\n```')
  })
})
