/**
 * Sync's own reads and writes of the history database: the tombstones, and writing a merged
 * result in one transaction. Kept out of the repository (which is in the first load) and opened as
 * a second connection to the same database when sync first runs.
 */
import { wrap } from 'idb'
import { DB_NAME, DB_VERSION, KV_KEYS, messageTombstoneKey, tombstoneKey, toPlainData } from '../persistence'
import type { ChatDatabase, MessageTombstone } from '../persistence'
import type { ChatMessage, Conversation } from '../types'

/** Every tombstone: deleted conversations (epoch ms of the delete) and deleted messages. */
export interface Tombstones {
  conversations: Record<string, number>
  messages: Record<string, MessageTombstone>
}

/** One conversation as a sync merged it. */
export interface SyncedConversation {
  conversation: Conversation
  messages: ChatMessage[]
  deleted: Record<string, { at: number; parentId: string | null }>
  /** The record read before the sync, to tell a change made during it. */
  base?: Conversation
}

/** Sync's access to the history database. */
export interface SyncDatabase {
  listTombstones(): Promise<Tombstones>
  /**
   * Writes what a sync merged, in one transaction. A merged conversation lives again here (its
   * tombstone goes) unless it was deleted here during the run; each message is merged with the
   * stored copy (a copy edited here meanwhile wins); tombstoned messages are deleted unless edited
   * after the delete; a title or pin changed here during the run (the record no longer equals
   * `base`) is kept. `remove` deletes conversations deleted elsewhere, keeping their delete time.
   */
  applySynced(changes: { put: readonly SyncedConversation[]; remove: readonly { id: string; at: number }[] }): Promise<void>
  close(): void
}

/** Opens a second connection to the history database (which the app has already created). */
export function openSyncDatabase(options: { dbName?: string; idbFactory?: IDBFactory } = {}): Promise<SyncDatabase> {
  const factory = options.idbFactory ?? globalThis.indexedDB
  return new Promise((resolve, reject) => {
    const request = factory.open(options.dbName ?? DB_NAME, DB_VERSION)
    // The app opened (and upgraded) it first; should it not exist, sync has nothing to write into.
    request.onupgradeneeded = () => request.transaction?.abort()
    request.onerror = () => reject(request.error ?? new Error('The history database could not be opened for sync'))
    request.onsuccess = () => {
      const raw = request.result
      // A newer build wants to upgrade: let it (the next sync opens again).
      raw.onversionchange = () => raw.close()
      resolve(syncDatabase(wrap(raw) as unknown as ChatDatabase))
    }
  })
}

const range = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`)
const conversationRange = (id: string) => IDBKeyRange.bound([id, -Infinity], [id, Infinity])

function syncDatabase(db: ChatDatabase): SyncDatabase {
  return {
    async listTombstones() {
      const tx = db.transaction('kv', 'readonly')
      const [convKeys, convValues, msgKeys, msgValues] = await Promise.all([
        tx.store.getAllKeys(range(KV_KEYS.deletedPrefix)),
        tx.store.getAll(range(KV_KEYS.deletedPrefix)),
        tx.store.getAllKeys(range(KV_KEYS.deletedMessagePrefix)),
        tx.store.getAll(range(KV_KEYS.deletedMessagePrefix)),
        tx.done,
      ])
      const out: Tombstones = { conversations: {}, messages: {} }
      convKeys.forEach((key, i) => {
        const at = convValues[i]
        out.conversations[key.slice(KV_KEYS.deletedPrefix.length)] = typeof at === 'number' ? at : 0
      })
      msgKeys.forEach((key, i) => {
        const tomb = msgValues[i] as MessageTombstone | undefined
        if (tomb && typeof tomb.conversationId === 'string') out.messages[key.slice(KV_KEYS.deletedMessagePrefix.length)] = tomb
      })
      return out
    },

    async applySynced(changes) {
      // Copied before the transaction opens: no non-IDB work while it lives.
      const puts = changes.put.map((item) => {
        const conversation = toPlainData(item.conversation)
        const messages = item.messages.map((m) => toPlainData(m))
        for (const m of messages) {
          if (m.conversationId !== conversation.id || !Number.isSafeInteger(m.seq)) throw new TypeError(`applySynced: message ${m.id} does not fit conversation ${conversation.id}`)
        }
        return { conversation, messages, deleted: toPlainData(item.deleted), base: item.base && toPlainData(item.base) }
      })
      const tx = db.transaction(['conversations', 'messages', 'kv'], 'readwrite')
      const conversationStore = tx.objectStore('conversations')
      const messageStore = tx.objectStore('messages')
      const kv = tx.objectStore('kv')
      const done = tx.done
      try {
        const writes: Promise<unknown>[] = []
        for (const item of puts) {
          const id = item.conversation.id
          const [stored, storedMessages] = await Promise.all([conversationStore.get(id), messageStore.index('by-conversation').getAll(conversationRange(id))])
          // Deleted here while the sync ran: that delete is the newer wish, and the next sync sends it.
          if (item.base !== undefined && stored === undefined) continue
          writes.push(kv.delete(tombstoneKey(id)))
          const changedHere = stored !== undefined && item.base !== undefined && !sameRecord(stored, item.base)
          const record: Conversation = changedHere
            ? { ...stored, createdAt: Math.min(stored.createdAt, item.conversation.createdAt), updatedAt: Math.max(stored.updatedAt, item.conversation.updatedAt) }
            : { ...item.conversation, updatedAt: Math.max(stored?.updatedAt ?? 0, item.conversation.updatedAt) }
          if (!stored || !sameRecord(stored, record)) writes.push(conversationStore.put(record))
          const byId = new Map(storedMessages.map((m) => [m.id, m]))
          for (const m of item.messages) {
            const have = byId.get(m.id)
            const next = have === undefined ? m : syncedMessage(have, m)
            if (!have || !sameRecord(have, next)) writes.push(messageStore.put(next))
          }
          for (const [messageId, tomb] of Object.entries(item.deleted)) {
            const have = byId.get(messageId)
            if (have && have.updatedAt <= tomb.at) writes.push(messageStore.delete(messageId))
            const value: MessageTombstone = { conversationId: id, parentId: tomb.parentId, at: tomb.at }
            writes.push(kv.put(value, messageTombstoneKey(messageId)))
          }
        }
        for (const { id, at } of changes.remove) {
          const [keys, previous] = await Promise.all([messageStore.index('by-conversation').getAllKeys(conversationRange(id)), kv.get(tombstoneKey(id))])
          writes.push(conversationStore.delete(id))
          writes.push(kv.put(Math.max(at, typeof previous === 'number' ? previous : 0), tombstoneKey(id)))
          for (const key of keys) writes.push(messageStore.delete(key))
        }
        await Promise.all(writes)
        await done
      } catch (error) {
        try {
          tx.abort()
        } catch {
          // Already finished or aborting.
        }
        await done.catch(() => undefined)
        throw error
      }
    },

    close() {
      db.close()
    },
  }
}

/** A synced copy of a stored message: a copy edited here since (newer) wins; the latest version choice stays. */
function syncedMessage(stored: ChatMessage, synced: ChatMessage): ChatMessage {
  const base = stored.updatedAt > synced.updatedAt ? stored : synced
  const selectedAt = Math.max(stored.selectedAt ?? -Infinity, synced.selectedAt ?? -Infinity)
  return Number.isFinite(selectedAt) ? { ...base, selectedAt } : base
}

/** Whether two plain records hold the same data, whatever their key order. */
function sameRecord(a: object, b: object): boolean {
  return stableJson(a) === stableJson(b)
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  )
}
