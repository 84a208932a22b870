/**
 * Imports a BetterChatGPT (ztjhz/BetterChatGPT) JSON export.
 *
 * What its Export button writes (src/components/ImportExportChat/ExportChat.tsx, src/types/export.ts):
 * `{ "chats": ChatInterface[], "folders": { [id]: Folder }, "version": 1 }`; exports older than
 * folders are a bare `ChatInterface[]`. A chat is `{ id, title, folder?, titleSet, messages, config }`
 * with `config = { model, max_tokens, temperature, presence_penalty, top_p, frequency_penalty }`
 * and messages `{ role: 'user' | 'assistant' | 'system', content }`, where `content` is a string
 * (older builds) or a list of `{ type: 'text', text }` / `{ type: 'image_url', image_url }` parts.
 * The format has no timestamps and no message ids.
 */
import { titleFromQuestion } from '../conversation'
import type { ChatMessage } from '../types'
import {
  importError,
  contentText,
  countSkipped,
  expectedAt,
  digest,
  isObject,
  pathOf,
  type Expected,
  type ImportError,
  type ImportResult,
  type ImportedConversation,
  type Json,
} from './common'


/** True if a parsed JSON value looks like a BetterChatGPT export (v1 object or legacy array of chats). */
export function isBetterChatGptExport(value: Json): boolean {
  if (Array.isArray(value)) return value.length === 0 || value.every((c) => isObject(c) && Array.isArray(c.messages) && 'title' in c)
  return isObject(value) && Array.isArray(value.chats) && typeof value.version === 'number'
}

/**
 * Converts a BetterChatGPT export. Ids become `bcg-<chat id>` (or a digest of a chat without one),
 * so importing the same export twice finds the same conversations. Without timestamps in the file,
 * every conversation is dated `now`, the first chat of the list newest, as in BetterChatGPT's list.
 * System messages cannot be kept (Inkstream's system prompt lives in Settings) and are counted.
 */
export function importBetterChatGpt(value: Json, now: number): ImportResult {
  let chats: Json[]
  let base: string
  if (Array.isArray(value)) {
    chats = value
    base = ''
  } else if (isObject(value)) {
    if (value.version !== 1) {
      throw importError('version', {
        problem: 'expected',
        format: 'betterchatgpt',
        path: 'version',
        expected: { type: 'betterchatgpt-version' },
        got: value.version,
      })
    }
    if (!Array.isArray(value.chats)) throw invalid('chats', { type: 'chat-list' }, value.chats)
    chats = value.chats
    base = 'chats'
  } else {
    throw invalid('', { type: 'chats' }, value)
  }

  const counts: Record<string, number> = {}
  const ids = new Set<string>()
  const conversations: ImportedConversation[] = []
  chats.forEach((chat, index) => {
    const path = pathOf(base, index)
    if (!isObject(chat)) throw invalid(path, { type: 'chat-object' }, chat)
    if (chat.title !== undefined && typeof chat.title !== 'string') throw invalid(pathOf(path, 'title'), { type: 'string' }, chat.title)
    if (!Array.isArray(chat.messages)) throw invalid(pathOf(path, 'messages'), { type: 'message-list' }, chat.messages)
    const config = chat.config
    if (config !== undefined && !isObject(config)) throw invalid(pathOf(path, 'config'), { type: 'object' }, config)
    const model = isObject(config) && typeof config.model === 'string' && config.model !== '' ? config.model : undefined

    let id = `bcg-${typeof chat.id === 'string' && chat.id !== '' ? chat.id : digest(JSON.stringify(chat))}`
    // BetterChatGPT appends imports without checking ids, so one export can hold the same id twice.
    if (ids.has(id)) id = `${id}-${index}`
    ids.add(id)
    const at = now - index
    const messages: ChatMessage[] = []
    chat.messages.forEach((m, i) => {
      const messagePath = pathOf(pathOf(path, 'messages'), i)
      if (!isObject(m)) throw invalid(messagePath, { type: 'message-object' }, m)
      if (typeof m.role !== 'string') throw invalid(pathOf(messagePath, 'role'), { type: 'role-string' }, m.role)
      const content = contentText(m.content, pathOf(messagePath, 'content'), 'betterchatgpt', counts)
      if (m.role === 'system') {
        counts['system prompt'] = (counts['system prompt'] ?? 0) + 1
        return
      }
      if (m.role !== 'user' && m.role !== 'assistant') {
        counts[`"${m.role}" message`] = (counts[`"${m.role}" message`] ?? 0) + 1
        return
      }
      const seq = messages.length
      const message: ChatMessage = {
        id: `${id}-${i}`,
        conversationId: id,
        seq,
        role: m.role,
        content,
        reasoning: '',
        status: 'done',
        createdAt: at,
        updatedAt: at,
      }
      if (m.role === 'assistant' && model !== undefined) message.model = model
      messages.push(message)
    })
    if (messages.length === 0) {
      counts['empty chat'] = (counts['empty chat'] ?? 0) + 1
      return
    }
    const firstQuestion = messages.find((m) => m.role === 'user')?.content ?? ''
    const title = typeof chat.title === 'string' && chat.title.trim() !== '' ? chat.title.trim() : titleFromQuestion(firstQuestion)
    conversations.push({ conversation: { id, title, createdAt: at, updatedAt: at }, messages })
  })
  return { source: 'betterchatgpt', conversations, skipped: countSkipped(counts) }
}

function invalid(path: string, expected: Expected, value: unknown): ImportError {
  return expectedAt('betterchatgpt', path, expected, value)
}
