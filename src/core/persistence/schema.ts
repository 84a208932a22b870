/** The typed, versioned IndexedDB schema of Inkstream's history. */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb'
import type { ChatMessage, Conversation } from '../types'
import { attemptsToVersions, needsConversion } from '../versions'

/** Database name used by the app (tests pass their own). */
export const DB_NAME = 'inkstream'

/** Current schema version; bump it and add an `if (oldVersion < n)` step to change the schema. */
export const DB_VERSION = 3

/** Every key of the `kv` store, so every layer spells them the same way. */
export const KV_KEYS = {
  /** The saved Settings (never read back into a backup with its API key). */
  settings: 'settings',
  /** Remembered API keys by endpoint origin (a SecretRing, see `core/keys`); never in a backup. */
  apiKeys: 'apiKeys',
  /** The conversation open when the page was last used. */
  activeConversationId: 'activeConversationId',
  /** The composer's unsent text. */
  draft: 'draft',
  /** The composer's unsent attachments (an Attachment list), kept apart so a key press never rewrites them. */
  draftAttachments: 'draftAttachments',
  /** The prompt library (a list of Prompt), written whole so an import lands all at once or not at all. */
  prompts: 'prompts',
  /** Epoch ms of the last successful backup download. */
  lastBackupAt: 'lastBackupAt',
  /** Prefix of the tombstone of a deleted conversation, `deleted:<id>` (see `tombstoneKey`). */
  deletedPrefix: 'deleted:',
  /** Prefix of the tombstone of one deleted message, `deleted-message:<id>` (a MessageTombstone), for sync. */
  deletedMessagePrefix: 'deleted-message:',
  /** Sync's memory of each target it synced with (see `core/sync/engine.ts`), by target. */
  syncState: 'syncState',
  /** The sync target's settings, never its secrets (see `core/sync/config.ts`). */
  syncTarget: 'syncTarget',
  /** The sync target's secrets, only when the user chose to remember them on this device. */
  syncSecrets: 'syncSecrets',
  /** Epoch ms of the last sync that completed. */
  syncLastAt: 'syncLastAt',
} as const

/** The kv key marking a deleted conversation, so no slower tab can bring it back. */
export function tombstoneKey(conversationId: string): string {
  return `${KV_KEYS.deletedPrefix}${conversationId}`
}

/** The kv key of a deleted message's tombstone. */
export function messageTombstoneKey(messageId: string): string {
  return `${KV_KEYS.deletedMessagePrefix}${messageId}`
}

/** A deleted message, remembered so sync can delete it on other devices too. */
export interface MessageTombstone {
  conversationId: string
  /** The message it followed: its children moved there. */
  parentId: string | null
  /** Epoch ms of the delete. */
  at: number
}

/** The stores and indexes of the history database. */
export interface ChatDB extends DBSchema {
  conversations: {
    key: string
    value: Conversation
    indexes: { 'by-updated': number }
  }
  messages: {
    key: string
    value: ChatMessage
    // Compound key: one range query returns a conversation's messages already ordered by seq.
    // 'by-status' (v2): finding answers a closed tab left streaming, at every start, without
    // reading the whole history.
    indexes: { 'by-conversation': [string, number]; 'by-status': string }
  }
  kv: {
    key: string
    value: unknown
  }
}

/** An open, typed connection to the history database. */
export type ChatDatabase = IDBPDatabase<ChatDB>

/** The version-change transaction an upgrade runs in. */
export type UpgradeTransaction = IDBPTransaction<ChatDB, StoreNames<ChatDB>[], 'versionchange'>

/**
 * Brings a database from `oldVersion` to `DB_VERSION`, one cumulative step per version.
 * Runs inside the version-change transaction: if a step throws, the whole upgrade rolls back and the
 * old data stays intact, so steps may read and rewrite records through `tx` but must never await
 * anything that is not an IndexedDB request.
 */
export function upgrade(
  db: ChatDatabase,
  oldVersion: number,
  _newVersion: number | null,
  tx: UpgradeTransaction,
): void {
  if (oldVersion < 1) {
    const conversations = db.createObjectStore('conversations', { keyPath: 'id' })
    conversations.createIndex('by-updated', 'updatedAt')
    const messages = db.createObjectStore('messages', { keyPath: 'id' })
    messages.createIndex('by-conversation', ['conversationId', 'seq'])
    db.createObjectStore('kv')
  }
  if (oldVersion < 2) {
    tx.objectStore('messages').createIndex('by-status', 'status')
  }
  if (oldVersion < 3 && oldVersion > 0) {
    // Versions (v3): every message names its parent, and Retry's earlier attempts become older
    // versions of their answer. Only IndexedDB requests are awaited, so the transaction stays alive;
    // a failure aborts it and the schema-2 data stays as it was.
    const messages = tx.objectStore('messages')
    void (async () => {
      const byConversation = new Map<string, ChatMessage[]>()
      for (const record of await messages.getAll()) {
        const list = byConversation.get(record.conversationId)
        if (list) list.push(record)
        else byConversation.set(record.conversationId, [record])
      }
      const writes: Promise<unknown>[] = []
      for (const records of byConversation.values()) {
        if (!needsConversion(records)) continue
        for (const record of attemptsToVersions(records)) writes.push(messages.put(record))
      }
      await Promise.all(writes)
    })().catch(() => {
      try {
        tx.abort()
      } catch {
        // Already aborted.
      }
    })
  }
  // Future versions: `if (oldVersion < 4) { … }` using `tx` to migrate existing records in place.
}
