/** What every importer returns and throws, plus the small helpers they share. */
import { importErrorText } from '../errorText'
import type { ChatMessage, Conversation, GenerationParams, Settings } from '../types'
import { ImportError, type Expected, type ImportErrorKind, type ImportFormat, type ImportProblem, type ImportSource } from './errors'

export { ImportError } from './errors'
export type { Expected, ImportErrorKind, ImportFormat, ImportProblem, ImportSource } from './errors'
export { SOURCE_NAMES } from '../errorText'

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

/** A file that cannot be imported, with the details its text is made of (see `../errorText.ts`). */
export function importError(kind: ImportErrorKind, problem: ImportProblem): ImportError {
  return new ImportError(kind, problem, importErrorText({ problem }))
}

/** "expected …, got …" at a JSON path of a file in `format`. */
export function expectedAt(format: ImportFormat, path: string, expected: Expected, got: unknown): ImportError {
  return importError('invalid', { problem: 'expected', format, path, expected, got })
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

/**
 * Parses JSON; on failure, an ImportError that names the line and column of the first thing that
 * is not JSON, or says the file is truncated when the text ends before its value does. The
 * position comes from scanning the text ourselves: engines word and place their errors differently.
 */
export function parseJson(text: string, format: ImportFormat): Json {
  try {
    return JSON.parse(text) as Json
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    const at = jsonErrorOffset(text)
    if (at !== undefined && at >= text.trimEnd().length) {
      throw importError('syntax', { problem: 'json-truncated', format, line: text.split('\n').length, detail })
    }
    if (at === undefined) throw importError('syntax', { problem: 'json-invalid', format, detail })
    const before = text.slice(0, at)
    const line = before.split('\n').length
    const column = before.length - before.lastIndexOf('\n')
    throw importError('syntax', { problem: 'json-invalid', format, line, column, detail })
  }
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
/** The start of a number that more text could still complete (`-`, `1.`, `2e+`). */
const JSON_NUMBER_PREFIX = /-?(?:(?:0|[1-9]\d*)(?:\.(?:\d+(?:[eE][+-]?\d*)?)?|[eE][+-]?\d*)?)?/y
const JSON_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y

/**
 * The offset of the first character where `text` stops being JSON (RFC 8259), `text.length` if it
 * ends while a value is still open, or `undefined` if it is valid JSON. Iterative, so deeply nested
 * input cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const n = text.length
  let i = 0
  const open: ('{' | '[')[] = []
  const skipSpace = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++
  }
  /** Reads a string at `i` (a `"`); false leaves `i` at the offending character. */
  const readString = (): boolean => {
    i++
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return true
      }
      if (c < 0x20) return false
      if (c === 0x5c) {
        JSON_ESCAPE.lastIndex = i
        if (JSON_ESCAPE.exec(text)) {
          i = JSON_ESCAPE.lastIndex
          continue
        }
        // A cut-off escape is the end of the text, not a bad character.
        const rest = text.slice(i, i + 6)
        if (i + rest.length >= n && /^\\(u[0-9a-fA-F]{0,3})?$/.test(rest)) i = n
        else i++
        return false
      }
      i++
    }
    return false
  }
  /** Reads one scalar, or opens a container; false leaves `i` at the offending character. */
  const readValue = (): boolean => {
    skipSpace()
    if (i >= n) return false
    const c = text[i]
    if (c === '{' || c === '[') {
      open.push(c)
      i++
      return true
    }
    if (c === '"') return readString()
    for (const word of ['true', 'false', 'null']) {
      if (c !== word[0]) continue
      let k = 0
      while (k < word.length && i + k < n && text[i + k] === word[k]) k++
      i += k
      return k === word.length
    }
    JSON_NUMBER.lastIndex = i
    const strict = JSON_NUMBER.exec(text) ? JSON_NUMBER.lastIndex : i
    // A number cut off by the end of the text (`1.`, `2e`, `-`) means truncated, not malformed.
    JSON_NUMBER_PREFIX.lastIndex = i
    const prefix = JSON_NUMBER_PREFIX.exec(text) ? JSON_NUMBER_PREFIX.lastIndex : i
    if (prefix === n && strict < n) {
      i = n
      return false
    }
    // `1.` and `-0` are fine so far: what breaks the number is the character after them.
    if (strict < prefix || strict === i) {
      i = prefix
      return false
    }
    i = strict
    return true
  }

  // After each value: close containers, or expect `,` (and in an object `"key":`) and the next value.
  if (!readValue()) return i
  /** A container was just opened, so it may close at once and needs no comma first. */
  let first = open.length > 0
  for (;;) {
    const top = open[open.length - 1]
    skipSpace()
    if (top === undefined) return i < n ? i : undefined
    if (i >= n) return n
    if (text[i] === (top === '{' ? '}' : ']')) {
      open.pop()
      i++
      first = false
      continue
    }
    if (!first) {
      if (text[i] !== ',') return i
      i++
      skipSpace()
      if (i >= n) return n
    }
    if (top === '{') {
      if (text[i] !== '"' || !readString()) return i
      skipSpace()
      if (i >= n) return n
      if (text[i] !== ':') return i
      i++
    }
    const depth = open.length
    if (!readValue()) return i
    first = open.length > depth
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
  format: ImportFormat,
  counts: Record<string, number>,
): string {
  if (typeof value === 'string') return value
  if (!Array.isArray(value)) throw expectedAt(format, path, { type: 'message-text' }, value)
  const parts: string[] = []
  value.forEach((part, i) => {
    const partPath = pathOf(path, i)
    if (!isObject(part)) throw expectedAt(format, partPath, { type: 'content-part' }, part)
    if (part.type === 'text' || (part.type === undefined && typeof part.text === 'string')) {
      if (typeof part.text !== 'string') throw expectedAt(format, pathOf(partPath, 'text'), { type: 'string' }, part.text)
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
