/** A seeded history and the backup helpers shared by the backup writer's and reader's tests. */
import { buildBackup, serializeBackup } from '../../src/core/backup'
import { importText } from '../../src/core/importers'
import type { Repository } from '../../src/core/persistence'
import type { ChatMessage, Conversation } from '../../src/core/types'
import { settings } from './persistence/fixtures'

/** The API key the seeded settings hold; no backup may contain it. */
export const KEY = 'sk-canary-backup-test-123456'
export const T = Date.UTC(2024, 0, 2, 3, 4, 5) // 2024-01-02 11:04:05 in Asia/Shanghai

/** A message of conversation `conversationId`: a question at even `seq`, an answer at odd. */
export function msg(conversationId: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  const role = seq % 2 === 0 ? 'user' : 'assistant'
  return {
    id: `${conversationId}-${seq}`,
    conversationId,
    seq,
    parentId: seq === 0 ? null : `${conversationId}-${seq - 1}`,
    role,
    content: role === 'user' ? `问题 ${seq} 🙂` : `回答 ${seq}\n第二行`,
    reasoning: '',
    status: 'done',
    createdAt: T + seq * 1000,
    updatedAt: T + seq * 1000 + 500,
    ...extra,
  }
}

/** A history with every kind of metadata a message can carry. */
export async function seed(repo: Repository): Promise<void> {
  const params = { temperature: 0.7, maxTokens: 2048, topP: 0.7, topK: 50, frequencyPenalty: 0.5, n: 1 } // not in canonical order
  const rich: Conversation = { id: 'rich', title: '各种状态', createdAt: T, updatedAt: T + 9000 }
  await repo.putTurn(rich, [
    msg('rich', 0),
    msg('rich', 1, {
      model: 'deepseek-reasoner',
      params,
      reasoning: 'thinking…\n\n步骤',
      finishReason: 'stop',
      usage: { totalTokens: 30, promptTokens: 10, completionTokens: 20, reasoningTokens: 5 },
    }),
    msg('rich', 2),
    msg('rich', 3, { status: 'stopped', model: 'deepseek-chat', params, finishReason: undefined }),
    msg('rich', 4),
    msg('rich', 5, { status: 'error', content: '', error: { kind: 'http', message: 'Insufficient Balance (402). Top up.', status: 402 } }),
    msg('rich', 6),
    msg('rich', 7, { status: 'interrupted', error: { kind: 'network', message: 'The connection dropped.' } }),
    msg('rich', 8, { content: 'a question with no answer yet' }),
  ])
  // Versions: an answer regenerated once (the first try is an older version, the newer one shown).
  await repo.putTurn({ id: 'older', title: 'Older one', createdAt: T - 86_400_000, updatedAt: T - 86_000_000 }, [
    msg('older', 0, { createdAt: T - 86_400_000, updatedAt: T - 86_400_000 }),
    msg('older', 1, { content: 'first try', status: 'stopped', createdAt: T - 86_400_000, updatedAt: T - 86_200_000 }),
    msg('older', 2, { parentId: 'older-0', role: 'assistant', content: 'second try', createdAt: T - 86_100_000, updatedAt: T - 86_000_000, selectedAt: T - 86_100_000 }),
  ])
  await repo.putConversation({ id: 'empty', title: 'New conversation', createdAt: T + 1, updatedAt: T + 1 })
  await repo.putSettings({ ...settings(), apiKey: KEY })
}

/** The text of a backup of everything in `repo`, as the download writes it. */
export async function backupText(repo: Repository, at = new Date(T)): Promise<string> {
  const [items, stored] = await Promise.all([repo.exportConversations(), repo.getSettings()])
  return serializeBackup(buildBackup(items, { exportedAt: at, settings: stored }), KEY)
}

/** Restores a backup text as the "restore backup" button does. */
export async function restore(repo: Repository, text: string) {
  const result = importText(text, { only: 'inkstream-backup' })
  return repo.importConversations(result.conversations, { settings: result.settings })
}
