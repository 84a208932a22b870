/**
 * Public surface of the importers: `importText` recognises a file and hands it to the right one.
 * Every importer is `(text or parsed JSON) → ImportResult`, or throws an ImportError naming the line
 * (text) or JSON path (JSON) of the first problem. None of them writes anything.
 */
import { isInkstreamBackup, readBackup } from './inkstream'
import { importBetterChatGpt, isBetterChatGptExport } from './betterchatgpt'
import { importClassicTranscript } from './classic'
import { countText, renderTexts, sourceWithArticle } from '../errorText'
import type { Text } from '../../locales'
import { importError, isObject, parseJson, type ImportError, type ImportResult, type ImportSource } from './common'
import { importNextChat, isNextChatBackup } from './nextchat'
import type { ImportSummary } from '../persistence'

export { ImportError, SOURCE_NAMES } from './common'
export type { Expected, ImportErrorKind, ImportFormat, ImportProblem, ImportResult, ImportSource, ImportedConversation } from './common'
export { importClassicTranscript } from './classic'
export { importBetterChatGpt } from './betterchatgpt'
export { importNextChat, parseLocaleDate } from './nextchat'

/** Options of `importText`. */
export interface ImportTextOptions {
  /** Accept only this kind of file (the "restore backup" button accepts only Inkstream backups). */
  only?: ImportSource
  /** The time given to records of formats without timestamps (BetterChatGPT); default `Date.now()`. */
  now?: number
}

/**
 * Detects what `text` is — an Inkstream backup, a BetterChatGPT export, a NextChat backup (all
 * JSON) or a classic `conversation.txt` (anything else) — and converts it without writing anything.
 */
export function importText(text: string, options: ImportTextOptions = {}): ImportResult {
  const now = options.now ?? Date.now()
  // A string's length in UTF-16 units is at most its UTF-8 size, and close to it for most text.
  checkImportBytes(text.length)
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  if (source.trim() === '') throw importError('empty', { problem: 'empty-file' })
  if (/\u0000/.test(source.slice(0, 4096))) throw importError('syntax', { problem: 'binary' })

  // A transcript also starts with `[` (its first header), so only a `[` that does not open a
  // `[YYYY-MM-DD HH:MM:SS] …` header is taken for JSON.
  const looksJson = /^\s*(\{|\[(?!\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\]))/.test(source)
  if (!looksJson) {
    if (options.only !== undefined && options.only !== 'classic-txt') throw wrongKind(options.only, 'classic-txt')
    return importClassicTranscript(source)
  }

  const value = parseJson(source, options.only ?? 'json')
  let detected: ImportSource
  if (isInkstreamBackup(value)) detected = 'inkstream-backup'
  else if (isNextChatBackup(value)) detected = 'nextchat'
  else if (isBetterChatGptExport(value)) detected = 'betterchatgpt'
  else {
    const shape = isObject(value) ? 'object' : Array.isArray(value) ? 'list' : 'other'
    throw importError('unknown-format', { problem: 'unknown-json', shape, keys: isObject(value) ? Object.keys(value).slice(0, 6) : [] })
  }
  if (options.only !== undefined && options.only !== detected) throw wrongKind(options.only, detected)

  let result: ImportResult
  switch (detected) {
    case 'inkstream-backup':
      result = readBackup(value)
      break
    case 'nextchat':
      result = importNextChat(value, now)
      break
    default:
      result = importBetterChatGpt(value, now)
  }
  if (result.conversations.length === 0) {
    throw importError('empty', { problem: 'no-conversations', source: detected, skipped: result.skipped })
  }
  return checkImportSize(result)
}

/** The largest file one import reads (bytes); a bigger one is refused before it is read. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024
/** The most conversations one import writes (one transaction, all or nothing). */
export const MAX_IMPORT_CONVERSATIONS = 20_000
/** The most messages one import writes. */
export const MAX_IMPORT_MESSAGES = 400_000

/** Refuses a file bigger than MAX_IMPORT_BYTES, before its text is read. */
export function checkImportBytes(bytes: number): void {
  if (bytes > MAX_IMPORT_BYTES) {
    throw importError('too-large', { problem: 'too-large', what: 'megabytes', count: Math.ceil(bytes / (1024 * 1024)), limit: MAX_IMPORT_BYTES / (1024 * 1024) })
  }
}

/**
 * Refuses a result with more conversations or messages than one import writes: the whole file is
 * refused with the numbers (never a first part of it), so a too-large import cannot half-land.
 */
function checkImportSize(result: ImportResult): ImportResult {
  const conversations = result.conversations.length
  if (conversations > MAX_IMPORT_CONVERSATIONS) {
    throw importError('too-large', { problem: 'too-large', what: 'conversations', count: conversations, limit: MAX_IMPORT_CONVERSATIONS })
  }
  const messages = result.conversations.reduce((n, c) => n + c.messages.length, 0)
  if (messages > MAX_IMPORT_MESSAGES) {
    throw importError('too-large', { problem: 'too-large', what: 'messages', count: messages, limit: MAX_IMPORT_MESSAGES })
  }
  return result
}

function wrongKind(wanted: ImportSource, found: ImportSource): ImportError {
  return importError('unknown-format', { problem: 'wrong-kind', wanted, found })
}


/** The summary shown after an import, as text to render: "Imported 3 conversations, 41 messages from …". */
export function describeImportTexts(result: ImportResult, written: ImportSummary): Text[] {
  const messages = result.conversations.reduce((n, c) => n + c.messages.length, 0)
  const parts: Text[] = [
    {
      key: 'data.notice.imported',
      params: { conversations: countText(result.conversations.length, 'conversation'), messages: countText(messages, 'message'), source: sourceWithArticle(result.source) },
    },
  ]
  const existing = written.mergedConversations + written.unchangedConversations
  if (existing > 0) {
    const who: Text =
      existing === result.conversations.length
        ? { key: existing === 1 ? 'data.notice.itWas' : 'data.notice.allWere' }
        : { key: existing === 1 ? 'data.notice.oneOfThemWas' : 'data.notice.someOfThemWere', params: { n: existing } }
    parts.push(
      written.addedMessages + written.updatedMessages === 0 && written.mergedConversations === 0
        ? { key: 'data.notice.allHere', params: { who } }
        : { key: 'data.notice.someHere', params: { who, added: countText(written.addedMessages, 'message'), updated: countText(written.updatedMessages, 'message') } },
    )
  }
  if (result.skipped.length > 0) parts.push({ key: 'data.notice.skipped', params: { skipped: result.skipped.join(', ') } })
  if (written.settingsRestored) parts.push({ key: 'data.notice.settingsRestored' })
  return parts
}

/** The same, in English. */
export function describeImport(result: ImportResult, written: ImportSummary): string {
  return renderTexts('en', describeImportTexts(result, written))
}
