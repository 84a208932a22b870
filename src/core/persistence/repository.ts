/** Conversation history on IndexedDB: one small record per message, short transactions, plain data. */
import { wrap } from 'idb'
import { UNTITLED } from '../conversation'
import type { ChatMessage, Conversation, ConversationSettings, GenerationParams, Settings } from '../types'

/** Settings as stored: without the API key, which is kept per endpoint (see `core/keys`). */
export type StoredSettings = Omit<Settings, 'apiKey'> & { apiKey?: string }
import { persistenceErrorText, isQuotaExceeded } from '../errorText'
import { PersistenceError, type ClosedBy, type PersistenceErrorInfo } from './errors'
import { DB_NAME, DB_VERSION, KV_KEYS, messageTombstoneKey, tombstoneKey, upgrade } from './schema'
import type { MessageTombstone } from './schema'
import type { ChatDatabase, UpgradeTransaction } from './schema'
import { toFinishReason } from '../finishReason'
import { attemptsToVersions, needsConversion } from '../versions'

/** Options of `createRepository`; every field is optional. */
export interface RepositoryOptions {
  /** Database name; defaults to `'inkstream'`. Tests pass a unique name or their own factory. */
  dbName?: string
  /** IndexedDB implementation; defaults to `globalThis.indexedDB`. */
  idbFactory?: IDBFactory
  /** A newer build in another tab wants to upgrade: the connection is already closed; ask for a reload. */
  onVersionChange?: () => void
  /** The browser closed the connection abnormally (e.g. site data cleared); later calls reject. */
  onTerminated?: () => void
  /** Opening waits for other tabs that keep an older version open; tell the user to close them. */
  onBlocked?: () => void
  /** Give up opening after this many milliseconds (default 10 000) rather than spin forever. */
  openTimeoutMs?: number
}

/** Everything the app reads from and writes to its history database. */
export interface Repository {
  /** All conversations, newest `updatedAt` first. */
  listConversations(): Promise<Conversation[]>
  /** One conversation's metadata, or `undefined`. */
  getConversation(id: string): Promise<Conversation | undefined>
  /** Creates or replaces a conversation's metadata. */
  putConversation(conversation: Conversation): Promise<void>
  /** Deletes a conversation and all of its messages in one transaction. */
  deleteConversation(id: string): Promise<void>
  /** A conversation's messages ordered by `seq`. */
  listMessages(conversationId: string): Promise<ChatMessage[]>
  /** One message, or `undefined`. */
  getMessage(id: string): Promise<ChatMessage | undefined>
  /**
   * Writes one message only if its conversation was not deleted, in one transaction, and says
   * whether it did: another tab may have deleted the conversation, which must never come back.
   * If the conversation record is missing but was never deleted (its first save failed, e.g. on a
   * full disk), `conversationIfMissing` is written with it.
   */
  saveMessage(message: ChatMessage, conversationIfMissing?: Conversation): Promise<boolean>
  /**
   * Changes a conversation's title, pin and/or `updatedAt` by reading the stored record in the same
   * transaction, so a tab with a stale copy cannot undo another tab's rename or pin; `updatedAt` only
   * grows (pinning leaves it alone). Returns the stored result, or `undefined` if the conversation no
   * longer exists.
   */
  updateConversation(id: string, patch: ConversationPatch): Promise<Conversation | undefined>
  /** Whether a conversation was deleted (in any tab); deleted ids are never written again except by an import. */
  isDeleted(id: string): Promise<boolean>
  /** Writes a conversation's metadata and some of its messages atomically: all or nothing. */
  putTurn(conversation: Conversation, messages: ChatMessage[]): Promise<void>
  /** The saved settings, or `undefined` before the first save (records of older builds may hold `apiKey`). */
  getSettings(): Promise<Settings | undefined>
  /** Replaces the saved settings. API keys live apart (`KV_KEYS.apiKeys`); only an unmigrated old key stays here. */
  putSettings(settings: StoredSettings): Promise<void>
  /** A small UI-state value from the `kv` store, or `undefined`. */
  getValue<T>(key: string): Promise<T | undefined>
  /** Stores a small JSON-safe UI-state value; `undefined` deletes the key. */
  putValue(key: string, value: unknown): Promise<void>
  /** Writes several `kv` entries in one transaction (`undefined` deletes): all land, or none. */
  putValues(entries: Record<string, unknown>): Promise<void>
  /**
   * Reads a `kv` entry and writes `update(value)` in one transaction (`undefined` deletes), so a
   * change another tab made a moment ago is built on, not overwritten. Resolves to what was written.
   */
  updateValue<T>(key: string, update: (current: unknown) => T | undefined): Promise<T | undefined>
  /**
   * Marks answers left `streaming` (by a tab that closed or crashed) as `interrupted`, keeping their
   * text, and returns how many changed. Pass `updatedBefore` (e.g. `Date.now() - 5000`) so an answer
   * another open tab is still streaming, and therefore checkpointed recently, is left alone.
   */
  recoverInterrupted(options?: { updatedBefore?: number; exceptConversations?: ReadonlySet<string> }): Promise<number>
  /** Every conversation with all of its messages (ordered by seq), read in one transaction. */
  exportConversations(): Promise<ConversationRecords[]>
  /**
   * Writes whole conversations (an import or a restored backup) in ONE transaction: all of them or,
   * if anything fails, none. A conversation whose id is new is added as it is. One that exists is
   * merged, so nothing already stored is ever lost and importing the same file twice changes nothing:
   * messages are matched by id and the copy with the later `updatedAt` wins (the stored one on a
   * tie); stored messages missing from the import stay; a new message whose `seq` is taken moves to
   * the end, in import order; title and `updatedAt` come from the later copy, `createdAt` is the
   * earlier one. A message id stored under another conversation aborts the import (a
   * PersistenceError of kind `conflict`). `settings` (never containing an API key) are written only
   * if none are saved yet, i.e. into a fresh browser.
   */
  importConversations(
    items: readonly ConversationRecords[],
    options?: { settings?: Omit<Partial<Settings>, 'params'> & { params?: Partial<GenerationParams> } },
  ): Promise<ImportSummary>
  /**
   * Deletes one message and rewrites the records that change with it (its children, moved to its
   * parent: see `planDelete`) in one transaction. Returns false if the conversation was deleted.
   */
  deleteMessage(id: string, updates: ChatMessage[]): Promise<boolean>
  /** Closes the connection; later calls reject with a `closed` PersistenceError. */
  close(): void
}

