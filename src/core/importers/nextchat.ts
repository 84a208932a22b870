/**
 * Imports a NextChat (ChatGPTNextWeb/NextChat, formerly ChatGPT-Next-Web) backup.
 *
 * What Settings → Sync → Export writes (app/store/sync.ts `export()`, app/utils/sync.ts
 * `getLocalAppState()`): `Backup-<date>.json`, the JSON of every persisted store by key:
 * `{ "chat-next-web-store": { sessions, currentSessionIndex, lastInput, lastUpdateTime? },
 *    "access-control": {…}, "app-config": {…}, "mask-store": {…}, "prompt-store": {…} }`.
 * A session (app/store/chat.ts) is `{ id, topic, memoryPrompt, messages, stat, lastUpdate,
 * lastSummarizeIndex, clearContextIndex?, mask: { context, modelConfig: { model, … }, … } }`; a
 * message is `{ id, date, role, content, streaming?, isError?, model? }` where `date` is
 * `new Date().toLocaleString()` in the user's locale and `content` a string or a list of
 * `{ type: 'text' | 'image_url' }` parts. Old builds used numeric ids and a string `lastUpdate`.
 *
 * Only the chat store is read. "access-control" holds the user's API keys and is never touched.
 */
import { titleFromQuestion } from '../conversation'
import type { ChatMessage, MessageStatus } from '../types'
import {
  contentText,
  countSkipped,
  expectedAt,
  isObject,
  pathOf,
  type Expected,
  type ImportError,
  type ImportResult,
  type ImportedConversation,
  type Json,
} from './common'

/** NextChat's `StoreKey.Chat`. */
export const NEXTCHAT_CHAT_KEY = 'chat-next-web-store'

/** True if a parsed JSON value looks like a NextChat backup. */
export function isNextChatBackup(value: Json): boolean {
  return isObject(value) && NEXTCHAT_CHAT_KEY in value
}

/**
 * Converts a NextChat backup. Ids become `nextchat-<session id>` and `<that>-<message id>`, so
 * importing the same backup twice finds the same records. Message times come from their
 * `toLocaleString()` dates where they can be read (see `parseLocaleDate`), else from neighbours.
 * System messages and a mask's preset context cannot be kept and are counted.
 */
export function importNextChat(value: Json, now: number): ImportResult {
  if (!isObject(value)) throw invalid('', { type: 'object' }, value)
  const store = value[NEXTCHAT_CHAT_KEY]
  const storePath = pathOf('', NEXTCHAT_CHAT_KEY)
  if (!isObject(store)) throw invalid(storePath, { type: 'object' }, store)
  const sessions = store.sessions
  if (!Array.isArray(sessions)) throw invalid(pathOf(storePath, 'sessions'), { type: 'session-list' }, sessions)

  const counts: Record<string, number> = {}
  const ids = new Set<string>()
  const conversations: ImportedConversation[] = []
  sessions.forEach((session, index) => {
    const path = pathOf(pathOf(storePath, 'sessions'), index)
    if (!isObject(session)) throw invalid(path, { type: 'session-object' }, session)
    if (typeof session.id !== 'string' && typeof session.id !== 'number') throw invalid(pathOf(path, 'id'), { type: 'id' }, session.id)
    if (session.topic !== undefined && typeof session.topic !== 'string') throw invalid(pathOf(path, 'topic'), { type: 'string' }, session.topic)
    if (!Array.isArray(session.messages)) throw invalid(pathOf(path, 'messages'), { type: 'message-list' }, session.messages)

    let id = `nextchat-${session.id}`
    if (ids.has(id)) id = `${id}-${index}`
    ids.add(id)
    const lastUpdate = readTime(session.lastUpdate)
    const mask = isObject(session.mask) ? session.mask : undefined
    const maskModel = isObject(mask?.modelConfig) && typeof mask.modelConfig.model === 'string' ? mask.modelConfig.model : undefined
    if (Array.isArray(mask?.context) && mask.context.length > 0) {
      counts['preset prompt'] = (counts['preset prompt'] ?? 0) + mask.context.length
    }

    const messageIds = new Set<string>()
    const messages: ChatMessage[] = []
    const undated: ChatMessage[] = []
    session.messages.forEach((m, i) => {
      const messagePath = pathOf(pathOf(path, 'messages'), i)
      if (!isObject(m)) throw invalid(messagePath, { type: 'message-object' }, m)
      if (typeof m.role !== 'string') throw invalid(pathOf(messagePath, 'role'), { type: 'role-string' }, m.role)
      const content = contentText(m.content, pathOf(messagePath, 'content'), 'nextchat', counts)
      if (m.role !== 'user' && m.role !== 'assistant') {
        const what = m.role === 'system' ? 'system prompt' : `"${m.role}" message`
        counts[what] = (counts[what] ?? 0) + 1
        return
      }
      let messageId = `${id}-${typeof m.id === 'string' || typeof m.id === 'number' ? String(m.id) : `#${i}`}`
      if (messageIds.has(messageId)) messageId = `${id}-#${i}`
      messageIds.add(messageId)
      const at = typeof m.date === 'string' ? parseLocaleDate(m.date) : undefined
      let status: MessageStatus = 'done'
      if (m.role === 'assistant' && m.streaming === true) status = 'interrupted'
      if (m.role === 'assistant' && m.isError === true) status = 'error'
      const message: ChatMessage = {
        id: messageId,
        conversationId: id,
        seq: messages.length,
        role: m.role,
        content,
        reasoning: '',
        status,
        createdAt: at ?? Number.NaN,
        updatedAt: at ?? Number.NaN,
      }
      if (status === 'error') {
        message.error = { kind: 'http', message: 'NextChat recorded this answer as failed; its error text is part of the answer.' }
      }
      const model = typeof m.model === 'string' && m.model !== '' ? m.model : maskModel
      if (m.role === 'assistant' && model !== undefined) message.model = model
      if (at === undefined) undated.push(message)
      messages.push(message)
    })
    if (messages.length === 0) {
      counts['empty conversation'] = (counts['empty conversation'] ?? 0) + 1
      return
    }
    fillMissingTimes(messages, lastUpdate ?? now)
    const updatedAt = lastUpdate ?? Math.max(...messages.map((m) => m.updatedAt))
    const createdAt = Math.min(messages[0]?.createdAt ?? updatedAt, updatedAt)
    const firstQuestion = messages.find((m) => m.role === 'user')?.content ?? ''
    const title = typeof session.topic === 'string' && session.topic.trim() !== '' ? session.topic.trim() : titleFromQuestion(firstQuestion)
    conversations.push({ conversation: { id, title, createdAt, updatedAt }, messages })
    if (undated.length > 0) counts['message without a readable date'] = (counts['message without a readable date'] ?? 0) + undated.length
  })
  return { source: 'nextchat', conversations, skipped: countSkipped(counts) }
}

