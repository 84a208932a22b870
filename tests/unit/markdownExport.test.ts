import { describe, expect, it } from 'vitest'
import type { ChatMessage, MessageStatus } from '../../src/core/types'
import { formatMarkdown, markdownFileName, type MarkdownLabels } from '../../src/core/markdownExport'
import { render } from '../../src/locales'

// 2024-01-02 11:04:05 in Asia/Shanghai (vitest config pins TZ).
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5)

const LABELS: MarkdownLabels = {
  you: 'You',
  assistant: 'Assistant',
  reasoning: 'Reasoning',
  stopped: 'Stopped by the user.',
  interrupted: 'Interrupted.',
  streaming: 'Incomplete.',
  noAnswer: 'No answer.',
  error: 'Request error:',
}

let nextSeq = 0
function user(content: string, createdAt = T0): ChatMessage {
  const seq = nextSeq++
  return { id: `m${seq}`, conversationId: 'c1', seq, role: 'user', content, reasoning: '', status: 'done', createdAt, updatedAt: createdAt }
}
function assistant(content: string, status: MessageStatus = 'done', extra: Partial<ChatMessage> = {}, createdAt = T0): ChatMessage {
  const seq = nextSeq++
  return { id: `m${seq}`, conversationId: 'c1', seq, role: 'assistant', content, reasoning: '', status, createdAt, updatedAt: createdAt + 1000, ...extra }
}