/** What `updateConversation` may change. `pinned: false` removes the pin. */
export interface ConversationPatch {
  title?: string
  /** Change the title only if the stored one is still this (a suggestion must not undo a rename). */
  ifTitle?: string
  updatedAt?: number
  pinned?: boolean
  /** The conversation's own settings; an empty object removes them. */
  settings?: ConversationSettings
  /** The context breaks, whole; an empty list removes them. */
  contextBreaks?: string[]
}

/** One conversation's metadata and its messages. */
export interface ConversationRecords {
  conversation: Conversation
  messages: ChatMessage[]
}

/** What `importConversations` changed. */
export interface ImportSummary {
  /** Conversations that did not exist before. */
  addedConversations: number
  /** Existing conversations that gained or changed at least one record. */
  mergedConversations: number
  /** Existing conversations the import left exactly as they were. */
  unchangedConversations: number
  /** Messages written that did not exist before. */
  addedMessages: number
  /** Existing messages replaced by a newer copy. */
  updatedMessages: number
  /** Whether the settings were written (the browser had none). */
  settingsRestored: boolean
}

const DEFAULT_OPEN_TIMEOUT_MS = 10_000

/** Opens (creating or upgrading if needed) the history database and returns its repository. */
export async function createRepository(options: RepositoryOptions = {}): Promise<Repository> {
  const raw = await openDatabase(options)
  const db = wrap(raw) as unknown as ChatDatabase
  let closedBy: ClosedBy | undefined

  // Attached in the same task as the open resolved, so no event can slip in before.
  raw.addEventListener('versionchange', () => {
    // Holding on would block the newer tab's upgrade forever; it owns the schema now.
    raw.close()
    closedBy ??= 'versionchange'
    options.onVersionChange?.()
  })
  raw.addEventListener('close', () => {
    closedBy ??= 'terminated'
    options.onTerminated?.()
  })

  // A closed connection would otherwise throw an opaque InvalidStateError from deep inside idb.
  const live = (): ChatDatabase => {
    if (closedBy !== undefined) throw failure({ kind: 'closed', closedBy })
    return db
  }

  return withQuotaErrors({
    async listConversations() {
      const byUpdated = await live().getAllFromIndex('conversations', 'by-updated')
      return byUpdated.reverse()
    },

    async getConversation(id) {
      return live().get('conversations', id)
    },

    async putConversation(conversation) {
      const plain = checkConversation(toPlainData(conversation))
      const tx = live().transaction(['conversations', 'kv'], 'readwrite')
      await runInTransaction(tx, async () => {
        if ((await tx.objectStore('kv').getKey(tombstoneKey(plain.id))) !== undefined) return
        await tx.objectStore('conversations').put(plain)
      })
    },

    async deleteConversation(id) {
      const tx = live().transaction(['conversations', 'messages', 'kv'], 'readwrite')
      await runInTransaction(tx, async () => {
        const messages = tx.objectStore('messages')
        const keys = await messages.index('by-conversation').getAllKeys(conversationRange(id))
        await issueAll([
          () => tx.objectStore('conversations').delete(id),
          // A tombstone, so a slower tab still streaming into it cannot bring it back.
          () => tx.objectStore('kv').put(Date.now(), tombstoneKey(id)),
          ...keys.map((key) => () => messages.delete(key)),
        ])
      })
    },

    async getMessage(id) {
      const record = await live().get('messages', id)
      return record && fromStored(record)
    },

    async saveMessage(message, conversationIfMissing) {
      const plain = checkMessage(toPlainData(message))
      const meta = conversationIfMissing && checkConversation(toPlainData(conversationIfMissing))
      const tx = live().transaction(['conversations', 'messages', 'kv'], 'readwrite')
      let saved = false
      await runInTransaction(tx, async () => {
        const conversations = tx.objectStore('conversations')
        if ((await conversations.getKey(plain.conversationId)) === undefined) {
          if (!meta || meta.id !== plain.conversationId) return
          if ((await tx.objectStore('kv').getKey(tombstoneKey(meta.id))) !== undefined) return
          await conversations.put(meta)
        }
        await tx.objectStore('messages').put(plain)
        saved = true
      })
      return saved
    },

    async deleteMessage(id, updates) {
      const plain = updates.map((m) => checkMessage(toPlainData(m)))
      const tx = live().transaction(['messages', 'kv'], 'readwrite')
      let done = false
      await runInTransaction(tx, async () => {
        const messages = tx.objectStore('messages')
        const stored = await messages.get(id)
        if (!stored || (await tx.objectStore('kv').getKey(tombstoneKey(stored.conversationId))) !== undefined) return
        // Remembered so that sync deletes it on other devices too, rather than bringing it back.
        const tomb: MessageTombstone = { conversationId: stored.conversationId, parentId: stored.parentId ?? null, at: Date.now() }
        await issueAll([
          () => messages.delete(id),
          () => tx.objectStore('kv').put(tomb, messageTombstoneKey(id)),
          ...plain.map((m) => () => messages.put(m)),
        ])
        done = true
      })
      return done
    },

    async updateConversation(id, patch) {
      const tx = live().transaction('conversations', 'readwrite')
      let result: Conversation | undefined
      await runInTransaction(tx, async () => {
        const stored = await tx.store.get(id)
        if (!stored) return
        const next: Conversation = {
          ...stored,
          ...(patch.title === undefined || (patch.ifTitle !== undefined && stored.title !== patch.ifTitle) ? {} : { title: patch.title }),
          updatedAt: Math.max(stored.updatedAt, patch.updatedAt ?? stored.updatedAt),
        }
        if (patch.pinned === true) next.pinned = true
        else if (patch.pinned === false) delete next.pinned
        if (patch.settings !== undefined) {
          if (Object.keys(patch.settings).length > 0) next.settings = patch.settings
          else delete next.settings
        }
        if (patch.contextBreaks !== undefined) {
          if (patch.contextBreaks.length > 0) next.contextBreaks = patch.contextBreaks
          else delete next.contextBreaks
        }
        result = next
        await tx.store.put(next)
      })
      return result
    },

    async isDeleted(id) {
      return (await live().getKey('kv', tombstoneKey(id))) !== undefined
    },

    async listMessages(conversationId) {
      return (await live().getAllFromIndex('messages', 'by-conversation', conversationRange(conversationId))).map(fromStored)
    },

    async putTurn(conversation, messages) {
      // Copy and validate everything before the transaction opens, so a bad record cannot leave
      // half a turn behind and no non-IDB work happens while the transaction is alive.
      const plainConversation = checkConversation(toPlainData(conversation))
      const plainMessages = messages.map((m) => checkMessage(toPlainData(m)))
      for (const m of plainMessages) {
        if (m.conversationId !== plainConversation.id) {
          throw new TypeError(`putTurn: message ${m.id} belongs to ${m.conversationId}, not ${plainConversation.id}`)
        }
      }
      const tx = live().transaction(['conversations', 'messages', 'kv'], 'readwrite')
      await runInTransaction(tx, async () => {
        const conversationStore = tx.objectStore('conversations')
        // Both reads in one round trip: each hop waits behind whatever the page renders meanwhile
        // (a send's own render), and this write stands between Send and the request leaving.
        const [tombstone, stored] = await Promise.all([
          tx.objectStore('kv').getKey(tombstoneKey(plainConversation.id)),
          conversationStore.get(plainConversation.id),
        ])
        if (tombstone !== undefined) throw failure({ kind: 'deleted' })
        const messageStore = tx.objectStore('messages')
        return issueAll([
          () => conversationStore.put(mergeTurnMeta(stored, plainConversation)),
          ...plainMessages.map((m) => () => messageStore.put(m)),
        ])
      })
    },

    async getSettings() {
      return (await live().get('kv', KV_KEYS.settings)) as Settings | undefined
    },

    async putSettings(settings) {
      await live().put('kv', toPlainData(settings), KV_KEYS.settings)
    },

    async getValue<T>(key: string) {
      return (await live().get('kv', key)) as T | undefined
    },

    async putValue(key, value) {
      if (value === undefined) await live().delete('kv', key)
      else await live().put('kv', toPlainData(value), key)
    },

    async updateValue(key, update) {
      const tx = live().transaction('kv', 'readwrite')
      let next: ReturnType<typeof update> = undefined
      await runInTransaction(tx, async () => {
        next = update(await tx.store.get(key))
        await (next === undefined ? tx.store.delete(key) : tx.store.put(toPlainData(next), key))
      })
      return next
    },

    async putValues(entries) {
      const plain = Object.entries(entries).map(([key, value]) => [key, value === undefined ? undefined : toPlainData(value)] as const)
      const tx = live().transaction('kv', 'readwrite')
      await Promise.all([
        ...plain.map(([key, value]) => (value === undefined ? tx.store.delete(key) : tx.store.put(value, key))),
        tx.done,
      ])
    },

    async recoverInterrupted(recoverOptions = {}) {
      const { updatedBefore, exceptConversations } = recoverOptions
      const tx = live().transaction('messages', 'readwrite')
      let count = 0
      await runInTransaction(tx, async () => {
        // Only the answers still marked streaming, through the status index: start-up cost does
        // not grow with the history.
        let cursor = await tx.store.index('by-status').openCursor('streaming')
        while (cursor) {
          const message = cursor.value
          if (
            message.status === 'streaming' &&
            (updatedBefore === undefined || message.updatedAt < updatedBefore) &&
            !exceptConversations?.has(message.conversationId)
          ) {
            await cursor.update({ ...message, status: 'interrupted' })
            count += 1
          }
          cursor = await cursor.continue()
        }
      })
      return count
    },

    async exportConversations() {
      const tx = live().transaction(['conversations', 'messages'], 'readonly')
      const [conversations, messages] = await Promise.all([
        tx.objectStore('conversations').getAll(),
        tx.objectStore('messages').index('by-conversation').getAll(),
        tx.done,
      ])
      const byConversation = new Map<string, ChatMessage[]>(conversations.map((c) => [c.id, []]))
      // The index is ordered by [conversationId, seq], so each list comes out in seq order.
      for (const message of messages) byConversation.get(message.conversationId)?.push(fromStored(message))
      return conversations.map((conversation) => ({ conversation, messages: byConversation.get(conversation.id) ?? [] }))
    },

    async importConversations(items, importOptions = {}) {
      // Everything is copied and checked before the transaction opens: a bad record fails the
      // whole import before a single write, and no non-IDB work runs while the transaction lives.
      const plainItems = items.map((item) => {
        const conversation = checkConversation(toPlainData(item.conversation))
        const plain = item.messages.map((m) => checkMessage(toPlainData(m)))
        // Files from before versions (and other apps' linear histories) become a one-branch tree.
        const messages = needsConversion(plain) ? attemptsToVersions(plain) : plain
        for (const m of messages) {
          if (m.conversationId !== conversation.id) {
            throw new TypeError(`importConversations: message ${m.id} belongs to ${m.conversationId}, not ${conversation.id}`)
          }
        }
        return { conversation, messages }
      })
      const seen = new Set<string>()
      for (const { conversation } of plainItems) {
        if (seen.has(conversation.id)) throw new TypeError(`importConversations: conversation ${conversation.id} appears twice`)
        seen.add(conversation.id)
      }
      const settings = importOptions.settings === undefined ? undefined : toPlainData(importOptions.settings)
      if (settings && 'apiKey' in settings) delete settings.apiKey

      const summary: ImportSummary = {
        addedConversations: 0,
        mergedConversations: 0,
        unchangedConversations: 0,
        addedMessages: 0,
        updatedMessages: 0,
        settingsRestored: false,
      }
      const tx = live().transaction(['conversations', 'messages', 'kv'], 'readwrite')
      await runInTransaction(tx, async () => {
        const conversationStore = tx.objectStore('conversations')
        const messageStore = tx.objectStore('messages')
        const writes: (() => Promise<unknown>)[] = []
        for (const incoming of plainItems) {
          const id = incoming.conversation.id
          const [stored, storedMessages] = await Promise.all([
            conversationStore.get(id),
            messageStore.index('by-conversation').getAll(conversationRange(id)),
          ])
          const storedIds = new Set(storedMessages.map((m) => m.id))
          // Message ids are keys of the whole store: one stored under another conversation must not move.
          const elsewhere = await Promise.all(
            incoming.messages.filter((m) => !storedIds.has(m.id)).map((m) => messageStore.getKey(m.id).then((key) => (key === undefined ? undefined : m.id))),
          )
          const clash = elsewhere.find((key) => key !== undefined)
          if (clash !== undefined) {
            throw failure({ kind: 'conflict', recordId: clash })
          }
          const merged = mergeConversation(stored === undefined ? undefined : { conversation: stored, messages: storedMessages }, incoming)
          if (stored === undefined) summary.addedConversations += 1
          else if (merged.conversation || merged.messages.length > 0) summary.mergedConversations += 1
          else summary.unchangedConversations += 1
          summary.addedMessages += merged.added
          summary.updatedMessages += merged.updated
          // Importing is an explicit wish to have this conversation back, even if it was deleted.
          writes.push(() => tx.objectStore('kv').delete(tombstoneKey(id)))
          if (merged.conversation) {
            const record = merged.conversation
            writes.push(() => conversationStore.put(record))
          }
          for (const message of merged.messages) writes.push(() => messageStore.put(message))
        }
        if (settings && (await tx.objectStore('kv').getKey(KV_KEYS.settings)) === undefined) {
          writes.push(() => tx.objectStore('kv').put(settings, KV_KEYS.settings))
          summary.settingsRestored = true
        }
        await issueAll(writes)
      })
      return summary
    },

    close() {
      closedBy ??= 'close'
      db.close()
    },
  })
}

