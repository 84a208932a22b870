/**
 * Inkstream's own backup: every conversation with all of its metadata in one JSON file, and the
 * "export all" `conversation.txt`. Pure functions; the data store reads the repository and downloads. Reading a backup back is an
 * importer (`importers/inkstream.ts`), like every other file the app reads.
 *
 *     { "format": "inkstream-backup", "version": 1, "exportedAt": "<ISO 8601>",
 *       "settings": { …everything but the API key… },            (optional)
 *       "conversations": [ { "id", "title", "createdAt", "updatedAt", "pinned"?,
 *                            "messages": [ { "id", "seq", "role", "content", "reasoning", "status",
 *                                            "createdAt", "updatedAt", "model"?, "params"?,
 *                                            "finishReason"?, "usage"?, "error"?, "parentId"?,
 *                                            "selectedAt"?, "continuation"? } ] } ] }
 *
 * Every version of every message is kept: `parentId` names the message a message follows (`null`
 * for a first question), messages with the same parent are versions of each other, and the one
 * with the latest `selectedAt` is the one shown (see `versions.ts`). Backups of builds before
 * versions have no `parentId` and keep Retry's earlier tries in `attempts`; reading them turns
 * those into versions.
 *
 * Times are epoch milliseconds, conversations are oldest first and messages in `seq` order, and
 * every object's keys come in a fixed order, so the same history always gives the same file.
 * Record fields added by later builds (and not named here) are carried along verbatim.
 */
import { formatTranscript, formatTimestamp } from './transcript'
import { linkLegacy, visibleBranch } from './versions'
import type { ChatMessage, Conversation, GenerationParams, MessageError, Settings, Usage } from './types'
import { KV_KEYS, type ConversationRecords } from './persistence'

/** The `format` field that marks an Inkstream backup. */
export const BACKUP_FORMAT = 'inkstream-backup'
/** The backup version this build writes and the newest it reads. */
export const BACKUP_VERSION = 1
/** The `kv` key holding the time (epoch ms) of the last successful backup download. */
export const LAST_BACKUP_KEY = KV_KEYS.lastBackupAt

/** Settings as kept in a backup: never the API key. Any field may be missing in older files. */
export type BackupSettings = Partial<Omit<Settings, 'apiKey' | 'params'>> & { params?: Partial<GenerationParams> }

/** A message in a backup; `conversationId` is implied by the conversation it sits in. */
export type BackupMessage = Omit<ChatMessage, 'conversationId'>

/** A conversation in a backup, with its messages. */
export interface BackupConversation extends Conversation {
  messages: BackupMessage[]
}

/** The whole backup file. */
export interface Backup {
  format: typeof BACKUP_FORMAT
  version: typeof BACKUP_VERSION
  exportedAt: string
  settings?: BackupSettings
  conversations: BackupConversation[]
}

/** The conversation fields this format names; any other field is carried along verbatim. */
export const CONVERSATION_KEYS: ReadonlySet<string> = new Set(['id', 'title', 'createdAt', 'updatedAt', 'pinned', 'messages'])
/** The message fields this format names; any other field is carried along verbatim. */
export const MESSAGE_KEYS: ReadonlySet<string> = new Set([
  'id', 'conversationId', 'seq', 'role', 'content', 'reasoning', 'status', 'createdAt', 'updatedAt',
  'model', 'params', 'finishReason', 'usage', 'error', 'parentId', 'selectedAt', 'continuation',
])
/** The generation parameters a backup keeps, in the order it writes them. */
export const PARAM_NAMES = ['maxTokens', 'temperature', 'topP', 'topK', 'frequencyPenalty', 'n'] as const satisfies readonly (keyof GenerationParams)[]

/** Conversations oldest first (then by id), the order of both "export all" files. */
export function oldestFirst<T extends { conversation: Conversation }>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => a.conversation.createdAt - b.conversation.createdAt || (a.conversation.id < b.conversation.id ? -1 : a.conversation.id > b.conversation.id ? 1 : 0),
  )
}

/** Builds a backup of `items` (and settings, whose API key is dropped here) in canonical order. */
export function buildBackup(
  items: readonly ConversationRecords[],
  options: { exportedAt: Date; settings?: BackupSettings },
): Backup {
  const backup: Backup = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: options.exportedAt.toISOString(),
    conversations: oldestFirst(items).map(({ conversation, messages }) => ({
      id: conversation.id,
      title: conversation.title,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
      ...(conversation.pinned === true ? { pinned: true } : {}),
      ...extraFields(conversation, CONVERSATION_KEYS),
      messages: [...messages].sort((a, b) => a.seq - b.seq).map(backupMessage),
    })),
  }
  if (options.settings) backup.settings = backupSettings(options.settings)
  return backup
}

