/**
 * Reads an Inkstream backup (the format `../backup.ts` writes and documents) back into
 * conversations. Everything is checked before anything is returned, and every complaint names the
 * JSON path of the offending field.
 */
import { BACKUP_FORMAT, BACKUP_VERSION, CONVERSATION_KEYS, MESSAGE_KEYS, PARAM_NAMES, extraFields, type BackupSettings } from '../backup'
import type { ChatMessage, ContinueMethod, Conversation, ErrorKind, GenerationParams, MessageError, MessageStatus, ModelPrice, Role, Usage } from '../types'
import {
  expectedAt,
  importError,
  isObject,
  pathOf,
  type Expected,
  type ImportResult,
  type ImportedConversation,
  type Json,
  type JsonObject,
} from './common'
import { toFinishReason } from '../finishReason'
import { attemptsToVersions, needsConversion } from '../versions'
import { THEMES } from '../theme'
import { LOCALES, type Locale } from '../../locales'

const FORMAT = 'inkstream-backup'
const ROLES: readonly Role[] = ['user', 'assistant']
const STATUSES: readonly MessageStatus[] = ['streaming', 'done', 'stopped', 'interrupted', 'error']
const CONTINUE_METHODS: readonly ContinueMethod[] = ['prefix', 'instruction']
const ERROR_KINDS: readonly ErrorKind[] = ['config', 'http', 'network', 'timeout', 'protocol', 'stream', 'aborted']

function expected(path: string, what: Expected, value: unknown): never {
  throw expectedAt(FORMAT, path, what, value)
}

function duplicate(path: string, value: string | number, usedBy: string): never {
  throw importError('invalid', { problem: 'duplicate', format: FORMAT, path, value, usedBy })
}

function field(obj: JsonObject, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined
}

function readString(obj: JsonObject, key: string, path: string, options: { nonEmpty?: boolean } = {}): string {
  const value = field(obj, key)
  const at = pathOf(path, key)
  if (typeof value !== 'string') return expected(at, { type: options.nonEmpty ? 'non-empty-string' : 'string' }, value)
  if (options.nonEmpty && value === '') return expected(at, { type: 'non-empty-string' }, value)
  return value
}

function readNumber(obj: JsonObject, key: string, path: string, options: { integer?: boolean } = {}): number {
  const value = field(obj, key)
  const at = pathOf(path, key)
  if (typeof value !== 'number' || !Number.isFinite(value)) return expected(at, { type: options.integer ? 'whole-number' : 'number' }, value)
  if (options.integer && !Number.isSafeInteger(value)) return expected(at, { type: 'whole-number' }, value)
  return value
}

function readBoolean(obj: JsonObject, key: string, path: string): boolean {
  const value = field(obj, key)
  if (typeof value !== 'boolean') return expected(pathOf(path, key), { type: 'boolean' }, value)
  return value
}

function readOneOf<T extends string>(obj: JsonObject, key: string, path: string, allowed: readonly T[]): T {
  const value = field(obj, key)
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    return expected(pathOf(path, key), { type: 'one-of', values: allowed }, value)
  }
  return value as T
}

function readObject(obj: JsonObject, key: string, path: string): JsonObject {
  const value = field(obj, key)
  if (!isObject(value)) return expected(pathOf(path, key), { type: 'object' }, value)
  return value
}

function readParams(obj: JsonObject, path: string, partial: true): Partial<GenerationParams>
function readParams(obj: JsonObject, path: string, partial: false): GenerationParams
function readParams(obj: JsonObject, path: string, partial: boolean): Partial<GenerationParams> {
  const out: Partial<GenerationParams> = {}
  for (const name of PARAM_NAMES) {
    if (partial && field(obj, name) === undefined) continue
    out[name] = readNumber(obj, name, path)
  }
  return out
}

function readUsage(obj: JsonObject, path: string): Usage {
  const usage: Usage = {
    promptTokens: readNumber(obj, 'promptTokens', path),
    completionTokens: readNumber(obj, 'completionTokens', path),
    totalTokens: readNumber(obj, 'totalTokens', path),
  }
  if (field(obj, 'reasoningTokens') !== undefined) usage.reasoningTokens = readNumber(obj, 'reasoningTokens', path)
  if (field(obj, 'cachedPromptTokens') !== undefined) usage.cachedPromptTokens = readNumber(obj, 'cachedPromptTokens', path)
  if (field(obj, 'estimated') !== undefined) usage.estimated = readBoolean(obj, 'estimated', path)
  return usage
}

function readRates(obj: JsonObject, path: string): { input: number; cachedInput?: number; output: number } {
  const rates: { input: number; cachedInput?: number; output: number } = { input: readNumber(obj, 'input', path), output: readNumber(obj, 'output', path) }
  if (field(obj, 'cachedInput') !== undefined) rates.cachedInput = readNumber(obj, 'cachedInput', path)
  return rates
}

