/**
 * Every text the UI shows for a storage or import failure, in tables keyed by kind, with the
 * error's fields as parameters. Stores choose a text here from an error's kind and fields, never by
 * reading its `message` (which carries the same text, for logs and for callers not yet switched).
 * Pure and framework-free, so a translation layer can later replace or feed these tables.
 */
import { ImportError, type Expected, type ImportFormat, type ImportProblem, type ImportSource } from './importers/errors'
import { PersistenceError, type PersistenceErrorInfo, type PersistenceErrorKind, type StorageEvent } from './persistence/errors'
import type { TranscriptProblem } from './transcriptError'
import { renderText, type Locale, type MessageKey, type Text } from '../locales'

// ---------------------------------------------------------------------------------------------
// Storage

/** What the app was doing when a write failed; fills the blank in "could not … ". */
export type StorageAction =
  | 'save-answer'
  | 'save-conversation'
  | 'save-message'
  | 'delete-conversation'
  | 'delete-message'
  | 'remember-open-conversation'
  | 'keep-draft'
  | 'save'

const ACTION_KEY: Record<StorageAction, MessageKey> = {
  'save-answer': 'storage.action.saveAnswer',
  'save-conversation': 'storage.action.saveConversation',
  'save-message': 'storage.action.saveMessage',
  'delete-conversation': 'storage.action.deleteConversation',
  'delete-message': 'storage.action.deleteMessage',
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

function openFailureTexts(error: unknown): Text {
  const reason: Text | string =
    error instanceof PersistenceError ? persistenceErrorTexts(error) : error instanceof Error ? error.message : String(error)
  return { key: 'storage.openFailed', params: { reason } }
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

/** True for the engine's "storage is full" error, by its DOMException name (never by its wording). */
export function isQuotaExceeded(error: unknown): boolean {
  return (error instanceof DOMException || error instanceof Error) && error.name === 'QuotaExceededError'
}

// ---------------------------------------------------------------------------------------------
// Import

const SOURCE_KEY: Record<ImportFormat, MessageKey> = {
  'inkstream-backup': 'import.source.inkstream',
  'classic-txt': 'import.source.classic',
  betterchatgpt: 'import.source.betterchatgpt',
  nextchat: 'import.source.nextchat',
  json: 'import.source.json',
}

/** "an Inkstream backup", "a NextChat backup": English needs the article, Chinese does not. */
const SOURCE_WITH_ARTICLE_KEY: Record<ImportSource, MessageKey> = {
  'inkstream-backup': 'import.sourceWithArticle.inkstream',
  'classic-txt': 'import.sourceWithArticle.classic',
  betterchatgpt: 'import.sourceWithArticle.betterchatgpt',
  nextchat: 'import.sourceWithArticle.nextchat',
}

/** Human names of the sources, in English (for logs and callers that need a plain string). */
export const SOURCE_NAMES: Record<ImportSource, string> = {
  'inkstream-backup': renderText('en', { key: SOURCE_KEY['inkstream-backup'] }),
  'classic-txt': renderText('en', { key: SOURCE_KEY['classic-txt'] }),
  betterchatgpt: renderText('en', { key: SOURCE_KEY.betterchatgpt }),
  nextchat: renderText('en', { key: SOURCE_KEY.nextchat }),
}

/** A source's name as text to render. */
export function sourceName(source: ImportFormat): Text {
  return { key: SOURCE_KEY[source] }
}

/** A source's name with its English article ("an Inkstream backup"). */
export function sourceWithArticle(source: ImportSource): Text {
  return { key: SOURCE_WITH_ARTICLE_KEY[source] }
}

const TRANSCRIPT_KEY: Record<TranscriptProblem, MessageKey> = {
  'answer-without-question': 'import.transcript.answerWithoutQuestion',
  'expected-question': 'import.transcript.expectedQuestion',
  'question-without-answer': 'import.transcript.questionWithoutAnswer',
  'reasoning-unclosed': 'import.transcript.reasoningUnclosed',
}

const EXPECTED_KEY: Record<Exclude<Expected, { type: 'one-of' | 'literal' }>['type'], MessageKey> = {
  string: 'import.expected.string',
  'non-empty-string': 'import.expected.nonEmptyString',
  number: 'import.expected.number',
  'whole-number': 'import.expected.wholeNumber',
  'non-negative-whole-number': 'import.expected.nonNegativeWholeNumber',
  boolean: 'import.expected.boolean',
  object: 'import.expected.object',
  'conversation-list': 'import.expected.conversationList',
  'conversation-object': 'import.expected.conversationObject',
  'message-list': 'import.expected.messageList',
  'message-object': 'import.expected.messageObject',
  'message-text': 'import.expected.messageText',
  'content-part': 'import.expected.contentPart',
  'role-string': 'import.expected.roleString',
  'chat-list': 'import.expected.chatList',
  'chat-object': 'import.expected.chatObject',
  chats: 'import.expected.chats',
  'session-list': 'import.expected.sessionList',
  'session-object': 'import.expected.sessionObject',
  id: 'import.expected.id',
  'betterchatgpt-version': 'import.expected.betterchatgptVersion',
  'hour-ranges': 'import.expected.hourRanges',
}

type ProblemOf<P extends ImportProblem['problem']> = Extract<ImportProblem, { problem: P }>

const NOTHING: Text = { key: 'import.nothingImported' }
const NONE: Text = { key: 'import.empty' }

const TOO_LARGE_TEXT = {
  megabytes: 'import.problem.tooManyMegabytes',
  conversations: 'import.problem.tooManyConversations',
  messages: 'import.problem.tooManyMessages',
} as const

/** Each problem's text, and whether that text already says that nothing was imported. */
const IMPORT_TEXT: { [P in ImportProblem['problem']]: { text: (p: ProblemOf<P>) => Text[]; saysNothingImported: boolean } } = {
  'empty-file': { text: () => [{ key: 'import.problem.emptyFile' }], saysNothingImported: true },
  binary: { text: () => [{ key: 'import.problem.binary' }], saysNothingImported: false },
  'json-truncated': {
    text: (p) => [{ key: 'import.problem.jsonTruncated', params: { format: sourceName(p.format), line: p.line, detail: p.detail } }, NOTHING],
    saysNothingImported: true,
  },
  'json-invalid': {
    text: (p) => [
      p.line === undefined
        ? { key: 'import.problem.jsonInvalid', params: { format: sourceName(p.format), detail: p.detail } }
        : { key: 'import.problem.jsonInvalidAt', params: { format: sourceName(p.format), line: p.line, column: p.column ?? 1, detail: p.detail } },
      NOTHING,
    ],
    saysNothingImported: true,
  },
  'unknown-json': {
    text: (p) => [
      p.shape === 'object'
        ? { key: 'import.problem.unknownJsonObject', params: { keys: p.keys.map((k) => JSON.stringify(k)).join(', ') || NONE } }
        : p.shape === 'list'
          ? { key: 'import.problem.unknownJsonList' }
          : { key: 'import.problem.unknownJson' },
      NOTHING,
    ],
    saysNothingImported: true,
  },
  'wrong-kind': {
    text: (p) => [
      { key: 'import.problem.wrongKind', params: { found: sourceWithArticle(p.found), wanted: sourceWithArticle(p.wanted) } },
      ...(p.wanted === 'inkstream-backup' ? [{ key: 'import.problem.useImportFile' } as Text] : []),
      NOTHING,
    ],
    saysNothingImported: true,
  },
  'no-conversations': {
    text: (p): Text[] => [
      p.skipped.length > 0
        ? { key: 'import.problem.noConversationsSkipped', params: { source: sourceName(p.source), skipped: p.skipped.join(', ') } }
        : { key: 'import.problem.noConversations', params: { source: sourceName(p.source) } },
    ],
    saysNothingImported: true,
  },
  'no-turns': { text: () => [{ key: 'import.problem.noTurns' }], saysNothingImported: true },
  transcript: { text: (p) => [transcriptErrorTexts(p.line, p.transcript), { key: 'import.period' }, NOTHING], saysNothingImported: true },
  expected: {
    text: (p) => [
      { key: 'import.problem.expected', params: { where: where(p), expected: expectedText(p.expected), got: describeValueText(p.got) } },
      NOTHING,
    ],
    saysNothingImported: true,
  },
  duplicate: {
    text: (p) => [
      {
        key: 'import.problem.duplicate',
        params: { where: where(p), value: typeof p.value === 'string' ? JSON.stringify(p.value) : p.value, usedBy: p.usedBy },
      },
      NOTHING,
    ],
    saysNothingImported: true,
  },
  'foreign-message': {
    text: (p) => [
      {
        key: 'import.problem.foreignMessage',
        params: { where: where(p), declared: describeValueText(p.declared), conversation: JSON.stringify(p.conversationId) },
      },
      NOTHING,
    ],
    saysNothingImported: true,
  },
  'too-large': {
    text: (p) => [{ key: TOO_LARGE_TEXT[p.what], params: { count: p.count, limit: p.limit } }, NOTHING],
    saysNothingImported: true,
  },
  'newer-backup': {
    text: (p) => [{ key: 'import.problem.newerBackup', params: { version: p.version, newest: p.newest } }, NOTHING],
    saysNothingImported: true,
  },
}

function entry<P extends ImportProblem['problem']>(problem: ProblemOf<P>): { text: (p: ProblemOf<P>) => Text[]; saysNothingImported: boolean } {
  return IMPORT_TEXT[problem.problem as P]
}

/** An ImportError (or the problem it describes) as text to render, naming the line or JSON path. */
export function importErrorTexts(error: Pick<ImportError, 'problem'>): Text[] {
  return entry(error.problem).text(error.problem)
}

/** The same, in English. */
export function importErrorText(error: Pick<ImportError, 'problem'>): string {
  return renderTexts('en', importErrorTexts(error))
}

function transcriptErrorTexts(line: number, problem: TranscriptProblem): Text {
  return { key: 'import.transcript.at', params: { line, problem: { key: TRANSCRIPT_KEY[problem] } } }
}

/** The text of a malformed conversation.txt, without the "nothing was imported" an import adds. */
export function transcriptErrorText(line: number, problem: TranscriptProblem): string {
  return renderText('en', transcriptErrorTexts(line, problem))
}

function where(p: { format: ImportFormat; path: string }): Text {
  return { key: 'import.where', params: { format: sourceName(p.format), path: p.path === '' ? { key: 'import.topLevel' } : p.path } }
}

function expectedText(expected: Expected): Text | string {
  if (expected.type === 'one-of') return { key: 'import.expected.oneOf', params: { values: expected.values.map((v) => JSON.stringify(v)).join(', ') } }
  if (expected.type === 'literal') return typeof expected.value === 'string' ? JSON.stringify(expected.value) : String(expected.value)
  return { key: EXPECTED_KEY[expected.type] }
}

/** A short description of a JSON value's type, for "expected …, got …" texts. */
export function describeValueText(value: unknown): Text {
  if (value === undefined) return { key: 'import.value.missing' }
  if (value === null) return { key: 'import.value.null' }
  if (Array.isArray(value)) return { key: 'import.value.array' }
  if (typeof value === 'string') {
    return value.length > 40
      ? { key: 'import.value.longString', params: { start: value.slice(0, 37) } }
      : { key: 'import.value.string', params: { value: JSON.stringify(value) } }
  }
  if (typeof value === 'object') return { key: 'import.value.object' }
  return { key: 'import.value.other', params: { type: typeof value, value: String(value) } }
}

/** "1 conversation", "3 messages": a count with its noun, as text to render. */
export function countText(n: number, noun: 'conversation' | 'message'): Text {
  const one = n === 1
  const key: MessageKey =
    noun === 'conversation' ? (one ? 'count.conversationOne' : 'count.conversationOther') : one ? 'count.messageOne' : 'count.messageOther'
  return { key, params: { n } }
}

/** Renders text parts in order. */
export function renderTexts(locale: Locale, parts: readonly Text[]): string {
  return parts.map((part) => renderText(locale, part)).join('')
}

// ---------------------------------------------------------------------------------------------
// Backup and import actions (Settings → Data)

/** An action of the data panel. */
export type DataAction = 'backup' | 'text' | 'import' | 'persist'

const DATA_FAILURE_KEY: Record<Exclude<DataAction, 'import'>, MessageKey> = {
  backup: 'data.failure.backup',
  text: 'data.failure.text',
  persist: 'data.failure.persist',
}

/**
 * The data panel's error line after `action` failed, as text to render. An import's starts with the
 * file's name and always ends by saying that nothing was imported (an import writes all or nothing).
 */
export function dataFailureTexts(action: DataAction, error: unknown, fileName = ''): Text[] {
  if (action !== 'import') return [{ key: DATA_FAILURE_KEY[action] }, ...dataReason(error)]
  return [{ key: 'data.failure.importFile', params: { file: fileName } }, ...dataReason(error), ...(saysNothingImported(error) ? [] : [NOTHING])]
}

/**
 * Whether the text of a failed import's error already says that nothing was imported (or that
 * there was nothing to import), so the caller does not say it twice.
 */
export function saysNothingImported(error: unknown): boolean {
  if (error instanceof ImportError) return entry(error.problem).saysNothingImported
  return error instanceof PersistenceError && error.kind === 'conflict'
}

function dataReason(error: unknown): Text[] {
  if (error instanceof ImportError) return importErrorTexts(error)
  // A full disk during a backup or an import is reported with the engine's own words, as before the
  // quota kind existed; the chat's banner (storageFailureText) is where "storage is full" is explained.
  if (error instanceof PersistenceError) {
    return error.kind === 'quota' ? [plain(describeCause(error.cause))] : [persistenceErrorTexts(error)]
  }
  return [plain(describeCause(error))]
}

/** Text that is not translated (an engine's own words). */
function plain(text: string): Text {
  return { key: 'common.verbatim', params: { text } }
}

/** `Name: message` of an engine error, for the parentheses of a text; anything else as a string. */
function describeCause(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`
  return String(error)
}
