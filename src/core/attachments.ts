import type { Attachment, ChatMessage } from './types'
import { newId } from './id'

/** Pasted text longer than this becomes an attachment chip instead of filling the composer. */
export const PASTE_ATTACHMENT_CHARS = 2500

/** The largest attachment we accept (characters): far more than any model's context, so never a real limit. */
export const MAX_ATTACHMENT_CHARS = 5_000_000

/** File names we read as text; browsers give many of them no MIME type, so the name decides too. */
const TEXT_EXTENSIONS = new Set(
  (
    'txt md markdown mdx rst json jsonl ndjson csv tsv log xml yaml yml toml ini cfg conf env ' +
    'ts tsx js jsx mjs cjs vue svelte py ipynb java kt kts swift c h cc cpp hpp cs go rs rb php pl lua r ' +
    'sh bash zsh fish ps1 bat sql html htm css scss sass less tex bib srt vtt diff patch gitignore dockerfile makefile'
  ).split(' '),
)

/** Whether a chosen file is one we attach as text (by MIME type, else by its extension). */
export function isTextFile(name: string, type: string): boolean {
  if (type.startsWith('text/') || type === 'application/json' || type === 'application/xml') return true
  const lower = name.toLowerCase()
  const dot = lower.lastIndexOf('.')
  const ext = dot >= 0 ? lower.slice(dot + 1) : lower
  return TEXT_EXTENSIONS.has(ext)
}

/** A file whose text holds NUL characters or mostly undecodable bytes is binary, whatever its name says. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192)
  if (sample.includes('\u0000')) return true
  let bad = 0
  for (const ch of sample) if (ch === '\uFFFD') bad++
  return sample.length > 0 && bad / sample.length > 0.1
}

export function newAttachment(name: string, text: string, source: Attachment['source']): Attachment {
  return { id: newId(), name, text, source }
}

/** A name for the n-th pasted text of a question (1-based). */
export function pasteName(n: number): string {
  return `pasted-${n}.txt`
}

/** A fence longer than any backtick run inside the text, so the attachment can never close it early. */
function fenceFor(text: string): string {
  let longest = 0
  for (const run of text.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length)
  return '`'.repeat(Math.max(3, longest + 1))
}

/** One attachment as the model (and conversation.txt) reads it: its name, then its text in a fence. */
export function formatAttachment(attachment: Pick<Attachment, 'name' | 'text'>): string {
  const fence = fenceFor(attachment.text)
  const body = attachment.text.endsWith('\n') ? attachment.text : `${attachment.text}\n`
  return `Attachment: ${attachment.name}\n${fence}\n${body}${fence}`
}

/** The whole question as sent: what the user typed, then each attachment's text. */
export function questionText(message: Pick<ChatMessage, 'content' | 'attachments'>): string {
  const parts = message.content === '' ? [] : [message.content]
  for (const attachment of message.attachments ?? []) parts.push(formatAttachment(attachment))
  return parts.join('\n\n')
}

/** Characters of an attachment shown in a chip's one-line preview. */
export function attachmentSummary(attachment: Pick<Attachment, 'text'>): { chars: number; lines: number } {
  let lines = 1
  for (let i = attachment.text.indexOf('\n'); i >= 0; i = attachment.text.indexOf('\n', i + 1)) lines++
  return { chars: attachment.text.length, lines }
}
