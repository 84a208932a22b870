/**
 * Public surface of the importers: `importText` recognises a file and hands it to the right one.
 * Every importer is `(text or parsed JSON) → ImportResult`, or throws an ImportError naming the line
 * (text) or JSON path (JSON) of the first problem. None of them writes anything.
 */
import { isInkstreamBackup, readBackup } from './inkstream'
import { importBetterChatGpt, isBetterChatGptExport } from './betterchatgpt'
import { importClassicTranscript } from './classic'
import { SOURCE_ARTICLES, SOURCE_NAMES } from '../errorText'
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
  return result
}

function wrongKind(wanted: ImportSource, found: ImportSource): ImportError {
  return importError('unknown-format', { problem: 'wrong-kind', wanted, found })
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** The plain-text summary shown after an import: "Imported 3 conversations, 41 messages from …". */
export function describeImport(result: ImportResult, written: ImportSummary): string {
  const messages = result.conversations.reduce((n, c) => n + c.messages.length, 0)
  let text = `Imported ${count(result.conversations.length, 'conversation')}, ${count(messages, 'message')} from ${SOURCE_ARTICLES[result.source]} ${SOURCE_NAMES[result.source]}.`
  const existing = written.mergedConversations + written.unchangedConversations
  if (existing > 0) {
    const who =
      existing === result.conversations.length
        ? existing === 1 ? 'It was' : 'All of them were'
        : `${existing} of them ${existing === 1 ? 'was' : 'were'}`
    text +=
      written.addedMessages + written.updatedMessages === 0 && written.mergedConversations === 0
        ? ` ${who} already here, and nothing changed.`
        : ` ${who} already here: ${count(written.addedMessages, 'message')} new, ${count(written.updatedMessages, 'message')} newer than the stored copy; nothing stored was removed.`
  }
  if (result.skipped.length > 0) text += ` Not imported: ${result.skipped.join(', ')}.`
  if (written.settingsRestored) text += ' Settings from the backup were applied; the API key is never in a backup, so enter it in Settings.'
  return text
}
