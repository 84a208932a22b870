/**
 * Why a sync or a connection test failed. The UI words each kind (and tells the user what to do);
 * it never matches on message text. No message ever contains a secret or a passphrase.
 */
export type SyncErrorKind =
  /** The browser blocked the response: the storage answered without CORS headers for this page. */
  | 'cors'
  /** Nothing answered (server down, DNS, offline). */
  | 'network'
  /** The storage refused the credentials (401, 403, a bad signature or access key). */
  | 'auth'
  /** The bucket or folder does not exist. */
  | 'not-found'
  /** The request was refused because this device's clock is off (S3 `RequestTimeTooSkewed`). */
  | 'clock-skew'
  /** The storage is full or over its quota. */
  | 'quota'
  /** The passphrase does not open this storage's data. */
  | 'passphrase'
  /** The storage holds something that is not Inkstream sync data, or data this build cannot read. */
  | 'corrupt'
  /** The target settings are incomplete or invalid (no bucket, a URL that is not http(s)…). */
  | 'config'
  /** WebCrypto is missing: the page is not served over https or from localhost. */
  | 'insecure'
  /** Any other HTTP failure. */
  | 'http'

/** Details some kinds carry. */
export interface SyncErrorDetails {
  status?: number
  /** The storage's own error code (`NoSuchBucket`, `SignatureDoesNotMatch`…) or a short reason. */
  code?: string
  /** For `clock-skew`: how far this device's clock is off, in seconds, when the server said. */
  skewSeconds?: number
  /** For `config`: the field that is wrong. */
  field?: string
}

/** A failed sync step, with a discriminant the UI chooses its words by. */
export class SyncError extends Error {
  readonly kind: SyncErrorKind
  readonly details: SyncErrorDetails

  constructor(kind: SyncErrorKind, message: string, details: SyncErrorDetails = {}) {
    super(message)
    this.name = 'SyncError'
    this.kind = kind
    this.details = details
  }
}

/** Whether `error` is a SyncError (of one of `kinds`, if given). */
export function isSyncError(error: unknown, ...kinds: SyncErrorKind[]): error is SyncError {
  return error instanceof SyncError && (kinds.length === 0 || kinds.includes(error.kind))
}