/** Gives each undated message the time of the message before it (or after it, or `fallback`). */
function fillMissingTimes(messages: ChatMessage[], fallback: number): void {
  let previous: number | undefined
  const firstKnown = messages.find((m) => !Number.isNaN(m.createdAt))?.createdAt ?? fallback
  for (const message of messages) {
    if (Number.isNaN(message.createdAt)) {
      message.createdAt = previous ?? firstKnown
      message.updatedAt = message.createdAt
    }
    previous = message.createdAt
  }
}

/** A session's `lastUpdate`: epoch ms (current builds) or a locale date string (old builds). */
function readTime(value: Json | undefined): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value
  if (typeof value === 'string') return parseLocaleDate(value)
  return undefined
}

const MERIDIEM_PM = /^(pm|p\.m\.|下午|午後|오후)$/i
const MERIDIEM_AM = /^(am|a\.m\.|上午|午前|오전)$/i

/**
 * Reads a date written by `Date.prototype.toLocaleString()` in the common locales, as local time:
 * year first (`2024/3/1 10:00:00`, `2024/3/1 下午2:05:09`, `2024. 3. 1. 오후 2:05:09`), month first
 * (`3/1/2024, 2:05:09 PM`, day first when the first number is above 12), day first with dots
 * (`01.03.2024, 14:05:09`), or ISO 8601. Returns `undefined` for anything else.
 */
export function parseLocaleDate(text: string): number | undefined {
  const s = text.trim().replace(/\s+/g, ' ')
  const time = String.raw`(?:(am|pm|a\.m\.|p\.m\.|上午|下午|午前|午後|오전|오후) ?)?(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?(am|pm|a\.m\.|p\.m\.))?`
  const ymd = new RegExp(String.raw`^(\d{4})[/.\-] ?(\d{1,2})[/.\-] ?(\d{1,2})\.?,? ${time}$`, 'i').exec(s)
  if (ymd) return build(+ymd[1]!, +ymd[2]!, +ymd[3]!, ymd.slice(4))
  const mdy = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4}),? ${time}$`, 'i').exec(s)
  if (mdy) {
    const [a, b] = [+mdy[1]!, +mdy[2]!]
    return a > 12 ? build(+mdy[3]!, b, a, mdy.slice(4)) : build(+mdy[3]!, a, b, mdy.slice(4))
  }
  const dmy = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4}),? ${time}$`, 'i').exec(s)
  if (dmy) return build(+dmy[3]!, +dmy[2]!, +dmy[1]!, dmy.slice(4))
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) {
    const iso = Date.parse(s)
    return Number.isNaN(iso) ? undefined : iso
  }
  return undefined
}

function build(year: number, month: number, day: number, parts: (string | undefined)[]): number | undefined {
  const [before, h, mi, sec, after] = parts
  let hour = Number(h)
  const meridiem = before ?? after
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined
    if (MERIDIEM_PM.test(meridiem) && hour < 12) hour += 12
    if (MERIDIEM_AM.test(meridiem) && hour === 12) hour = 0
  }
  const minute = Number(mi)
  const second = sec === undefined ? 0 : Number(sec)
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined
  const date = new Date(year, month - 1, day, hour, minute, second)
  // Reject dates the constructor rolled over (31 February → 2 March).
  if (date.getMonth() !== month - 1 || date.getDate() !== day) return undefined
  return date.getTime()
}

function invalid(path: string, expected: Expected, value: unknown): ImportError {
  return expectedAt('nextchat', path, expected, value)
}