/**
 * The import merge policy (see `Repository.importConversations`): which records to write so that
 * `stored` gains what `incoming` adds without losing anything. Pure; runs inside the transaction.
 */
function mergeConversation(
  stored: ConversationRecords | undefined,
  incoming: ConversationRecords,
): { conversation: Conversation | undefined; messages: ChatMessage[]; added: number; updated: number } {
  if (!stored) return { conversation: incoming.conversation, messages: incoming.messages, added: incoming.messages.length, updated: 0 }

  const byId = new Map(stored.messages.map((m) => [m.id, m]))
  const usedSeqs = new Set(stored.messages.map((m) => m.seq))
  let nextSeq = Math.max(-1, ...stored.messages.map((m) => m.seq)) + 1
  const writes: ChatMessage[] = []
  const fresh: ChatMessage[] = []
  let updated = 0
  for (const message of [...incoming.messages].sort((a, b) => a.seq - b.seq)) {
    const existing = byId.get(message.id)
    if (existing === undefined) fresh.push(message)
    else if (message.updatedAt > existing.updatedAt) {
      writes.push(message)
      updated += 1
    }
  }
  const clashes = fresh.some((m) => usedSeqs.has(m.seq)) || new Set(fresh.map((m) => m.seq)).size !== fresh.length
  for (const message of fresh) {
    // Histories that diverged after the backup: keep both, the imported turns after the stored ones.
    writes.push(clashes ? { ...message, seq: nextSeq++ } : message)
  }

  const a = stored.conversation
  const b = incoming.conversation
  const newer = b.updatedAt > a.updatedAt ? b : a
  const conversation: Conversation = { ...newer, createdAt: Math.min(a.createdAt, b.createdAt) }
  const changed =
    conversation.title !== a.title ||
    conversation.updatedAt !== a.updatedAt ||
    conversation.createdAt !== a.createdAt ||
    conversation.pinned !== a.pinned
  return { conversation: changed ? conversation : undefined, messages: writes, added: fresh.length, updated }
}

