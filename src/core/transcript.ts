/**
 * The classic `conversation.txt` format, byte-compatible with the old Python script that appended
 * every turn to that file, so its logs and our exports concatenate into one readable file.
 *
 * One turn (TS is the local time the question was sent, `YYYY-MM-DD HH:MM:SS`):
 *
 *     \n[TS] Question:\n{question}\n\n[TS] Answer:\n{body}
 *
 * where {body} is, by the answer's status (`{answer}\n` only when the answer is non-empty, except
 * for `done`, which is always `{answer}\n` exactly as the classic script wrote it):
 *
 *     done         {answer}\n----------------------------------------\n
 *     stopped      {answer}\n[stopped by user]\n-----…\n
 *     interrupted  {answer}\n[interrupted: the connection ended before the answer was complete]\n-----…\n
 *     streaming    {answer}\n[incomplete: the answer was still being written]\n-----…\n
 *     error        {answer}\n请求错误: {message}\n          (no dashes line, as the classic script)
 *     no answer    [no answer]\n-----…\n                   (a question with no answer after it)
 *
 * With `includeReasoning`, a non-empty reasoning text comes first: `[Reasoning]\n{reasoning}\n[/Reasoning]\n`.
 *
 * Text is never rewritten, with one exception that keeps the file unambiguous: a line of a question,
 * answer or reasoning that would read as one of the structural lines above (a header, the dashes, a
 * marker, a `请求错误: ` line), possibly behind backslashes, gets one more leading backslash;
 * `parseTranscript` removes it. Ordinary text is therefore byte-identical to the classic output.
 */
import { transcriptErrorText } from './errorText'
import { questionText } from './attachments'
import { TranscriptError, type TranscriptProblem } from './transcriptError'
import type { ChatMessage, MessageStatus } from './types'

/** The file name the classic script wrote to, and the name of our download. */
export const TRANSCRIPT_FILE_NAME = 'conversation.txt'

/** Options of `formatTranscript`. */
export interface TranscriptOptions {
  /** Include each answer's reasoning text in a `[Reasoning]` block (default false). */
  includeReasoning?: boolean
}

/** One question and its answer as read back from a transcript. */
export interface TranscriptTurn {
  question: string
  answer: string
  /** `interrupted` also stands for a `[no answer]` turn, which has an empty answer. */
  status: MessageStatus
  /** The error text, present only when `status` is `error`. */
  error?: string
  /** Epoch milliseconds of the local time in the headers. */
  askedAt: number
  /** Reasoning text, `''` when the transcript had none. */
  reasoning: string
}

const DASHES = '-'.repeat(40)
const ERROR_PREFIX = '请求错误: '
const REASONING_OPEN = '[Reasoning]'
const REASONING_CLOSE = '[/Reasoning]'
const NO_ANSWER = '[no answer]'
const STATUS_MARKERS = {
  stopped: '[stopped by user]',
  interrupted: '[interrupted: the connection ended before the answer was complete]',
  streaming: '[incomplete: the answer was still being written]',
} as const satisfies Partial<Record<MessageStatus, string>>
const MARKER_STATUS = new Map<string, MessageStatus>(
  Object.entries(STATUS_MARKERS).map(([status, marker]) => [marker, status as MessageStatus]),
)
const HEADER = /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\] (Question|Answer):$/

