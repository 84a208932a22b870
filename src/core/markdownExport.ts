/**
 * The open conversation as a Markdown document, for reading and sharing (conversation.txt stays
 * the format that reads back in). Pure: the same messages, labels and time zone give the same text.
 *
 *     # {title}
 *
 *     ## {you} · YYYY-MM-DD HH:MM:SS
 *
 *     ````text
 *     {question, verbatim}
 *     ````
 *
 *     ## {assistant} · YYYY-MM-DD HH:MM:SS
 *
 *     <details>                       (only with includeReasoning and a non-empty reasoning)
 *     <summary>{reasoning}</summary>
 *
 *     ````text
 *     {reasoning, verbatim}
 *     ````
 *
 *     </details>
 *
 *     {answer, as its Markdown source}
 *
 *     > *{marker}*                     (stopped, interrupted, still streaming, no answer)
 *     > **{error}** {message}          (an error, escaped)
 *
 * The question and reasoning are fenced with a fence longer than any run of backticks inside them,
 * so what the user typed can never become headings, lists or HTML that break the document. The
 * answer is Markdown already; only a code fence it left open (an answer stopped mid-code) is closed,
 * so it cannot swallow the turns after it.
 */
import { safeFileName } from './fileName'
import { formatTimestamp } from './transcript'
import { questionText } from './attachments'
import type { ChatMessage } from './types'

/** The file name used when a title yields no usable name. */
export const MARKDOWN_FALLBACK_FILE_NAME = 'conversation.md'

/** The words of the document's structure, in the UI's language (the store renders them). */
export interface MarkdownLabels {
  you: string
  assistant: string
  reasoning: string
  stopped: string
  interrupted: string
  streaming: string
  noAnswer: string
  error: string
}

/** Options of `formatMarkdown`. */
export interface MarkdownOptions {
  labels: MarkdownLabels
  /** Include each answer's reasoning in a collapsed `<details>` block (default false). */
  includeReasoning?: boolean
}

/** Renders a conversation (messages ordered by seq, user/assistant pairs) as a Markdown document. */
export function formatMarkdown(title: string, messages: readonly ChatMessage[], options: MarkdownOptions): string {
  const { labels } = options
  const blocks: string[] = [`# ${escapeInline(oneLine(title))}`]
  const ordered = [...messages].sort((a, b) => a.seq - b.seq)
  for (let i = 0; i < ordered.length; i++) {
    const message = ordered[i] as ChatMessage
    if (message.role === 'user') {
      blocks.push(`## ${labels.you} · ${stamp(message.createdAt)}`, fence(questionText(message)))
      const next = ordered[i + 1]
      if (next?.role === 'assistant') continue
      // A question with nothing after it (the answer was never saved) still says so.
      blocks.push(`## ${labels.assistant} · ${stamp(message.createdAt)}`, `> *${labels.noAnswer}*`)
      continue
    }
    blocks.push(`## ${labels.assistant} · ${stamp(message.createdAt)}`, ...answerBlocks(message, options))
  }
  return `${blocks.join('\n\n')}\n`
}

function answerBlocks(answer: ChatMessage, { labels, includeReasoning }: MarkdownOptions): string[] {
  const out: string[] = []
  if (includeReasoning && answer.reasoning.trim() !== '') {
    out.push(`<details>\n<summary>${escapeHtml(labels.reasoning)}</summary>`, fence(answer.reasoning), '</details>')
  }
  const content = closeOpenFence(answer.content.replace(/\s+$/, ''))
  if (content !== '') out.push(content)
  switch (answer.status) {
    case 'done':
      break
    case 'error': {
      const message = escapeInline(oneLine(answer.error?.message ?? ''))
      out.push(`> **${labels.error}**${message === '' ? '' : ` ${message}`}`)
      break
    }
    case 'stopped':
    case 'interrupted':
    case 'streaming':
      out.push(`> *${labels[answer.status]}*`)
      break
  }
  return out
}

function stamp(epochMs: number): string {
  return formatTimestamp(Number.isFinite(epochMs) ? epochMs : 0)
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

/** A fenced `text` block showing `text` verbatim: the fence is longer than any backtick run inside. */
function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(Math.max(3, longest + 1))
  return `${ticks}text\n${text.replace(/\r\n?/g, '\n')}\n${ticks}`
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/

/** Appends the closing fence of a code block the text leaves open, so nothing after it is swallowed. */
function closeOpenFence(text: string): string {
  let open: string | null = null
  for (const line of text.split('\n')) {
    const match = FENCE_LINE.exec(line)
    if (!match) continue
    const marker = match[1] as string
    const rest = (match[2] as string).trim()
    if (open === null) {
      // A backtick fence's info string may not contain backticks (CommonMark); then it is no fence.
      if (!(marker[0] === '`' && rest.includes('`'))) open = marker
    } else if (marker[0] === open[0] && marker.length >= open.length && rest === '') {
      open = null
    }
  }
  return open === null ? text : `${text}\n${open}`
}

/** Backslash-escapes every ASCII punctuation character Markdown could read as structure. */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~<>&]/g, '\\$&')
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * A download name for a conversation's Markdown: the title without characters file systems refuse
 * (`/ \ : * ? " < > |`, control characters), without leading dots (hidden files, `..`) or trailing
 * dots and spaces (Windows drops them), at most 80 characters, plus `.md`; `conversation.md` when
 * nothing usable is left.
 */
export function markdownFileName(title: string): string {
  return safeFileName(title, 'md', MARKDOWN_FALLBACK_FILE_NAME)
}
