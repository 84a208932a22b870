import { describe, expect, it } from 'vitest'
import { importClassicTranscript, importText } from '../../../src/core/importers'
import { formatTranscript } from '../../../src/core/transcript'
import { fixture, importError, local } from './helpers'

const DASHES = '-'.repeat(40)

describe('importClassicTranscript: a conversation.txt as the old script wrote it', () => {
  const text = fixture('classic-conversation.txt')
  const result = importClassicTranscript(text)
  const [only] = result.conversations
  const messages = only!.messages

  it('makes ONE conversation titled by the first question and dated by the first timestamp', () => {
    expect(result.source).toBe('classic-txt')
    expect(result.conversations).toHaveLength(1)
    expect(only!.conversation).toEqual({
      id: expect.stringMatching(/^txt-[0-9a-f]{14}$/),
      title: '你好，介绍一下你自己',
      createdAt: local('2025-01-20 21:14:05'),
      updatedAt: local('2025-01-22 18:45:00'),
    })
  })

  it('reads every turn of the appended sessions, in order, as user/assistant pairs', () => {
    expect(messages.map((m) => [m.seq, m.role, m.status])).toEqual([
      [0, 'user', 'done'], [1, 'assistant', 'done'],
      [2, 'user', 'done'], [3, 'assistant', 'done'],
      [4, 'user', 'done'], [5, 'assistant', 'error'],
      [6, 'user', 'done'], [7, 'assistant', 'error'],
      [8, 'user', 'done'], [9, 'assistant', 'interrupted'],
      [10, 'user', 'done'], [11, 'assistant', 'done'],
    ])
    expect(messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      '你好，介绍一下你自己',
      '写一个Python函数计算斐波那契数列',
      '继续',
      '什么是量子计算？',
      '再试一次：什么是量子计算？',
      'Thanks! 🙏',
    ])
    for (const m of messages) {
      expect(m.conversationId).toBe(only!.conversation.id)
      expect(m.id).toBe(`${only!.conversation.id}-${m.seq}`)
    }
    expect(messages[6]!.createdAt).toBe(local('2025-01-21 09:02:31'))
  })

  it('keeps answer text exactly, trailing newline and code block included', () => {
    expect(messages[1]!.content).toBe('你好！我是 DeepSeek-V3，一个由深度求索公司开发的智能助手。\n\n我可以帮你：\n- 回答问题\n- 写代码\n')
    expect(messages[3]!.content).toContain('```python\ndef fib(n):\n    a, b = 0, 1\n')
    expect(messages[3]!.content.endsWith('时间复杂度是 O(n)。')).toBe(true)
    expect(messages[11]!.content).toBe("You're welcome! 😊")
  })

  it('reads 请求错误 lines: an HTTP failure, and a connection that broke mid-answer on the same line', () => {
    expect(messages[5]).toMatchObject({
      content: '',
      status: 'error',
      error: { kind: 'http', status: 402, message: '402 Client Error: Payment Required for url: https://api.siliconflow.cn/v1/chat/completions' },
    })
    expect(messages[7]).toMatchObject({
      content: '量子计算是一种利用量子力学原理进行计算的方式，',
      status: 'error',
      error: { kind: 'network', message: "('Connection broken: IncompleteRead(0 bytes read)', IncompleteRead(0 bytes read))" },
    })
  })

  it('marks an answer cut off by a killed script (the next session follows) as interrupted, text kept', () => {
    expect(messages[9]).toMatchObject({ content: '量子计算利用量子比特（qubit）的叠加和纠缠', status: 'interrupted' })
  })

  it('is deterministic, so the same file always maps to the same ids (re-import finds them)', () => {
    expect(importClassicTranscript(text)).toEqual(result)
    expect(importClassicTranscript(text.replace(/\n/g, '\r\n')).conversations[0]!.conversation.id).toBe(only!.conversation.id)
  })

  it('writes back a file that reads the same (our export of the import)', () => {
    const again = importClassicTranscript(formatTranscript(messages)).conversations[0]!.messages
    expect(again.map(({ role, content, status, error, createdAt }) => ({ role, content, status, message: error?.message, createdAt }))).toEqual(
      messages.map(({ role, content, status, error, createdAt }) => ({ role, content, status, message: error?.message, createdAt })),
    )
  })

  it('is what importText detects for a text file', () => {
    expect(importText(text).source).toBe('classic-txt')
    expect(importText('\uFEFF' + text).conversations[0]!.messages).toHaveLength(12)
  })
})

describe('importClassicTranscript: malformed files name the line and import nothing', () => {
  it('an Answer header without a Question', () => {
    const error = importError(() => importText(`\n[2024-01-01 08:00:00] Answer:\nhello\n${DASHES}\n`))
    expect(error.kind).toBe('invalid')
    expect(error.line).toBe(2)
    expect(error.path).toBeUndefined()
    expect(error.problem).toEqual({ problem: 'transcript', line: 2, transcript: 'answer-without-question' })
    expect(error.message).toBe(
      "conversation.txt line 2: an 'Answer:' header without a 'Question:' header before it. Nothing was imported.",
    )
  })

  it('a Question that never gets its Answer header (a truncated file)', () => {
    const good = fixture('classic-conversation.txt')
    const cut = good.slice(0, good.indexOf('[2025-01-22 18:45:00] Answer:'))
    const error = importError(() => importText(cut))
    expect(error.line).toBe(cut.split('\n').indexOf('[2025-01-22 18:45:00] Question:') + 1)
    expect(error.problem).toMatchObject({ transcript: 'question-without-answer' })
    expect(error.message).toContain("this 'Question:' header has no 'Answer:' header after it")
  })

  it('text that is not a transcript at all', () => {
    const error = importError(() => importText('just some notes\nnot a transcript\n'))
    expect(error.message).toMatch(/^conversation\.txt line 1: expected a '\[YYYY-MM-DD HH:MM:SS\] Question:' header/)
  })

  it('an empty file, and binary data', () => {
    expect(importError(() => importText('')).kind).toBe('empty')
    expect(importError(() => importText('\n\n  \n')).kind).toBe('empty')
    expect(importError(() => importText('PK\u0003\u0004\u0000\u0000binary')).kind).toBe('syntax')
  })
})
