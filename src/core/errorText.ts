/**
 * Every text the UI shows for a storage or import failure, in tables keyed by kind, with the
 * error's fields as parameters. Stores choose a text here from an error's kind and fields, never by
 * reading its `message` (which carries the same text, for logs and for callers not yet switched).
 * Pure and framework-free, so a translation layer can later replace or feed these tables.
 */
import { ImportError, type Expected, type ImportFormat, type ImportProblem, type ImportSource } from './importers/errors'
import { PersistenceError, type PersistenceErrorInfo, type PersistenceErrorKind, type StorageEvent } from './persistence/errors'
import type { TranscriptProblem } from './transcriptError'
import { renderText, type MessageKey, type Text } from '../locales'

// ---------------------------------------------------------------------------------------------
// Storage

/** What the app was doing when a write failed; fills the blank in "could not … ". */
export type StorageAction =
  | 'save-answer'
  | 'save-conversation'
  | 'save-message'
  | 'delete-conversation'
  | 'remember-open-conversation'
  | 'keep-draft'
  | 'save'

const ACTION_KEY: Record<StorageAction, MessageKey> = {
  'save-answer': 'storage.action.saveAnswer',
  'save-conversation': 'storage.action.saveConversation',
  'save-message': 'storage.action.saveMessage',
  'delete-conversation': 'storage.action.deleteConversation',
  'remember-open-conversation': 'storage.action.rememberOpen',
  'keep-draft': 'storage.action.keepDraft',
  save: 'storage.action.save',
}

const PERSISTENCE_KEY: Record<Exclude<PersistenceErrorKind, 'closed'>, MessageKey> = {
  unavailable: 'storage.kind.unavailable',
  version: 'storage.kind.version',
  blocked: 'storage.kind.blocked',
  timeout: 'storage.kind.timeout',
  upgrade: 'storage.kind.upgrade',
  failed: 'storage.kind.failed',
  conflict: 'storage.kind.conflict',
  deleted: 'storage.kind.deleted',
  quota: 'storage.kind.quota',
}

const EVENT_KEY: Record<StorageEvent, MessageKey> = {
  versionchange: 'storage.event.versionchange',
  terminated: 'storage.event.terminated',
  blocked: 'storage.event.blocked',
}

/** A PersistenceError as text to render; `action` (default `save`) is what a `quota` error kept from happening. */
export function persistenceErrorTexts(error: PersistenceErrorInfo, action: StorageAction = 'save'): Text {
  if (error.kind === 'closed') {
    const key: MessageKey =
      error.closedBy === 'versionchange'
        ? 'storage.closed.versionchange'
        : error.closedBy === 'terminated'
          ? 'storage.closed.terminated'
          : 'storage.closed.other'
    return { key }
  }
  return {
    key: PERSISTENCE_KEY[error.kind],
    params: { cause: describeCause(error.cause), record: error.recordId ?? '?', action: { key: ACTION_KEY[action] } },
  }
}

/** The text of a PersistenceError in English (its `message`, for logs). */
export function persistenceErrorText(error: PersistenceErrorInfo, action: StorageAction = 'save'): string {
  return renderText('en', persistenceErrorTexts(error, action))
}

/**
 * The banner after a write failed: the PersistenceError's text, the "storage is full" text for an
 * engine's QuotaExceededError that reached us unwrapped, and for anything else what failed and how
 * to keep a copy.
 */
function storageFailureTexts(action: StorageAction, error: unknown): Text {
  if (error instanceof PersistenceError) return persistenceErrorTexts(error, action)
  if (isQuotaExceeded(error)) return persistenceErrorTexts({ kind: 'quota', cause: error }, action)
  return { key: 'storage.writeFailed', params: { action: { key: ACTION_KEY[action] }, cause: describeCause(error) } }
}

/** The same, in English. */
export function storageFailureText(action: StorageAction, error: unknown): string {
  return renderText('en', storageFailureTexts(action, error))
}

/** The chat's storage banner after something happened to the connection (`StorageEvent`), in English. */
export function storageEventText(event: StorageEvent): string {
  return renderText('en', { key: EVENT_KEY[event] })
}

function openFailureTexts(error: unknown): Text {
  const reason: Text | string =
    error instanceof PersistenceError ? persistenceErrorTexts(error) : error instanceof Error ? error.message : String(error)
  return { key: 'storage.openFailed', params: { reason } }
}

/** The chat's storage banner when the history could not be opened at all, in English. */
export function storageOpenFailureText(error: unknown): string {
  return renderText('en', openFailureTexts(error))
}

/** A storage problem as the chat's banner reports it. */
export type StorageProblem =
  | { kind: 'write'; action: StorageAction; error: unknown }
  | { kind: 'event'; event: StorageEvent }
  | { kind: 'unavailable'; error: unknown }
  /** A conversation this tab was answering was deleted in another one. */
  | { kind: 'deleted-elsewhere'; title: string }

