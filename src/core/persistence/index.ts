/** Public surface of the persistence layer: import from here, not from the files behind it. */
export { createRepository, PersistenceError, toPlainData } from './repository'
export type { ConversationRecords, ImportSummary, Repository, RepositoryOptions, PersistenceErrorKind } from './repository'
export { DB_NAME, DB_VERSION, KV_KEYS } from './schema'
export type { ChatDB } from './schema'