function readHours(raw: Json | undefined, path: string): [number, number][] {
  if (!Array.isArray(raw)) return expected(path, { type: 'hour-ranges' }, raw)
  return raw.map((pair, i) => {
    const at = pathOf(path, i)
    const ok = Array.isArray(pair) && pair.length === 2 && pair.every((h) => typeof h === 'number' && Number.isInteger(h) && h >= 0 && h <= 24)
    if (!ok) return expected(at, { type: 'hour-ranges' }, pair)
    return [pair[0] as number, pair[1] as number]
  })
}

/** The prices the user edited: model id → price, every figure checked. */
function readPrices(obj: JsonObject, path: string): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {}
  for (const model of Object.keys(obj)) {
    const at = pathOf(path, model)
    const raw = readObject(obj, model, path)
    const price: ModelPrice = { currency: readString(raw, 'currency', at, { nonEmpty: true }), ...readRates(raw, at) }
    if (field(raw, 'offPeak') !== undefined) {
      const offPeakAt = pathOf(at, 'offPeak')
      const offPeak = readObject(raw, 'offPeak', at)
      price.offPeak = { ...readRates(offPeak, offPeakAt), peakHoursUtc: readHours(field(offPeak, 'peakHoursUtc'), pathOf(offPeakAt, 'peakHoursUtc')) }
    }
    out[model] = price
  }
  return out
}

function readError(obj: JsonObject, path: string): MessageError {
  const error: MessageError = { kind: readOneOf(obj, 'kind', path, ERROR_KINDS), message: readString(obj, 'message', path) }
  if (field(obj, 'status') !== undefined) error.status = readNumber(obj, 'status', path, { integer: true })
  return error
}

function readMessage(raw: Json, path: string, conversationId: string): ChatMessage {
  if (!isObject(raw)) return expected(path, { type: 'message-object' }, raw)
  const id = readString(raw, 'id', path, { nonEmpty: true })
  const declared = field(raw, 'conversationId')
  if (declared !== undefined && declared !== conversationId) {
    throw importError('invalid', { problem: 'foreign-message', format: FORMAT, path: pathOf(path, 'conversationId'), declared, conversationId })
  }
  const seq = readNumber(raw, 'seq', path, { integer: true })
  if (seq < 0) expected(pathOf(path, 'seq'), { type: 'non-negative-whole-number' }, seq)
  const message: ChatMessage = {
    id,
    conversationId,
    seq,
    role: readOneOf(raw, 'role', path, ROLES),
    content: readString(raw, 'content', path),
    reasoning: field(raw, 'reasoning') === undefined ? '' : readString(raw, 'reasoning', path),
    status: readOneOf(raw, 'status', path, STATUSES),
    createdAt: readNumber(raw, 'createdAt', path),
    updatedAt: readNumber(raw, 'updatedAt', path),
  }
  if (field(raw, 'model') !== undefined) message.model = readString(raw, 'model', path)
  if (field(raw, 'params') !== undefined) message.params = readParams(readObject(raw, 'params', path), pathOf(path, 'params'), false)
  if (field(raw, 'finishReason') !== undefined) message.finishReason = toFinishReason(readString(raw, 'finishReason', path))
  if (field(raw, 'usage') !== undefined) message.usage = readUsage(readObject(raw, 'usage', path), pathOf(path, 'usage'))
  if (field(raw, 'error') !== undefined) message.error = readError(readObject(raw, 'error', path), pathOf(path, 'error'))
  const parentId = field(raw, 'parentId')
  if (parentId === null) message.parentId = null
  else if (parentId !== undefined) message.parentId = readString(raw, 'parentId', path, { nonEmpty: true })
  if (field(raw, 'selectedAt') !== undefined) message.selectedAt = readNumber(raw, 'selectedAt', path)
  if (field(raw, 'continuation') !== undefined) message.continuation = readOneOf(raw, 'continuation', path, CONTINUE_METHODS)
  // Fields of a later build are kept as they are (see `extraFields`).
  return { ...message, ...extraFields(raw, MESSAGE_KEYS) }
}