/** The banner for a storage problem, as text to render in the UI's language. */
export function storageProblemTexts(problem: StorageProblem): Text {
  switch (problem.kind) {
    case 'write':
      return storageFailureTexts(problem.action, problem.error)
    case 'event':
      return { key: EVENT_KEY[problem.event] }
    case 'unavailable':
      return openFailureTexts(problem.error)
    case 'deleted-elsewhere':
      return { key: 'storage.deletedElsewhere', params: { title: problem.title } }
  }
}

/** The same, in English. */
export function storageProblemText(problem: StorageProblem): string {
  return renderText('en', storageProblemTexts(problem))
}

/** True for the engine's "storage is full" error, by its DOMException name (never by its wording). */
export function isQuotaExceeded(error: unknown): boolean {
  return (error instanceof DOMException || error instanceof Error) && error.name === 'QuotaExceededError'
}

// ---------------------------------------------------------------------------------------------
// Import

/** Human names of the sources, for messages. */
export const SOURCE_NAMES: Record<ImportSource, string> = {
  'inkstream-backup': 'Inkstream backup',
  'classic-txt': 'conversation.txt',
  betterchatgpt: 'BetterChatGPT export',
  nextchat: 'NextChat backup',
}

const FORMAT_NAMES: Record<ImportFormat, string> = { ...SOURCE_NAMES, json: 'JSON file' }

const TRANSCRIPT_TEXT: Record<TranscriptProblem, string> = {
  'answer-without-question': "an 'Answer:' header without a 'Question:' header before it",
  'expected-question': "expected a '[YYYY-MM-DD HH:MM:SS] Question:' header",
  'question-without-answer': "this 'Question:' header has no 'Answer:' header after it",
  'reasoning-unclosed': "'[Reasoning]' is never closed by '[/Reasoning]'",
}

const EXPECTED_TEXT: Record<Exclude<Expected, { type: 'one-of' | 'literal' }>['type'], string> = {
  string: 'a string',
  'non-empty-string': 'a non-empty string',
  number: 'a number',
  'whole-number': 'a whole number',
  'non-negative-whole-number': 'a whole number ≥ 0',
  boolean: 'true or false',
  object: 'an object',
  'conversation-list': 'a list of conversations',
  'conversation-object': 'a conversation object',
  'message-list': 'a list of messages',
  'message-object': 'a message object',
  'message-text': 'the message text (a string or a list of parts)',
  'content-part': 'a content part object',
  'role-string': 'a role string',
  'chat-list': 'a list of chats',
  'chat-object': 'a chat object',
  chats: 'an object or a list of chats',
  'session-list': 'a list of sessions',
  'session-object': 'a session object',
  id: 'a string or number id',
  'betterchatgpt-version': '1 (the format BetterChatGPT writes)',
}

const NOTHING_IMPORTED = ' Nothing was imported.'

/** The article before a source's name: "an Inkstream backup", "a NextChat backup". */
export const SOURCE_ARTICLES: Record<ImportSource, string> = {
  'inkstream-backup': 'an',
  'classic-txt': 'a',
  betterchatgpt: 'a',
  nextchat: 'a',
}

type ProblemOf<P extends ImportProblem['problem']> = Extract<ImportProblem, { problem: P }>

/** Each problem's text, and whether that text already says that nothing was imported. */
const IMPORT_TEXT: { [P in ImportProblem['problem']]: { text: (p: ProblemOf<P>) => string; saysNothingImported: boolean } } = {
  'empty-file': { text: () => 'The file is empty, so there is nothing to import.', saysNothingImported: true },
  binary: {
    text: () => 'This is not a text file (it contains binary data). Choose a conversation.txt or a JSON backup.',
    saysNothingImported: false,
  },
  'json-truncated': {
    text: (p) =>
      `${FORMAT_NAMES[p.format]}, line ${p.line}: the JSON ends too early, so the file is probably truncated (${p.detail}).${NOTHING_IMPORTED}`,
    saysNothingImported: true,
  },
  'json-invalid': {
    text: (p) =>
      p.line === undefined
        ? `${FORMAT_NAMES[p.format]}: this is not valid JSON (${p.detail}).${NOTHING_IMPORTED}`
        : `${FORMAT_NAMES[p.format]}, line ${p.line} column ${p.column ?? 1}: this is not valid JSON (${p.detail}).${NOTHING_IMPORTED}`,
    saysNothingImported: true,
  },
  'unknown-json': {
    text: (p) =>
      'This JSON file is not an Inkstream backup, a BetterChatGPT export or a NextChat backup' +
      (p.shape === 'object'
        ? ` (its top-level keys are ${p.keys.map((k) => JSON.stringify(k)).join(', ') || 'none'}).`
        : p.shape === 'list'
          ? ' (it is a list, but not of BetterChatGPT chats).'
          : '.') +
      NOTHING_IMPORTED,
    saysNothingImported: true,
  },
  'wrong-kind': {
    text: (p) =>
      `This is ${SOURCE_ARTICLES[p.found]} ${SOURCE_NAMES[p.found]}, not ${SOURCE_ARTICLES[p.wanted]} ${SOURCE_NAMES[p.wanted]}.` +
      (p.wanted === 'inkstream-backup' ? ' Use "Import a file" for conversation.txt, BetterChatGPT and NextChat files.' : '') +
      NOTHING_IMPORTED,
    saysNothingImported: true,
  },
  'no-conversations': {
    text: (p) =>
      `This ${SOURCE_NAMES[p.source]} holds no conversation with messages${p.skipped.length > 0 ? ` (skipped: ${p.skipped.join(', ')})` : ''}, so there is nothing to import.`,
    saysNothingImported: true,
  },
  'no-turns': { text: () => 'conversation.txt holds no question and answer, so there is nothing to import.', saysNothingImported: true },
  transcript: { text: (p) => `${transcriptErrorText(p.line, p.transcript)}.${NOTHING_IMPORTED}`, saysNothingImported: true },
  expected: {
    text: (p) => `${where(p)}: expected ${expectedText(p.expected)}, got ${describeValue(p.got)}.${NOTHING_IMPORTED}`,
    saysNothingImported: true,
  },
  duplicate: {
    text: (p) => `${where(p)}: ${typeof p.value === 'string' ? JSON.stringify(p.value) : p.value} is already used by ${p.usedBy}.${NOTHING_IMPORTED}`,
    saysNothingImported: true,
  },
  'foreign-message': {
    text: (p) =>
      `${where(p)}: says ${describeValue(p.declared)}, but the message sits in conversation ${JSON.stringify(p.conversationId)}.${NOTHING_IMPORTED}`,
    saysNothingImported: true,
  },
  'newer-backup': {
    text: (p) =>
      `${SOURCE_NAMES['inkstream-backup']}, version: this file is version ${p.version}, written by a newer Inkstream; this version reads up to ${p.newest}. Reload the page to update, then import again.${NOTHING_IMPORTED}`,
    saysNothingImported: true,
  },
}

