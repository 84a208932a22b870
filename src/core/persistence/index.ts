/** Public surface of the persistence layer: import from here, not from the files behind it. */
export { createRepository, toPlainData } from './repository'
export type { ConversationPatch, ConversationRecords, ImportSummary, Repository, RepositoryOptions, SyncedConversation, Tombstones } from './repository'
export { PersistenceError } from './errors'
export type { ClosedBy, PersistenceErrorInfo, PersistenceErrorKind, StorageEvent } from './errors'
export { DB_NAME, DB_VERSION, KV_KEYS } from './schema'
export type { ChatDB, MessageTombstone } from './schema'
