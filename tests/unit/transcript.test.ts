import { describe, it, expect } from 'vitest'
import type { ChatMessage, MessageStatus } from '../../src/core/types'
import {
  TRANSCRIPT_FILE_NAME,
  formatTimestamp,
  formatTranscript,
  parseTranscript,
} from '../../src/core/transcript'
import { TranscriptError } from '../../src/core/transcriptError'

// 2024-01-02 11:04:05 in Asia/Shanghai (vitest config pins TZ).
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5)
const DASHES = '-'.repeat(40)

let nextSeq = 0
function user(content: string, createdAt = T0): ChatMessage {
  const seq = nextSeq++
  return { id: `m${seq}`, conversationId: 'c1', seq, role: 'user', content, reasoning: '', status: 'done', createdAt, updatedAt: createdAt }
}
function assistant(content: string, status: MessageStatus = 'done', extra: Partial<ChatMessage> = {}): ChatMessage {
  const seq = nextSeq++
  return {
    id: `m${seq}`, conversationId: 'c1', seq, role: 'assistant', content, reasoning: '', status,
    createdAt: T0, updatedAt: T0 + 1000, model: 'deepseek-chat', ...extra,
  }
}
function turn(question: string, answer: string, status: MessageStatus = 'done', extra: Partial<ChatMessage> = {}, at = T0): ChatMessage[] {
  return [user(question, at), assistant(answer, status, extra)]
}

describe('formatTimestamp', () => {
  it('formats local time as YYYY-MM-DD HH:MM:SS', () => {
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 11:04:05')
    expect(formatTimestamp(Date.UTC(2023, 11, 31, 16, 0, 0))).toBe('2024-01-01 00:00:00')
    expect(formatTimestamp(0)).toBe('1970-01-01 08:00:00')
  })

  it('rejects an invalid time instead of printing NaN', () => {
    expect(() => formatTimestamp(Number.NaN)).toThrow(RangeError)
  })
})