/**
 * The backup as the text of the downloaded file. If `apiKey` is given, any place it still appears
 * (a key pasted into a message) is replaced, so a backup can be shared without leaking it.
 */
export function serializeBackup(backup: Backup, apiKey = ''): string {
  const text = `${JSON.stringify(backup, null, 2)}\n`
  return apiKey.length >= 8 ? text.split(apiKey).join('[API key removed]') : text
}

/** `inkstream-backup-YYYY-MM-DD-HHMMSS.json` in local time. */
export function backupFileName(now: Date): string {
  return `inkstream-backup-${formatTimestamp(now.getTime()).replace(' ', '-').replace(/:/g, '')}.json`
}

/** Every conversation in the classic format (the branch each one shows), oldest conversation first. */
export function formatAllTranscripts(items: readonly ConversationRecords[], options: { includeReasoning?: boolean } = {}): string {
  return oldestFirst(items)
    .map(({ messages }) => formatTranscript(visibleBranch(linkLegacy([...messages])), options))
    .join('')
}

function backupMessage(m: ChatMessage): BackupMessage {
  const out: BackupMessage = {
    id: m.id,
    seq: m.seq,
    role: m.role,
    content: m.content,
    reasoning: m.reasoning,
    status: m.status,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  }
  if (m.model !== undefined) out.model = m.model
  if (m.params !== undefined) out.params = pick(m.params, PARAM_NAMES)
  if (m.finishReason !== undefined) out.finishReason = m.finishReason
  if (m.usage !== undefined) {
    const usage: Usage = { promptTokens: m.usage.promptTokens, completionTokens: m.usage.completionTokens, totalTokens: m.usage.totalTokens }
    if (m.usage.reasoningTokens !== undefined) usage.reasoningTokens = m.usage.reasoningTokens
    if (m.usage.cachedPromptTokens !== undefined) usage.cachedPromptTokens = m.usage.cachedPromptTokens
    if (m.usage.estimated === true) usage.estimated = true
    out.usage = usage
  }
  if (m.error !== undefined) {
    const error: MessageError = { kind: m.error.kind, message: m.error.message }
    if (m.error.status !== undefined) error.status = m.error.status
    out.error = error
  }
  if (m.parentId !== undefined) out.parentId = m.parentId
  if (m.selectedAt !== undefined) out.selectedAt = m.selectedAt
  if (m.continuation !== undefined) out.continuation = m.continuation
  return { ...out, ...extraFields(m, MESSAGE_KEYS) }
}

/**
 * Fields this module does not name (added by a later build, such as an answer's earlier attempts),
 * in sorted key order, so the backup stays lossless without having to know them.
 */
export function extraFields(record: object, known: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!known.has(key) && value !== undefined) out[key] = value
  }
  return out
}

/** The settings a backup may carry that decide where requests go; a restore never applies them. */
export const ENDPOINT_SETTINGS = ['providerId', 'baseUrl', 'model'] as const satisfies readonly (keyof BackupSettings)[]

/**
 * The part of a backup's settings a restore applies: everything but the endpoint (provider, base
 * URL, model) and any key, so a file someone sends cannot point this browser (and its keys) at
 * another host. A backup still records the endpoint, for the reader.
 */
export function restorableSettings(settings: BackupSettings): BackupSettings {
  const out: Record<string, unknown> = { ...settings }
  for (const name of ENDPOINT_SETTINGS) delete out[name]
  delete out.apiKey
  return out as BackupSettings
}

function backupSettings(settings: BackupSettings): BackupSettings {
  // Named fields only: whatever else a settings record holds (and the key above all) stays out.
  const out: BackupSettings = {}
  if (settings.providerId !== undefined) out.providerId = settings.providerId
  if (settings.baseUrl !== undefined) out.baseUrl = settings.baseUrl
  if (settings.model !== undefined) out.model = settings.model
  if (settings.systemPrompt !== undefined) out.systemPrompt = settings.systemPrompt
  if (settings.params !== undefined) out.params = pick(settings.params, PARAM_NAMES)
  if (settings.idleTimeoutSeconds !== undefined) out.idleTimeoutSeconds = settings.idleTimeoutSeconds
  if (settings.exportReasoning !== undefined) out.exportReasoning = settings.exportReasoning
  if (settings.language !== undefined) out.language = settings.language
  if (settings.theme !== undefined) out.theme = settings.theme
  if (settings.autoTitle !== undefined) out.autoTitle = settings.autoTitle
  if (settings.prices !== undefined && Object.keys(settings.prices).length > 0) out.prices = structuredClone(settings.prices)
  return out
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key]
  return out
}