/**
 * The conversation record a turn writes: a stored record keeps its title (another tab may have
 * renamed it) unless it still has the placeholder title, and `updatedAt` only grows.
 */
function mergeTurnMeta(stored: Conversation | undefined, incoming: Conversation): Conversation {
  if (!stored) return incoming
  return {
    ...stored,
    title: stored.title === UNTITLED ? incoming.title : stored.title,
    updatedAt: Math.max(stored.updatedAt, incoming.updatedAt),
  }
}

/**
 * Returns a plain, structured-cloneable copy of JSON-safe data.
 * Vue's reactive proxies (even nested ones left inside a `toRaw`'d object) make IndexedDB throw
 * `DataCloneError`; a JSON round trip reads through any proxy and is cheap for these small records.
 * `undefined` fields disappear, which is what optional fields mean anyway.
 */
export function toPlainData<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || 'toJSON' in value) return jsonCopy(value)
  // A top-level string (a 5 MB answer saved several times a second while it streams) is kept as
  // is: strings are immutable and a JSON round trip gives them back unchanged, at a cost linear in
  // their length on every save. Placeholders keep the keys in their order.
  const rest = { ...value } as Record<string, unknown>
  const strings = Object.entries(rest).filter((entry) => typeof entry[1] == 'string')
  for (const [key] of strings) rest[key] = ''
  const copy = jsonCopy(rest)
  for (const [key, field] of strings) copy[key] = field
  return copy as T
}

