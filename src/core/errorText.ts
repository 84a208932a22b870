/**
 * Every text the UI shows for a storage or import failure, in tables keyed by kind, with the
 * error's fields as parameters. Stores choose a text here from an error's kind and fields, never by
 * reading its `message` (which carries the same text, for logs and for callers not yet switched).
 * Pure and framework-free, so a translation layer can later replace or feed these tables.
 */
import { ImportError, type Expected, type ImportFormat, type ImportProblem, type ImportSource } from './importers/errors'
import { PersistenceError, type PersistenceErrorInfo, type PersistenceErrorKind, type StorageEvent } from './persistence/errors'
import type { TranscriptProblem } from './transcriptError'

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

const STORAGE_ACTION_TEXT: Record<StorageAction, string> = {
  'save-answer': 'save the answer',
  'save-conversation': 'save the conversation',
  'save-message': 'save your message',
  'delete-conversation': 'delete the conversation',
  'remember-open-conversation': 'remember the open conversation',
  'keep-draft': 'keep your draft',
  save: 'save',
}

const PERSISTENCE_TEXT: Record<PersistenceErrorKind, (error: PersistenceErrorInfo, action: string) => string> = {
  unavailable: () =>
    'This browser window does not allow saving history (IndexedDB is unavailable, e.g. in some private modes). Chats work but will not be saved.',
  version: () => 'Saved history was written by a newer version of Inkstream. Reload the page to get the newest version.',
  blocked: () => 'Saved history is held open by another Inkstream tab. Close other Inkstream tabs, then reload.',
  timeout: () => 'The browser did not open saved history in time. Reload the page; history will not be saved until then.',
  upgrade: (e) =>
    `Upgrading saved history failed, so it was left unchanged (${describeCause(e.cause)}). Export your conversations from another tab or reload.`,
  failed: (e) => `Could not open saved history: ${describeCause(e.cause)}.`,
  closed: (e) =>
    e.closedBy === 'versionchange'
      ? 'Inkstream was updated in another tab. Reload this tab to keep saving your history.'
      : e.closedBy === 'terminated'
        ? 'The browser closed the history database (site data may have been cleared). Reload to keep saving.'
        : 'The history database was closed.',
  conflict: (e) => `A message with id ${e.recordId ?? '?'} is already stored in another conversation; nothing was imported.`,
  deleted: () => 'This conversation was deleted in another tab; the message was not saved.',
  quota: (_e, action) =>
    `This browser's storage for Inkstream is full, so it could not ${action}. ` +
    'Nothing saved before is lost and this conversation stays open in this tab: download it, ' +
    'free space (delete old conversations or other site data), then choose “Try saving again”.',
}

const STORAGE_EVENT_TEXT: Record<StorageEvent, string> = {
  versionchange: 'Inkstream was updated in another tab. Reload this tab to keep saving your history.',
  terminated: 'The browser closed Inkstream’s storage (site data may have been cleared). Reload to keep saving.',
  blocked: 'Another Inkstream tab is using an older version of the history. Close or reload the other tabs.',
}

/** The text of a PersistenceError; `action` (default `save`) is what a `quota` error kept from happening. */
export function persistenceErrorText(error: PersistenceErrorInfo, action: StorageAction = 'save'): string {
  return PERSISTENCE_TEXT[error.kind](error, STORAGE_ACTION_TEXT[action])
}

/**
 * The chat's storage banner after a write failed: the PersistenceError's text, the "storage is
 * full" text for an engine's QuotaExceededError that reached us unwrapped, and for anything else
 * what failed and how to keep a copy.
 */
export function storageFailureText(action: StorageAction, error: unknown): string {
  if (error instanceof PersistenceError) return persistenceErrorText(error, action)
  if (isQuotaExceeded(error)) return persistenceErrorText({ kind: 'quota', cause: error }, action)
  return (
    `Could not ${STORAGE_ACTION_TEXT[action]} in this browser's storage (${describeCause(error)}). ` +
    'This conversation stays open in this tab; download it with the export button to keep a copy.'
  )
}

/** The chat's storage banner after something happened to the connection (`StorageEvent`). */
export function storageEventText(event: StorageEvent): string {
  return STORAGE_EVENT_TEXT[event]
}

/** The chat's storage banner when the history could not be opened at all. */
export function storageOpenFailureText(error: unknown): string {
  const reason = error instanceof PersistenceError ? persistenceErrorText(error) : error instanceof Error ? error.message : String(error)
  return `${reason} Conversations in this tab will not be saved; download them before closing it.`
}

/** A storage problem as the chat's banner reports it. */
export type StorageProblem =
  | { kind: 'write'; action: StorageAction; error: unknown }
  | { kind: 'event'; event: StorageEvent }
  | { kind: 'unavailable'; error: unknown }
  /** A conversation this tab was answering was deleted in another one. */
  | { kind: 'deleted-elsewhere'; title: string }

/** The banner text for a storage problem. */
export function storageProblemText(problem: StorageProblem): string {
  switch (problem.kind) {
    case 'write':
      return storageFailureText(problem.action, problem.error)
    case 'event':
      return storageEventText(problem.event)
    case 'unavailable':
      return storageOpenFailureText(problem.error)
    case 'deleted-elsewhere':
      return `“${problem.title}” was deleted in another tab, so its answer was not saved.`
  }
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