function readSettings(raw: JsonObject, path: string): BackupSettings {
  const out: BackupSettings = {}
  for (const key of ['providerId', 'baseUrl', 'model', 'systemPrompt'] as const) {
    if (field(raw, key) !== undefined) out[key] = readString(raw, key, path)
  }
  if (field(raw, 'params') !== undefined) out.params = readParams(readObject(raw, 'params', path), pathOf(path, 'params'), true)
  if (field(raw, 'idleTimeoutSeconds') !== undefined) out.idleTimeoutSeconds = readNumber(raw, 'idleTimeoutSeconds', path)
  if (field(raw, 'exportReasoning') !== undefined) {
    const value = field(raw, 'exportReasoning')
    if (typeof value !== 'boolean') expected(pathOf(path, 'exportReasoning'), { type: 'boolean' }, value)
    out.exportReasoning = value as boolean
  }
  if (field(raw, 'language') !== undefined) {
    const value = field(raw, 'language')
    if (typeof value !== 'string' || !(LOCALES as readonly string[]).includes(value)) {
      expected(pathOf(path, 'language'), { type: 'one-of', values: LOCALES }, value)
    }
    out.language = value as Locale
  }
  if (field(raw, 'theme') !== undefined) out.theme = readOneOf(raw, 'theme', path, THEMES)
  if (field(raw, 'autoTitle') !== undefined) out.autoTitle = readBoolean(raw, 'autoTitle', path)
  if (field(raw, 'prices') !== undefined) out.prices = readPrices(readObject(raw, 'prices', path), pathOf(path, 'prices'))
  // An `apiKey` someone added by hand is ignored: a backup never carries a key into storage.
  return out
}

/** True if a parsed JSON value says it is an Inkstream backup (of any version). */
export function isInkstreamBackup(value: Json): boolean {
  return isObject(value) && value.format === BACKUP_FORMAT
}

/**
 * Validates a parsed Inkstream backup and returns its conversations, unchanged (ids included).
 * Throws an ImportError naming the JSON path of the first problem. Fields of conversations and
 * messages this build does not know are kept verbatim; unknown settings (and any API key) are not.
 */
export function readBackup(value: Json): ImportResult {
  if (!isObject(value) || value.format !== BACKUP_FORMAT) {
    return expected('format', { type: 'literal', value: BACKUP_FORMAT }, isObject(value) ? value.format : value)
  }
  const version = value.version
  if (typeof version === 'number' && Number.isInteger(version) && version > BACKUP_VERSION) {
    throw importError('version', { problem: 'newer-backup', version, newest: BACKUP_VERSION })
  }
  if (version !== BACKUP_VERSION) expected('version', { type: 'literal', value: BACKUP_VERSION }, version)

  const rawConversations = field(value, 'conversations')
  if (!Array.isArray(rawConversations)) return expected('conversations', { type: 'conversation-list' }, rawConversations)

  const conversationIds = new Map<string, string>()
  const messageIds = new Map<string, string>()
  const conversations: ImportedConversation[] = rawConversations.map((raw, index) => {
    const path = pathOf('conversations', index)
    if (!isObject(raw)) return expected(path, { type: 'conversation-object' }, raw)
    const id = readString(raw, 'id', path, { nonEmpty: true })
    const twin = conversationIds.get(id)
    if (twin !== undefined) duplicate(pathOf(path, 'id'), id, twin)
    conversationIds.set(id, path)
    const conversation: Conversation = {
      id,
      title: readString(raw, 'title', path),
      createdAt: readNumber(raw, 'createdAt', path),
      updatedAt: readNumber(raw, 'updatedAt', path),
      ...extraFields(raw, CONVERSATION_KEYS),
    }
    if (field(raw, 'pinned') !== undefined && readBoolean(raw, 'pinned', path)) conversation.pinned = true
    const rawMessages = field(raw, 'messages')
    if (!Array.isArray(rawMessages)) return expected(pathOf(path, 'messages'), { type: 'message-list' }, rawMessages)
    const seqs = new Map<number, string>()
    const messages = rawMessages.map((m, i) => {
      const messagePath = pathOf(pathOf(path, 'messages'), i)
      const message = readMessage(m, messagePath, id)
      const sameId = messageIds.get(message.id)
      if (sameId !== undefined) duplicate(pathOf(messagePath, 'id'), message.id, sameId)
      messageIds.set(message.id, messagePath)
      const sameSeq = seqs.get(message.seq)
      if (sameSeq !== undefined) duplicate(pathOf(messagePath, 'seq'), message.seq, sameSeq)
      seqs.set(message.seq, messagePath)
      return message
    })
    messages.sort((a, b) => a.seq - b.seq)
    // A backup from before versions: its Retry attempts become versions (the same ids a migrated database has).
    return { conversation, messages: needsConversion(messages) ? attemptsToVersions(messages) : messages }
  })

  const result: ImportResult = { source: 'inkstream-backup', conversations, skipped: [] }
  const rawSettings = field(value, 'settings')
  if (rawSettings !== undefined) {
    if (!isObject(rawSettings)) return expected('settings', { type: 'object' }, rawSettings)
    result.settings = readSettings(rawSettings, 'settings')
  }
  return result
}