function jsonCopy<T>(value: T): T {
  const json = JSON.stringify(value)
  if (json === undefined) throw new TypeError('Cannot store a value that has no JSON form')
  return JSON.parse(json) as T
}

/**
 * A record as the app reads it. Builds before the decoder normalised finish reasons stored the
 * provider's own word (`content_filter`, `sensitive`…); reading maps it, so no migration is needed.
 */
function fromStored(message: ChatMessage): ChatMessage {
  const raw: unknown = message.finishReason
  if (raw === undefined) return message
  const finishReason = toFinishReason(raw)
  if (finishReason === raw) return message
  const { finishReason: _old, ...rest } = message
  return finishReason === undefined ? rest : { ...rest, finishReason }
}

function checkConversation(conversation: Conversation): Conversation {
  if (typeof conversation.id !== 'string' || conversation.id === '') {
    throw new TypeError('Conversation needs a non-empty string id')
  }
  // A record without a numeric updatedAt is silently missing from the 'by-updated' index (and the list).
  if (!Number.isFinite(conversation.updatedAt)) {
    throw new TypeError(`Conversation ${conversation.id} needs a finite updatedAt`)
  }
  return conversation
}

function checkMessage(message: ChatMessage): ChatMessage {
  if (typeof message.id !== 'string' || message.id === '') {
    throw new TypeError('Message needs a non-empty string id')
  }
  // Both parts of the 'by-conversation' key must be valid, or the message never shows up in its conversation.
  if (typeof message.conversationId !== 'string' || message.conversationId === '') {
    throw new TypeError(`Message ${message.id} needs a non-empty conversationId`)
  }
  if (!Number.isSafeInteger(message.seq) || message.seq < 0) {
    throw new TypeError(`Message ${message.id} needs a non-negative integer seq`)
  }
  return message
}