/** Formats epoch milliseconds as local time `YYYY-MM-DD HH:MM:SS`, like the classic script's `strftime`. */
export function formatTimestamp(epochMs: number): string {
  const d = new Date(epochMs)
  if (Number.isNaN(d.getTime())) throw new RangeError(`Invalid timestamp: ${epochMs}`)
  const p = (n: number, width = 2): string => String(n).padStart(width, '0')
  return (
    `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  )
}

/** Renders messages (user/assistant pairs, ordered by seq) in the classic `conversation.txt` format. */
export function formatTranscript(messages: readonly ChatMessage[], options: TranscriptOptions = {}): string {
  const ordered = [...messages].sort((a, b) => a.seq - b.seq)
  let out = ''
  for (let i = 0; i < ordered.length; i++) {
    const message = ordered[i] as ChatMessage
    let question: ChatMessage | undefined
    let answer: ChatMessage | undefined
    if (message.role === 'user') {
      question = message
      const next = ordered[i + 1]
      if (next?.role === 'assistant') {
        answer = next
        i++
      }
    } else {
      // An answer without its question (should not happen) is still exported, never dropped.
      answer = message
    }
    out += formatTurn(question, answer, options)
  }
  return out
}

function formatTurn(question: ChatMessage | undefined, answer: ChatMessage | undefined, options: TranscriptOptions): string {
  const askedAt = question?.createdAt ?? answer?.createdAt ?? 0
  const ts = formatTimestamp(Number.isFinite(askedAt) ? askedAt : 0)
  let out = `\n[${ts}] Question:\n${escapeText(question ? questionText(question) : '')}\n\n[${ts}] Answer:\n`
  if (!answer) return `${out}${NO_ANSWER}\n${DASHES}\n`

  if (options.includeReasoning && answer.reasoning !== '') {
    out += `${REASONING_OPEN}\n${escapeText(answer.reasoning)}\n${REASONING_CLOSE}\n`
  }
  const text = escapeText(answer.content)
  switch (answer.status) {
    case 'done':
      return `${out}${text}\n${DASHES}\n`
    case 'error': {
      // One line, so a multi-line server message cannot imitate the next turn's header.
      const message = (answer.error?.message ?? 'unknown error').replace(/\s*[\r\n]+\s*/g, ' ')
      return `${out}${withNewline(text)}${ERROR_PREFIX}${message}\n`
    }
    default:
      return `${out}${withNewline(text)}${STATUS_MARKERS[answer.status]}\n${DASHES}\n`
  }
}

function withNewline(text: string): string {
  return text === '' ? '' : `${text}\n`
}

function isStructural(line: string): boolean {
  return (
    HEADER.test(line) ||
    line === DASHES ||
    line === REASONING_OPEN ||
    line === REASONING_CLOSE ||
    line === NO_ANSWER ||
    MARKER_STATUS.has(line) ||
    line.startsWith(ERROR_PREFIX)
  )
}

function escapeLine(line: string): string {
  const backslashes = /^\\*/.exec(line)?.[0].length ?? 0
  return isStructural(line.slice(backslashes)) ? `\\${line}` : line
}

function unescapeLine(line: string): string {
  const backslashes = /^\\*/.exec(line)?.[0].length ?? 0
  return backslashes > 0 && isStructural(line.slice(backslashes)) ? line.slice(1) : line
}

function escapeText(text: string): string {
  return text.split('\n').map(escapeLine).join('\n')
}

function joinContent(lines: readonly string[]): string {
  return lines.map(unescapeLine).join('\n')
}

function headerOf(line: string): { kind: 'Question' | 'Answer'; time: number } | undefined {
  const m = HEADER.exec(line)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, kind] = m
  const time = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime()
  return { kind: kind as 'Question' | 'Answer', time }
}

/**
 * Reads a `conversation.txt` back into turns: our own output (markers, reasoning, escapes) and the
 * classic script's, including several sessions appended to one file. Throws a TranscriptError
 * (its `line` and `problem` as fields) on malformed input. Lenient where the classic script could leave odd but honest files: an
 * answer cut off by the end of the file (or by a new session's header) is `interrupted`, a
 * multi-line `请求错误: ` message is kept whole, and a `请求错误: ` written straight after a partial
 * answer on the same line (a connection that broke mid-answer) splits into that answer and its error.
 */
export function parseTranscript(text: string): TranscriptTurn[] {
  let source = text.startsWith('\uFEFF') ? text.slice(1) : text
  // A classic log saved by Python on Windows has CRLF line ends; our headers never end in CR.
  if (/^\[[^\]\n]*\] Question:(\r?)$/m.exec(source)?.[1] === '\r') source = source.replace(/\r\n/g, '\n')
  const lines = source.split('\n')
  const turns: TranscriptTurn[] = []
  const fail = (index: number, problem: TranscriptProblem): never => {
    throw new TranscriptError(index + 1, problem, transcriptErrorText(index + 1, problem))
  }
  // Content lines that look like headers are escaped on export, so any bare Question header starts a
  // turn, even straight after text (the classic script appended a new session after a killed one).
  const startsTurn = (index: number): boolean => headerOf(lines[index] ?? '')?.kind === 'Question'

  let i = 0
  while (i < lines.length) {
    const line = lines[i] as string
    if (line === '') {
      i++
      continue
    }
    const header = headerOf(line)
    if (header?.kind === 'Answer') fail(i, 'answer-without-question')
    if (header?.kind !== 'Question') fail(i, 'expected-question')
    const questionLine = i
    const askedAt = (header as { time: number }).time

    // Question: everything up to the Answer header; the format puts one blank line before it.
    i++
    const questionStart = i
    while (i < lines.length && headerOf(lines[i] as string)?.kind !== 'Answer') {
      if (headerOf(lines[i] as string)?.kind === 'Question') {
        fail(questionLine, 'question-without-answer')
      }
      i++
    }
    if (i >= lines.length) fail(questionLine, 'question-without-answer')
    const questionLines = lines.slice(questionStart, i)
    if (questionLines.length > 0 && questionLines[questionLines.length - 1] === '') questionLines.pop()
    const question = joinContent(questionLines)
    i++

    let reasoning = ''
    if (lines[i] === REASONING_OPEN) {
      const open = i
      i++
      const start = i
      while (i < lines.length && lines[i] !== REASONING_CLOSE) i++
      if (i >= lines.length) fail(open, 'reasoning-unclosed')
      reasoning = joinContent(lines.slice(start, i))
      i++
    }

    // Answer body: up to the dashes, an error line, or (leniently) the end or a new session.
    const bodyStart = i
    let turn: TranscriptTurn | undefined
    while (i < lines.length) {
      const current = lines[i] as string
      if (current === DASHES) {
        turn = { question, ...closedAnswer(lines.slice(bodyStart, i)), askedAt, reasoning }
        i++
        break
      }
      if (current.startsWith(ERROR_PREFIX)) {
        const answer = joinContent(lines.slice(bodyStart, i))
        const messageLines = [current.slice(ERROR_PREFIX.length)]
        i++
        while (i < lines.length && !startsTurn(i) && lines[i] !== DASHES) {
          messageLines.push(lines[i] as string)
          i++
        }
        while (messageLines.length > 1 && messageLines[messageLines.length - 1] === '') messageLines.pop()
        if (lines[i] === DASHES) i++
        turn = { question, answer, status: 'error', error: messageLines.join('\n'), askedAt, reasoning }
        break
      }
      if (headerOf(current)?.kind === 'Answer') fail(i, 'answer-without-question')
      if (startsTurn(i)) break
      i++
    }
    if (!turn) {
      const body = lines.slice(bodyStart, i)
      if (i < lines.length && body[body.length - 1] === '') body.pop()
      turn = inlineError(body, question, askedAt, reasoning) ?? {
        // Cut off without a closing line: the classic script was killed mid-answer.
        question,
        answer: joinContent(body),
        status: 'interrupted',
        askedAt,
        reasoning,
      }
    }
    turns.push(turn)
  }
  return turns
}

/**
 * A body that ended without a closing line, whose last text line is `…text请求错误: message`: the
 * classic script wrote its error straight after the part of the answer that had arrived, with no
 * line break, when a connection broke mid-answer. Our own export always puts the error on its own
 * line and ends every other status with dashes, so this only ever matches classic logs.
 */
function inlineError(body: string[], question: string, askedAt: number, reasoning: string): TranscriptTurn | undefined {
  let last = body.length - 1
  while (last >= 0 && body[last] === '') last--
  const line = body[last]
  const at = line?.indexOf(ERROR_PREFIX) ?? -1
  if (line === undefined || at <= 0) return undefined
  const answer = joinContent([...body.slice(0, last), line.slice(0, at)])
  return { question, answer, status: 'error', error: line.slice(at + ERROR_PREFIX.length), askedAt, reasoning }
}

/** The answer text and status of a body that ended with the dashes line. */
function closedAnswer(body: string[]): { answer: string; status: MessageStatus } {
  const last = body[body.length - 1]
  const marked = last === undefined ? undefined : last === NO_ANSWER ? 'interrupted' : MARKER_STATUS.get(last)
  if (marked) body.pop()
  return { answer: joinContent(body), status: marked ?? 'done' }
}