describe('formatMarkdown', () => {
  it('writes the title, each turn with role headings and local times, answers as Markdown', () => {
    const later = T0 + 65_000
    const text = formatMarkdown('Rust 与 Go', [user('Hi'), assistant('**Hello!**\n\n- one\n- two'), user('再来', later), assistant('好的', 'done', {}, later)], {
      labels: LABELS,
    })
    expect(text).toMatchInlineSnapshot(`
      "# Rust 与 Go

      ## You · 2024-01-02 11:04:05

      \`\`\`text
      Hi
      \`\`\`

      ## Assistant · 2024-01-02 11:04:05

      **Hello!**

      - one
      - two

      ## You · 2024-01-02 11:05:10

      \`\`\`text
      再来
      \`\`\`

      ## Assistant · 2024-01-02 11:05:10

      好的
      "
    `)
  })

  it('fences the question so Markdown, HTML and fences in it stay literal text', () => {
    const question = '# not a heading\n</details>\n```js\nx\n````\n- item'
    const text = formatMarkdown('T', [user(question), assistant('ok')], { labels: LABELS })
    expect(text).toMatchInlineSnapshot(`
      "# T

      ## You · 2024-01-02 11:04:05

      \`\`\`\`\`text
      # not a heading
      </details>
      \`\`\`js
      x
      \`\`\`\`
      - item
      \`\`\`\`\`

      ## Assistant · 2024-01-02 11:04:05

      ok
      "
    `)
  })

  it('shows reasoning in a collapsed block only when asked to', () => {
    const messages = [user('Why?'), assistant('Because.', 'done', { reasoning: 'Think <b>hard</b>\n# step' })]
    expect(formatMarkdown('T', messages, { labels: LABELS })).not.toContain('Think')
    expect(formatMarkdown('T', messages, { labels: LABELS, includeReasoning: true })).toMatchInlineSnapshot(`
      "# T

      ## You · 2024-01-02 11:04:05

      \`\`\`text
      Why?
      \`\`\`

      ## Assistant · 2024-01-02 11:04:05

      <details>
      <summary>Reasoning</summary>

      \`\`\`text
      Think <b>hard</b>
      # step
      \`\`\`

      </details>

      Because.
      "
    `)
  })

  it('marks stopped, interrupted, streaming, error and missing answers', () => {
    const text = formatMarkdown(
      'T',
      [
        user('a'),
        assistant('part', 'stopped'),
        user('b'),
        assistant('cut', 'interrupted'),
        user('c'),
        assistant('', 'streaming'),
        user('d'),
        assistant('half', 'error', { error: { kind: 'http', status: 402, message: 'Insufficient *Balance*\n# top up' } }),
        user('e'),
      ],
      { labels: LABELS },
    )
    expect(text).toMatchInlineSnapshot(`
      "# T

      ## You · 2024-01-02 11:04:05

      \`\`\`text
      a
      \`\`\`

      ## Assistant · 2024-01-02 11:04:05

      part

      > *Stopped by the user.*

      ## You · 2024-01-02 11:04:05

      \`\`\`text
      b
      \`\`\`

      ## Assistant · 2024-01-02 11:04:05

      cut

      > *Interrupted.*

      ## You · 2024-01-02 11:04:05

      \`\`\`text
      c
      \`\`\`

      ## Assistant · 2024-01-02 11:04:05

      > *Incomplete.*

      ## You · 2024-01-02 11:04:05

      \`\`\`text
      d
      \`\`\`

      ## Assistant · 2024-01-02 11:04:05

      half

      > **Request error:** Insufficient \\*Balance\\* \\# top up

      ## You · 2024-01-02 11:04:05

      \`\`\`text
      e
      \`\`\`

      ## Assistant · 2024-01-02 11:04:05

      > *No answer.*
      "
    `)
  })

  it('closes a code fence an answer left open, so the next turn is not swallowed', () => {
    const text = formatMarkdown('T', [user('code'), assistant('Here:\n~~~~python\nprint(1)\n~~~\nstill code', 'stopped'), user('next')], {
      labels: LABELS,
    })
    expect(text).toContain('still code\n~~~~\n\n> *Stopped by the user.*')
    // A closed fence is left alone.
    const closed = formatMarkdown('T', [user('q'), assistant('```js\nx\n```')], { labels: LABELS })
    expect(closed).toContain('```js\nx\n```\n')
    expect(closed).not.toContain('```\n```')
  })

  it('escapes the title so it stays one heading', () => {
    const text = formatMarkdown('<script>x</script> *bold*\n# two', [], { labels: LABELS })
    expect(text).toBe('# \\<script\\>x\\</script\\> \\*bold\\* \\# two\n')
  })

  it('uses the UI language’s labels', () => {
    const zh = Object.fromEntries(Object.keys(LABELS).map((k) => [k, render('zh-CN', `exportMd.${k}` as 'exportMd.you')])) as unknown as MarkdownLabels
    const text = formatMarkdown('标题', [user('你好'), assistant('', 'stopped')], { labels: zh })
    expect(text).toContain('## 你 · 2024-01-02 11:04:05')
    expect(text).toContain('## 助手 · 2024-01-02 11:04:05')
    expect(text).toContain('> *已被用户停止。*')
  })
})

describe('markdownFileName', () => {
  it('derives a safe name from the title', () => {
    expect(markdownFileName('Rust 与 Go 的对比')).toBe('Rust 与 Go 的对比.md')
    expect(markdownFileName('a/b\\c:d*e?f"g<h>i|j')).toBe('a b c d e f g h i j.md')
    expect(markdownFileName('tab\there\nnew\u0007bell')).toBe('tab here new bell.md')
    expect(markdownFileName('../../etc/passwd')).toBe('etc passwd.md')
    expect(markdownFileName('.hidden')).toBe('hidden.md')
    expect(markdownFileName('ends with dots...  ')).toBe('ends with dots.md')
  })

  it('falls back to conversation.md when nothing usable is left', () => {
    expect(markdownFileName('')).toBe('conversation.md')
    expect(markdownFileName('..')).toBe('conversation.md')
    expect(markdownFileName(' / : * ')).toBe('conversation.md')
    expect(markdownFileName('CON')).toBe('conversation.md')
  })

  it('limits the length without splitting a character', () => {
    const name = markdownFileName('😀'.repeat(100))
    expect(name).toBe(`${'😀'.repeat(80)}.md`)
    expect(markdownFileName('x'.repeat(200))).toBe(`${'x'.repeat(80)}.md`)
  })
})