function conversationRange(conversationId: string): IDBKeyRange {
  return IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity])
}

/**
 * Runs `work` inside `tx` and settles only once the transaction has committed or fully rolled back.
 * A synchronous throw or a rejected request aborts the transaction explicitly, so writes already
 * issued are never committed on their own.
 */
async function runInTransaction(
  tx: { readonly done: Promise<void>; readonly error: DOMException | null; abort(): void },
  work: () => Promise<unknown>,
): Promise<void> {
  const done = tx.done
  try {
    await work()
    await done
  } catch (error) {
    try {
      tx.abort()
    } catch {
      // Already finished or aborting: nothing left to roll back.
    }
    await done.catch(() => undefined)
    throw asQuota(error, tx.error)
  }
}

/** The repository with every call's QuotaExceededError (thrown or aborting its transaction) as a `quota` PersistenceError. */
function withQuotaErrors(repository: Repository): Repository {
  const guarded: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(repository) as [string, (...args: unknown[]) => unknown][]) {
    guarded[name] =
      name === 'close'
        ? method
        : async (...args: unknown[]) => {
            try {
              return await method(...args)
            } catch (error) {
              throw asQuota(error)
            }
          }
  }
  return guarded as unknown as Repository
}

/**
 * Issues requests in order and waits for all of them. If issuing one throws (the engine refused the
 * value), the requests already issued will reject when the transaction aborts; they are observed
 * here so that never surfaces as an unhandled rejection.
 */
