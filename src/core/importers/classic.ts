/** Imports a classic `conversation.txt` (the old Python script's log, or our own export) as one conversation. */
import { titleFromQuestion } from '../conversation'
import { parseTranscript, type TranscriptTurn } from '../transcript'
import { TranscriptError } from '../transcriptError'
import type { ChatMessage, MessageError } from '../types'
import { digest, importError, type ImportResult } from './common'

/**
 * Reads a classic `conversation.txt` into ONE conversation: title from the first question, created
 * at the first question's time, one user and one assistant message per turn. The conversation id
 * is derived from the file's text, so importing the same file twice finds the same conversation.
 * Throws an ImportError naming the line of malformed input.
 */
export function importClassicTranscript(text: string): ImportResult {
  let turns: TranscriptTurn[]
  try {
    turns = parseTranscript(text)
  } catch (error) {
    if (error instanceof TranscriptError) throw importError('invalid', { problem: 'transcript', line: error.line, transcript: error.problem })
    throw error
  }
  const first = turns[0]
  if (!first) throw importError('empty', { problem: 'no-turns' })

  const conversationId = `txt-${digest(text.replace(/\r\n/g, '\n'))}`
  const messages: ChatMessage[] = []
  for (const turn of turns) {
    const seq = messages.length
    const at = turn.askedAt
    messages.push({
      id: `${conversationId}-${seq}`,
      conversationId,
      seq,
      role: 'user',
      content: turn.question,
      reasoning: '',
      status: 'done',
      createdAt: at,
      updatedAt: at,
    })
    const answer: ChatMessage = {
      id: `${conversationId}-${seq + 1}`,
      conversationId,
      seq: seq + 1,
      role: 'assistant',
      content: turn.answer,
      reasoning: turn.reasoning,
      status: turn.status,
      createdAt: at,
      updatedAt: at,
    }
    if (turn.status === 'error') answer.error = classicError(turn.error ?? '')
    messages.push(answer)
  }
  const updatedAt = Math.max(...turns.map((t) => t.askedAt))
  return {
    source: 'classic-txt',
    conversations: [
      {
        conversation: { id: conversationId, title: titleFromQuestion(first.question), createdAt: first.askedAt, updatedAt },
        messages,
      },
    ],
    skipped: [],
  }
}

/**
 * The classic script wrote `str(e)` of a `requests` exception. An HTTP failure reads
 * `402 Client Error: Payment Required for url: …`; everything else was a connection problem.
 */
function classicError(message: string): MessageError {
  const http = /^(\d{3}) (Client|Server) Error\b/.exec(message)
  return http ? { kind: 'http', message, status: Number(http[1]) } : { kind: 'network', message }
}
