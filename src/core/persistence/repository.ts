/** Conversation history on IndexedDB: one small record per message, short transactions, plain data. */
import { wrap } from 'idb'
import type { ChatMessage, Conversation, Settings } from '../types'
import { DB_NAME, DB_VERSION, KV_KEYS, upgrade } from './schema'
import type { ChatDatabase, UpgradeTransaction } from './schema'

/** Why the history database could not be opened or used; the UI picks its wording by `kind`. */
export type PersistenceErrorKind =
  /** IndexedDB is missing or refused outright (private windows, blocked storage). */
  | 'unavailable'
  /** The stored database was written by a newer Inkstream build. */
  | 'version'
  /** Another tab keeps an older version open and did not let go in time. */
  | 'blocked'
  /** Opening never finished within `openTimeoutMs`. */
  | 'timeout'
  /** A schema upgrade step failed; the version-change transaction rolled back. */
  | 'upgrade'
  /** Any other open failure. */
  | 'failed'
  /** The connection was closed (by `close()`, a newer tab, or the browser) and no longer accepts calls. */
  | 'closed'

/** An error from the persistence layer with a discriminant the UI can switch on. */
export class PersistenceError extends Error {
  /** What went wrong, independent of the wording of `message`. */
  readonly kind: PersistenceErrorKind

  constructor(kind: PersistenceErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PersistenceError'
    this.kind = kind
  }
}

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
  /** Creates or replaces one message; the streaming checkpoint path, one small write per call. */
  putMessage(message: ChatMessage): Promise<void>
  /** Writes a conversation's metadata and some of its messages atomically: all or nothing. */
  putTurn(conversation: Conversation, messages: ChatMessage[]): Promise<void>
  /** The saved settings, or `undefined` before the first save. */
  getSettings(): Promise<Settings | undefined>
  /** Replaces the saved settings. */
  putSettings(settings: Settings): Promise<void>
  /** A small UI-state value from the `kv` store, or `undefined`. */
  getValue<T>(key: string): Promise<T | undefined>
  /** Stores a small JSON-safe UI-state value; `undefined` deletes the key. */
  putValue(key: string, value: unknown): Promise<void>
  /**
   * Marks answers left `streaming` (by a tab that closed or crashed) as `interrupted`, keeping their
   * text, and returns how many changed. Pass `updatedBefore` (e.g. `Date.now() - 5000`) so an answer
   * another open tab is still streaming, and therefore checkpointed recently, is left alone.
   */
  recoverInterrupted(options?: { updatedBefore?: number }): Promise<number>
  /** Closes the connection; later calls reject with a `closed` PersistenceError. */
  close(): void
}

const DEFAULT_OPEN_TIMEOUT_MS = 10_000

/** Opens (creating or upgrading if needed) the history database and returns its repository. */
export async function createRepository(options: RepositoryOptions = {}): Promise<Repository> {
  const raw = await openDatabase(options)
  const db = wrap(raw) as unknown as ChatDatabase
  let closedBecause: string | undefined

  // Attached in the same task as the open resolved, so no event can slip in before.
  raw.addEventListener('versionchange', () => {
    // Holding on would block the newer tab's upgrade forever; it owns the schema now.
    raw.close()
    closedBecause ??= 'Inkstream was updated in another tab. Reload this tab to keep saving your history.'
    options.onVersionChange?.()
  })
  raw.addEventListener('close', () => {
    closedBecause ??=
      'The browser closed the history database (site data may have been cleared). Reload to keep saving.'
    options.onTerminated?.()
  })

  // A closed connection would otherwise throw an opaque InvalidStateError from deep inside idb.
  const live = (): ChatDatabase => {
    if (closedBecause !== undefined) throw new PersistenceError('closed', closedBecause)
    return db
  }

  return {
    async listConversations() {
      const byUpdated = await live().getAllFromIndex('conversations', 'by-updated')
      return byUpdated.reverse()
    },

    async getConversation(id) {
      return live().get('conversations', id)
    },

    async putConversation(conversation) {
      const plain = checkConversation(toPlainData(conversation))
      await live().put('conversations', plain)
    },

    async deleteConversation(id) {
      const tx = live().transaction(['conversations', 'messages'], 'readwrite')
      await runInTransaction(tx, async () => {
        const messages = tx.objectStore('messages')
        const keys = await messages.index('by-conversation').getAllKeys(conversationRange(id))
        await issueAll([() => tx.objectStore('conversations').delete(id), ...keys.map((key) => () => messages.delete(key))])
      })
    },

    async listMessages(conversationId) {
      return live().getAllFromIndex('messages', 'by-conversation', conversationRange(conversationId))
    },

    async putMessage(message) {
      const plain = checkMessage(toPlainData(message))
      await live().put('messages', plain)
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
      const tx = live().transaction(['conversations', 'messages'], 'readwrite')
      await runInTransaction(tx, () => {
        const messageStore = tx.objectStore('messages')
        return issueAll([
          () => tx.objectStore('conversations').put(plainConversation),
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

    async recoverInterrupted(recoverOptions = {}) {
      const { updatedBefore } = recoverOptions
      const tx = live().transaction('messages', 'readwrite')
      let count = 0
      await runInTransaction(tx, async () => {
        // A cursor rather than getAll: a long history need not sit in memory at once.
        let cursor = await tx.store.openCursor()
        while (cursor) {
          const message = cursor.value
          if (message.status === 'streaming' && (updatedBefore === undefined || message.updatedAt < updatedBefore)) {
            await cursor.update({ ...message, status: 'interrupted' })
            count += 1
          }
          cursor = await cursor.continue()
        }
      })
      return count
    },

    close() {
      closedBecause ??= 'The history database was closed.'
      db.close()
    },
  }
}

/**
 * Returns a plain, structured-cloneable copy of JSON-safe data.
 * Vue's reactive proxies (even nested ones left inside a `toRaw`'d object) make IndexedDB throw
 * `DataCloneError`; a JSON round trip reads through any proxy and is cheap for these small records.
 * `undefined` fields disappear, which is what optional fields mean anyway.
 */
export function toPlainData<T>(value: T): T {
  const json = JSON.stringify(value)
  if (json === undefined) throw new TypeError('Cannot store a value that has no JSON form')
  return JSON.parse(json) as T
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
  tx: { readonly done: Promise<void>; abort(): void },
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
    throw error
  }
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
            ? new PersistenceError('blocked', 'Saved history is held open by another Inkstream tab. Close other Inkstream tabs, then reload.')
            : new PersistenceError('timeout', 'The browser did not open saved history in time. Reload the page; history will not be saved until then.'),
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
  return new PersistenceError(
    'unavailable',
    'This browser window does not allow saving history (IndexedDB is unavailable, e.g. in some private modes). Chats work but will not be saved.',
    { cause },
  )
}

function classifyOpenError(error: DOMException | null, upgradeError: unknown): PersistenceError {
  if (upgradeError !== undefined) {
    return new PersistenceError(
      'upgrade',
      `Upgrading saved history failed, so it was left unchanged (${describe(upgradeError)}). Export your conversations from another tab or reload.`,
      { cause: upgradeError },
    )
  }
  if (error?.name === 'VersionError') {
    return new PersistenceError(
      'version',
      'Saved history was written by a newer version of Inkstream. Reload the page to get the newest version.',
      { cause: error },
    )
  }
  if (error?.name === 'InvalidStateError' || error?.name === 'SecurityError') return unavailable(error)
  return new PersistenceError('failed', `Could not open saved history: ${describe(error)}.`, { cause: error })
}

function describe(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`
  return String(error)
}
