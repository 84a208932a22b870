/** The persistence layer's error class and vocabulary; no wording here (see `../errorText.ts`). */

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
  /** A schema upgrade step failed; the version-change transaction rolled back (`cause` says why). */
  | 'upgrade'
  /** Any other open failure (`cause` says why). */
  | 'failed'
  /** The connection was closed (`closedBy` says by what) and no longer accepts calls. */
  | 'closed'
  /** An import would overwrite a record that belongs to something else (`recordId`); nothing was written. */
  | 'conflict'
  /** The conversation was deleted (possibly in another tab); writing to it would bring it back. */
  | 'deleted'
  /** The browser's storage quota is used up (`cause` is the engine's QuotaExceededError); nothing of the failed write was kept. */
  | 'quota'

/** What closed a connection: a newer build in another tab, the browser (site data cleared), or `close()`. */
export type ClosedBy = 'versionchange' | 'terminated' | 'close'

/** Something that happened to the open connection outside any call: another tab upgrading, the browser closing it, an open waiting on other tabs. */
export type StorageEvent = 'versionchange' | 'terminated' | 'blocked'

/** The fields of a PersistenceError that its UI text depends on. */
export interface PersistenceErrorInfo {
  kind: PersistenceErrorKind
  /** Only for `closed`. */
  closedBy?: ClosedBy
  /** Only for `conflict`: the id of the record that is stored elsewhere. */
  recordId?: string
  /** The engine's own error, where there was one. */
  cause?: unknown
}

/** An error from the persistence layer with a discriminant the UI can switch on. */
export class PersistenceError extends Error {
  /** What went wrong, independent of the wording of `message`. */
  readonly kind: PersistenceErrorKind
  /** Only for `closed`. */
  readonly closedBy: ClosedBy | undefined
  /** Only for `conflict`. */
  readonly recordId: string | undefined

  constructor(kind: PersistenceErrorKind, message: string, options: Omit<PersistenceErrorInfo, 'kind'> = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined)
    this.name = 'PersistenceError'
    this.kind = kind
    this.closedBy = options.closedBy
    this.recordId = options.recordId
  }
}