function entry<P extends ImportProblem['problem']>(problem: ProblemOf<P>): { text: (p: ProblemOf<P>) => string; saysNothingImported: boolean } {
  return IMPORT_TEXT[problem.problem as P]
}

/** The text of an ImportError (or of the problem it describes), naming the line or JSON path. */
export function importErrorText(error: Pick<ImportError, 'problem'>): string {
  return entry(error.problem).text(error.problem)
}

/** The text of a malformed conversation.txt, without the "nothing was imported" an import adds. */
export function transcriptErrorText(line: number, problem: TranscriptProblem): string {
  return `conversation.txt line ${line}: ${TRANSCRIPT_TEXT[problem]}`
}

function where(p: { format: ImportFormat; path: string }): string {
  return `${FORMAT_NAMES[p.format]}, ${p.path === '' ? 'the top level' : p.path}`
}

function expectedText(expected: Expected): string {
  if (expected.type === 'one-of') return `one of ${expected.values.map((v) => JSON.stringify(v)).join(', ')}`
  if (expected.type === 'literal') return typeof expected.value === 'string' ? JSON.stringify(expected.value) : String(expected.value)
  return EXPECTED_TEXT[expected.type]
}

/** A short description of a JSON value's type, for "expected …, got …" texts. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length > 40 ? `a string ("${value.slice(0, 37)}…")` : `the string ${JSON.stringify(value)}`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

// ---------------------------------------------------------------------------------------------
// Backup and import actions (Settings → Data)

/** An action of the data panel. */
export type DataAction = 'backup' | 'text' | 'import' | 'persist'

const DATA_FAILURE_TEXT: Record<Exclude<DataAction, 'import'>, (reason: string) => string> = {
  backup: (reason) => `The backup could not be made: ${reason}`,
  text: (reason) => `conversation.txt could not be made: ${reason}`,
  persist: (reason) => `Could not ask for persistent storage: ${reason}`,
}

/**
 * The data panel's error line after `action` failed. An import's starts with the file's name and
 * always ends by saying that nothing was imported (an import writes all or nothing).
 */
export function dataFailureText(action: DataAction, error: unknown, fileName = ''): string {
  if (action !== 'import') return DATA_FAILURE_TEXT[action](dataReason(error))
  return `${fileName}: ${dataReason(error)}${saysNothingImported(error) ? '' : NOTHING_IMPORTED}`
}

/**
 * Whether the text of a failed import's error already says that nothing was imported (or that
 * there was nothing to import), so the caller does not say it twice.
 */
export function saysNothingImported(error: unknown): boolean {
  if (error instanceof ImportError) return entry(error.problem).saysNothingImported
  return error instanceof PersistenceError && error.kind === 'conflict'
}

function dataReason(error: unknown): string {
  if (error instanceof ImportError) return importErrorText(error)
  // A full disk during a backup or an import is reported with the engine's own words, as before the
  // quota kind existed; the chat's banner (storageFailureText) is where "storage is full" is explained.
  if (error instanceof PersistenceError) return error.kind === 'quota' ? describeCause(error.cause) : persistenceErrorText(error)
  return describeCause(error)
}

/** `Name: message` of an engine error, for the parentheses of a text; anything else as a string. */
function describeCause(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`
  return String(error)
}