function issueAll(issuers: ReadonlyArray<() => Promise<unknown>>): Promise<unknown[]> {
  const issued: Promise<unknown>[] = []
  try {
    for (const issue of issuers) issued.push(issue())
  } catch (error) {
    for (const request of issued) request.catch(() => undefined)
    throw error
  }
  return Promise.all(issued)
}

function openDatabase(options: RepositoryOptions): Promise<IDBDatabase> {
  const name = options.dbName ?? DB_NAME
  const timeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const factory = options.idbFactory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
    if (!factory) {
      reject(unavailable(undefined))
      return
    }
    let request: IDBOpenDBRequest
    try {
      request = factory.open(name, DB_VERSION)
    } catch (error) {
      reject(unavailable(error))
      return
    }

    let settled = false
    let sawBlocked = false
    let upgradeError: unknown
    const settle = (fn: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn()
    }
    const timer = setTimeout(() => {
      settle(() =>
        reject(
          sawBlocked
            ? failure({ kind: 'blocked' })
            : failure({ kind: 'timeout' }),
        ),
      )
    }, timeoutMs)

    request.addEventListener('upgradeneeded', (event) => {
      const tx = request.transaction
      if (!tx) return
      const upgradeTx = wrap(tx) as unknown as UpgradeTransaction
      // A failed upgrade is reported through the open's rejection, not through `done`.
      upgradeTx.done.catch(() => undefined)
      try {
        upgrade(wrap(request.result) as unknown as ChatDatabase, event.oldVersion, event.newVersion, upgradeTx)
      } catch (error) {
        // Aborting here rolls the whole version change back, so the old data stays as it was.
        upgradeError = error
        tx.abort()
      }
    })
    request.addEventListener('blocked', () => {
      sawBlocked = true
      options.onBlocked?.()
    })
    request.addEventListener('success', () => {
      const connection = request.result
      // Opened after we gave up: keeping it would block future upgrades from other tabs.
      if (settled) connection.close()
      else settle(() => resolve(connection))
    })
    request.addEventListener('error', (event) => {
      // The rejection below reports it; without this some engines also log it as uncaught.
      event.preventDefault()
      settle(() => reject(classifyOpenError(request.error, upgradeError)))
    })
  })
}

function unavailable(cause: unknown): PersistenceError {
  return failure({ kind: 'unavailable', cause })
}

function classifyOpenError(error: DOMException | null, upgradeError: unknown): PersistenceError {
  if (upgradeError !== undefined) return failure({ kind: 'upgrade', cause: upgradeError })
  if (error?.name === 'VersionError') return failure({ kind: 'version', cause: error })
  if (error?.name === 'InvalidStateError' || error?.name === 'SecurityError') return unavailable(error)
  return failure({ kind: 'failed', cause: error })
}

/** A PersistenceError whose message is its UI text (see `errorText.ts`). */
function failure(info: PersistenceErrorInfo): PersistenceError {
  const { kind, ...details } = info
  return new PersistenceError(kind, persistenceErrorText(info), details)
}

/**
 * A full disk as a `quota` PersistenceError, whether the engine threw QuotaExceededError itself or
 * aborted the transaction with it (the requests then fail with AbortError and `tx.error` says why).
 */
function asQuota(error: unknown, txError?: unknown): unknown {
  if (error instanceof PersistenceError) return error
  if (isQuotaExceeded(error)) return failure({ kind: 'quota', cause: error })
  if (isQuotaExceeded(txError)) return failure({ kind: 'quota', cause: txError })
  return error
}
