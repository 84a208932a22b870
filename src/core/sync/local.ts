/** This browser's side of a sync run, over the history repository. */
import { KV_KEYS, type Repository } from '../persistence'
import type { DeletedMessage } from './merge'
import type { LocalConversation, SyncLocal, SyncState } from './engine'
import type { SyncDatabase } from './database'

/** The history as a sync run sees it: conversations with their message tombstones, and the per-target memory. */
export function repositoryLocal(repository: Repository, database: SyncDatabase): SyncLocal {
  return {
    async read() {
      const [items, tombstones] = await Promise.all([repository.exportConversations(), database.listTombstones()])
      const deletedBy = new Map<string, Record<string, DeletedMessage>>()
      for (const [id, tomb] of Object.entries(tombstones.messages)) {
        const list = deletedBy.get(tomb.conversationId) ?? {}
        list[id] = { at: tomb.at, parentId: tomb.parentId }
        deletedBy.set(tomb.conversationId, list)
      }
      const conversations: LocalConversation[] = items.map(({ conversation, messages }) => ({
        conversation,
        messages,
        deleted: deletedBy.get(conversation.id) ?? {},
      }))
      return { conversations, deleted: tombstones.conversations }
    },
    async apply(changes) {
      await database.applySynced({
        put: changes.put.map(({ doc, base }) => ({ conversation: doc.conversation, messages: doc.messages, deleted: doc.deleted, ...(base ? { base } : {}) })),
        remove: changes.remove,
      })
    },
    async loadState(key) {
      const all = await repository.getValue<Record<string, SyncState>>(KV_KEYS.syncState)
      return all?.[key]
    },
    async saveState(key, state) {
      // One target at a time: the memory of an earlier target would only grow stale.
      await repository.putValue(KV_KEYS.syncState, { [key]: state })
    },
  }
}