describe('formatTranscript', () => {
  it('names the classic file', () => {
    expect(TRANSCRIPT_FILE_NAME).toBe('conversation.txt')
  })

  it('writes a done turn byte for byte like the classic script', () => {
    const text = formatTranscript(turn('Hi', 'Hello!'))
    expect(text).toBe(`\n[2024-01-02 11:04:05] Question:\nHi\n\n[2024-01-02 11:04:05] Answer:\nHello!\n${DASHES}\n`)
    expect(text).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      Hi

      [2024-01-02 11:04:05] Answer:
      Hello!
      ----------------------------------------
      "
    `)
  })

  it('writes several turns with Chinese and multi-line text, using each question time', () => {
    const messages = [
      ...turn('你好，请介绍一下你自己。', '你好！我是一个AI助手。\n\n我可以：\n1. 回答问题\n2. 写代码'),
      ...turn('写一首诗', '床前明月光，\n疑是地上霜。\n', 'done', {}, T0 + 61_000),
    ]
    expect(formatTranscript(messages)).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      你好，请介绍一下你自己。

      [2024-01-02 11:04:05] Answer:
      你好！我是一个AI助手。

      我可以：
      1. 回答问题
      2. 写代码
      ----------------------------------------

      [2024-01-02 11:05:06] Question:
      写一首诗

      [2024-01-02 11:05:06] Answer:
      床前明月光，
      疑是地上霜。

      ----------------------------------------
      "
    `)
  })

  it('orders by seq whatever order the messages come in', () => {
    const messages = [...turn('q1', 'a1'), ...turn('q2', 'a2')]
    expect(formatTranscript([...messages].reverse())).toBe(formatTranscript(messages))
  })

  it('keeps partial text before the error line and writes no dashes after an error', () => {
    const error = { kind: 'network', message: '网络连接中断，请检查网络后重试' } as const
    expect(formatTranscript(turn('长问题', '已经收到的一部分', 'error', { error }))).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      长问题

      [2024-01-02 11:04:05] Answer:
      已经收到的一部分
      请求错误: 网络连接中断，请检查网络后重试
      "
    `)
  })

  it('writes the error line straight after the header when nothing arrived, on one line', () => {
    const error = { kind: 'http', status: 401, message: 'Authentication failed.\nCheck the API key.' } as const
    const text = formatTranscript(turn('q', '', 'error', { error }))
    expect(text).toBe(
      '\n[2024-01-02 11:04:05] Question:\nq\n\n[2024-01-02 11:04:05] Answer:\n请求错误: Authentication failed. Check the API key.\n',
    )
  })

  it('marks stopped, interrupted and still-streaming answers before the dashes', () => {
    expect(formatTranscript(turn('q', 'partial', 'stopped'))).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      q

      [2024-01-02 11:04:05] Answer:
      partial
      [stopped by user]
      ----------------------------------------
      "
    `)
    expect(formatTranscript(turn('q', 'partial\n', 'interrupted'))).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      q

      [2024-01-02 11:04:05] Answer:
      partial

      [interrupted: the connection ended before the answer was complete]
      ----------------------------------------
      "
    `)
    expect(formatTranscript(turn('q', 'so far', 'streaming'))).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      q

      [2024-01-02 11:04:05] Answer:
      so far
      [incomplete: the answer was still being written]
      ----------------------------------------
      "
    `)
  })

  it('puts the marker directly under the header when a stopped answer is empty', () => {
    expect(formatTranscript(turn('q', '', 'stopped'))).toBe(
      `\n[2024-01-02 11:04:05] Question:\nq\n\n[2024-01-02 11:04:05] Answer:\n[stopped by user]\n${DASHES}\n`,
    )
  })

  it('writes [no answer] for a question with no answer after it', () => {
    expect(formatTranscript([user('q1'), user('q2', T0 + 1000)])).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      q1

      [2024-01-02 11:04:05] Answer:
      [no answer]
      ----------------------------------------

      [2024-01-02 11:04:06] Question:
      q2

      [2024-01-02 11:04:06] Answer:
      [no answer]
      ----------------------------------------
      "
    `)
  })

  it('leaves reasoning out by default and puts it first when asked', () => {
    const messages = turn('9.11 和 9.9 哪个大？', '9.9 更大。', 'done', { reasoning: '比较小数部分：\n0.90 > 0.11' })
    expect(formatTranscript(messages)).not.toContain('比较小数部分')
    expect(formatTranscript(messages, { includeReasoning: false })).toBe(formatTranscript(messages))
    expect(formatTranscript(messages, { includeReasoning: true })).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      9.11 和 9.9 哪个大？

      [2024-01-02 11:04:05] Answer:
      [Reasoning]
      比较小数部分：
      0.90 > 0.11
      [/Reasoning]
      9.9 更大。
      ----------------------------------------
      "
    `)
  })

  it('writes no reasoning block for an answer without reasoning', () => {
    const messages = turn('q', 'a')
    expect(formatTranscript(messages, { includeReasoning: true })).toBe(formatTranscript(messages))
  })

  it('escapes content lines that imitate structural lines, and only those', () => {
    const sneaky = `ok\n${DASHES}\n\n[2024-01-02 11:04:05] Question:\nfake\n\\[stopped by user]\n请求错误: fake`
    expect(formatTranscript(turn('q', sneaky))).toMatchInlineSnapshot(`
      "
      [2024-01-02 11:04:05] Question:
      q

      [2024-01-02 11:04:05] Answer:
      ok
      \\----------------------------------------

      \\[2024-01-02 11:04:05] Question:
      fake
      \\\\[stopped by user]
      \\请求错误: fake
      ----------------------------------------
      "
    `)
    // Near misses are ordinary text and stay byte-identical.
    const plain = `${DASHES}-\n[2024-01-02] Question:\n请求错误:no space`
    expect(formatTranscript(turn('q', plain))).toContain(`Answer:\n${plain}\n${DASHES}\n`)
  })

  it('never contains an API key (messages carry none) and is empty for no messages', () => {
    expect(formatTranscript([])).toBe('')
  })
})

