/** What every importer returns and throws, plus the small helpers they share. */
import type { ChatMessage, Conversation, GenerationParams, Settings } from '../types'

/** Where a file came from, as detected by `importText`. */
export type ImportSource = 'inkstream-backup' | 'classic-txt' | 'betterchatgpt' | 'nextchat'

/** Human names of the sources, for messages. */
export const SOURCE_NAMES: Record<ImportSource, string> = {
  'inkstream-backup': 'Inkstream backup',
  'classic-txt': 'conversation.txt',
  betterchatgpt: 'BetterChatGPT export',
  nextchat: 'NextChat backup',
}

/** One conversation ready to be written: its metadata and all of its messages (ordered by seq). */
export interface ImportedConversation {
  conversation: Conversation
  messages: ChatMessage[]
}

/** Everything an importer read from one file. Nothing has been written yet. */
export interface ImportResult {
  source: ImportSource
  conversations: ImportedConversation[]
  /** Settings carried by an Inkstream backup (never with an API key; any field may be missing). */
  settings?: Partial<Omit<Settings, 'apiKey' | 'params'>> & { params?: Partial<GenerationParams> }
  /** Things that were read but could not be kept (system prompts, images), for the summary. */
  skipped: string[]
}

/** Why a file could not be imported; the UI shows `message`, which names the line or JSON path. */
export type ImportErrorKind =
  /** Not valid JSON (or not text at all). */
  | 'syntax'
  /** Valid JSON or text, but a field or line is not what the format requires. */
  | 'invalid'
  /** A JSON file of a kind we do not know. */
  | 'unknown-format'
  /** An Inkstream backup written by a newer version. */
  | 'version'
  /** The file holds no conversation at all. */
  | 'empty'

/** A file that cannot be imported. Nothing is written when an importer throws this. */
export class ImportError extends Error {
  /** What went wrong, independent of the wording. */
  readonly kind: ImportErrorKind
  /** `line 12` for text files, a JSON path such as `conversations[2].messages[0].role` for JSON. */
  readonly location: string | undefined

  constructor(kind: ImportErrorKind, message: string, location?: string) {
    super(message)
    this.name = 'ImportError'
    this.kind = kind
    this.location = location
  }
}

/** A JSON value read from a file, before validation. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A JSON object. */
export type JsonObject = { [key: string]: Json }

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Appends a property or index to a JSON path: `a` + `b` → `a.b`, `a` + 0 → `a[0]`. */
export function pathOf(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base === '' ? key : `${base}.${key}`
  return `${base}[${JSON.stringify(key)}]`
}

/** A short description of a JSON value's type, for "expected …, got …" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length > 40 ? `a string ("${value.slice(0, 37)}…")` : `the string ${JSON.stringify(value)}`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

/**
 * Parses JSON, turning the engine's error into an ImportError that names the line and column
 * (engines word these differently; a truncated file is the common case and gets its own wording).
 */
export function parseJson(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    const position = /position (\d+)/.exec(detail)?.[1]
    const atEnd = position !== undefined && Number(position) >= text.trimEnd().length
    if (atEnd || /end of (JSON )?(data|input)|unterminated/i.test(detail)) {
      const line = text.split('\n').length
      throw new ImportError(
        'syntax',
        `${what}, line ${line}: the JSON ends too early, so the file is probably truncated (${detail}). Nothing was imported.`,
        `line ${line}`,
      )
    }
    if (position !== undefined) {
      const before = text.slice(0, Number(position))
      const line = before.split('\n').length
      const column = before.length - before.lastIndexOf('\n')
      throw new ImportError('syntax', `${what}, line ${line} column ${column}: this is not valid JSON (${detail}). Nothing was imported.`, `line ${line}`)
    }
    throw new ImportError('syntax', `${what}: this is not valid JSON (${detail}). Nothing was imported.`)
  }
}

/**
 * A short, stable hex digest of a string (cyrb53). Not cryptographic: it makes ids of imported
 * records deterministic, so importing the same file twice finds the same records instead of copying.
 */
export function digest(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0')
}

/** Counts things that were skipped into a readable list: `['2 system prompts', '1 image']`. */
export function countSkipped(counts: Record<string, number>): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${n === 1 ? what : `${what}s`}`)
}

/**
 * The text of a message content that is either a string or an OpenAI-style list of parts
 * (`{ type: 'text', text }`, `{ type: 'image_url', image_url }`). Images cannot be kept: each one
 * becomes an `[image]` line and is counted.
 */
export function contentText(
  value: Json | undefined,
  path: string,
  what: string,
  counts: Record<string, number>,
): string {
  if (typeof value === 'string') return value
  if (!Array.isArray(value)) {
    throw new ImportError('invalid', `${what}, ${path}: expected the message text (a string or a list of parts), got ${describeValue(value)}. Nothing was imported.`, path)
  }
  const parts: string[] = []
  value.forEach((part, i) => {
    const partPath = pathOf(path, i)
    if (!isObject(part)) {
      throw new ImportError('invalid', `${what}, ${partPath}: expected a content part object, got ${describeValue(part)}. Nothing was imported.`, partPath)
    }
    if (part.type === 'text' || (part.type === undefined && typeof part.text === 'string')) {
      if (typeof part.text !== 'string') {
        throw new ImportError('invalid', `${what}, ${pathOf(partPath, 'text')}: expected a string, got ${describeValue(part.text)}. Nothing was imported.`, pathOf(partPath, 'text'))
      }
      parts.push(part.text)
    } else if (part.type === 'image_url') {
      counts.image = (counts.image ?? 0) + 1
      parts.push('[image]')
    } else {
      counts['unsupported content part'] = (counts['unsupported content part'] ?? 0) + 1
    }
  })
  return parts.join('\n')
}
