/** Public surface of the persistence layer: import from here, not from the files behind it. */
export { createRepository, toPlainData } from './repository'
export type { ConversationPatch, ConversationRecords, ImportSummary, Repository, RepositoryOptions, StoredSettings } from './repository'
export { PersistenceError } from './errors'
export type { ClosedBy, PersistenceErrorInfo, PersistenceErrorKind, StorageEvent } from './errors'
export { DB_NAME, DB_VERSION, KV_KEYS, messageTombstoneKey, tombstoneKey, upgrade } from './schema'
export type { ChatDB, ChatDatabase, MessageTombstone } from './schema'