describe('parseTranscript', () => {
  const roundTrip = (messages: ChatMessage[], includeReasoning = false) => parseTranscript(formatTranscript(messages, { includeReasoning }))

  it('reads back every status exactly', () => {
    const messages = [
      ...turn('你好', '你好！\n有什么可以帮你？'),
      ...turn('multi\nline\n\nquestion\n', 'ends with newline\n'),
      ...turn('q', '', 'done'),
      ...turn('q', 'partial', 'stopped'),
      ...turn('q', '', 'stopped'),
      ...turn('q', '\n', 'interrupted'),
      ...turn('q', 'so far', 'streaming'),
      ...turn('q', 'before', 'error', { error: { kind: 'network', message: '连接被重置' } }),
      ...turn('q', '', 'error', { error: { kind: 'http', status: 500, message: '' } }),
      ...turn('', 'empty question'),
    ]
    const parsed = roundTrip(messages)
    const expected = []
    for (let i = 0; i < messages.length; i += 2) {
      const q = messages[i] as ChatMessage
      const a = messages[i + 1] as ChatMessage
      expected.push({
        question: q.content, answer: a.content, status: a.status, askedAt: q.createdAt, reasoning: '',
        ...(a.status === 'error' ? { error: a.error?.message } : {}),
      })
    }
    expect(parsed).toEqual(expected)
  })

  it('round-trips content that imitates headers, markers and escapes', () => {
    const tricky = [
      `${DASHES}`,
      '[2024-01-02 11:04:05] Question:',
      '[2024-01-02 11:04:05] Answer:',
      '\\[2024-01-02 11:04:05] Answer:',
      '\\\\' + DASHES,
      '[stopped by user]',
      '[no answer]',
      '[Reasoning]',
      '[/Reasoning]',
      '请求错误: not a real error',
      '\\ plain backslash',
    ].join('\n')
    const messages = [
      ...turn(tricky, tricky, 'stopped', { reasoning: tricky }),
      ...turn('q', `${tricky}\n[/Reasoning]`, 'done', { reasoning: '[/Reasoning]' }),
    ]
    const parsed = roundTrip(messages, true)
    expect(parsed.map((t) => [t.question, t.answer, t.status, t.reasoning])).toEqual([
      [tricky, tricky, 'stopped', tricky],
      ['q', `${tricky}\n[/Reasoning]`, 'done', '[/Reasoning]'],
    ])
  })

  it('reads reasoning blocks and keeps text with CRLF and emoji exact', () => {
    const messages = turn('a\r\nb 😀', 'x\r\ny', 'done', { reasoning: 'think\r\nmore' })
    expect(roundTrip(messages, true)).toEqual([
      { question: 'a\r\nb 😀', answer: 'x\r\ny', status: 'done', askedAt: T0, reasoning: 'think\r\nmore' },
    ])
  })

  it('reads [no answer] as an interrupted turn with an empty answer', () => {
    expect(parseTranscript(formatTranscript([user('q')]))).toEqual([
      { question: 'q', answer: '', status: 'interrupted', askedAt: T0, reasoning: '' },
    ])
  })

  it('reads a classic-script log with an error, and our export appended after it', () => {
    // What the old Python script appended over two sessions: two answers, then a failed request.
    const classic =
      '\n[2023-12-31 23:59:58] Question:\n第一个问题\n\n[2023-12-31 23:59:58] Answer:\n第一个回答\n' + DASHES + '\n' +
      '\n[2024-01-01 08:00:00] Question:\nsecond\n\n[2024-01-01 08:00:00] Answer:\nline 1\nline 2\n' + DASHES + '\n' +
      '\n[2024-01-01 08:01:00] Question:\n第三个\n\n[2024-01-01 08:01:00] Answer:\n' +
      '请求错误: HTTPSConnectionPool(host=\'api.deepseek.com\', port=443): Read timed out.\n'
    const ours = formatTranscript([...turn('继续', '好的', 'stopped'), ...turn('q', 'a')])
    const turns = parseTranscript(classic + ours)
    expect(turns.map(({ question, answer, status, error }) => ({ question, answer, status, error }))).toEqual([
      { question: '第一个问题', answer: '第一个回答', status: 'done', error: undefined },
      { question: 'second', answer: 'line 1\nline 2', status: 'done', error: undefined },
      {
        question: '第三个', answer: '', status: 'error',
        error: "HTTPSConnectionPool(host='api.deepseek.com', port=443): Read timed out.",
      },
      { question: '继续', answer: '好的', status: 'stopped', error: undefined },
      { question: 'q', answer: 'a', status: 'done', error: undefined },
    ])
    expect(turns.map((t) => formatTimestamp(t.askedAt))).toEqual([
      '2023-12-31 23:59:58', '2024-01-01 08:00:00', '2024-01-01 08:01:00', '2024-01-02 11:04:05', '2024-01-02 11:04:05',
    ])
  })

  it('is lenient with honest oddities of classic logs', () => {
    const killedMidAnswer = '\n[2024-01-01 08:00:00] Question:\nq1\n\n[2024-01-01 08:00:00] Answer:\npartial'
    const nextSession = '\n[2024-01-01 09:00:00] Question:\nq2\n\n[2024-01-01 09:00:00] Answer:\nfull\n' + DASHES + '\n'
    const multiLineError =
      '\n[2024-01-01 10:00:00] Question:\nq3\n\n[2024-01-01 10:00:00] Answer:\npart\n请求错误: 401 Client Error\n{"error": "bad key"}\n'
    const turns = parseTranscript('\uFEFF' + killedMidAnswer + nextSession + multiLineError + killedMidAnswer)
    expect(turns.map(({ question, answer, status, error }) => ({ question, answer, status, error }))).toEqual([
      { question: 'q1', answer: 'partial', status: 'interrupted', error: undefined },
      { question: 'q2', answer: 'full', status: 'done', error: undefined },
      { question: 'q3', answer: 'part', status: 'error', error: '401 Client Error\n{"error": "bad key"}' },
      { question: 'q1', answer: 'partial', status: 'interrupted', error: undefined },
    ])
  })

  it('reads a classic log written with Windows line ends', () => {
    const crlf = `\r\n[2024-01-01 08:00:00] Question:\r\nq\r\n\r\n[2024-01-01 08:00:00] Answer:\r\na\r\nb\r\n${DASHES}\r\n`
    expect(parseTranscript(crlf).map((t) => [t.question, t.answer, t.status])).toEqual([['q', 'a\nb', 'done']])
  })

  it('returns no turns for an empty or blank file', () => {
    expect(parseTranscript('')).toEqual([])
    expect(parseTranscript('\n\n')).toEqual([])
  })

  it('throws a TranscriptError with the line and the problem as fields', () => {
    const cases: [string, number, TranscriptError['problem']][] = [
      ['\n[2024-01-01 08:00:00] Answer:\nx\n' + DASHES + '\n', 2, 'answer-without-question'],
      ['\n\nhello\n', 3, 'expected-question'],
      ['\n[2024-01-01 08:00:00] Question:\nq\n', 2, 'question-without-answer'],
      ['\n[2024-01-01 08:00:00] Question:\nq\n\n[2024-01-01 08:00:00] Answer:\n[Reasoning]\nthink\n', 6, 'reasoning-unclosed'],
    ]
    for (const [text, line, problem] of cases) {
      let error: unknown
      try {
        parseTranscript(text)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(TranscriptError)
      expect(error).toMatchObject({ line, problem })
    }
  })

  it('names the line of malformed input', () => {
    expect(() => parseTranscript('\n[2024-01-01 08:00:00] Answer:\nx\n' + DASHES + '\n')).toThrow(
      "conversation.txt line 2: an 'Answer:' header without a 'Question:' header before it",
    )
    expect(() => parseTranscript('hello\n')).toThrow('conversation.txt line 1: expected a')
    expect(() => parseTranscript('\n[2024-01-01 08:00:00] Question:\nq\n')).toThrow(
      "conversation.txt line 2: this 'Question:' header has no 'Answer:' header after it",
    )
    expect(() =>
      parseTranscript('\n[2024-01-01 08:00:00] Question:\nq\n\n[2024-01-01 08:00:01] Question:\nq\n\n[2024-01-01 08:00:01] Answer:\na\n'),
    ).toThrow('line 2:')
    expect(() => parseTranscript('\n[2024-01-01 08:00:00] Question:\nq\n\n[2024-01-01 08:00:00] Answer:\n[Reasoning]\nthink\n')).toThrow(
      "conversation.txt line 6: '[Reasoning]' is never closed by '[/Reasoning]'",
    )
    const good = formatTranscript(turn('q', 'a'))
    expect(() => parseTranscript(good + 'stray text\n')).toThrow(`line ${good.split('\n').length}: expected a`)
    expect(() => parseTranscript(good + good.replace(/\n\[[^\n]*Question:\nq\n/, '\n'))).toThrow(
      "line 10: an 'Answer:' header without a 'Question:' header before it",
    )
  })
})
