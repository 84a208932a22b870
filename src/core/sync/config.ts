/**
 * A sync target as the user sets it in Settings → Sync. The settings and the secrets are kept apart:
 * the settings in IndexedDB, the secrets (keys, password, passphrase) only in this tab's
 * sessionStorage or, if the user asks, in their own IndexedDB record. Neither is ever part of a
 * backup, an export or a URL.
 */
import { SyncError } from './errors'

/** Which kind of storage. */
export type SyncKind = 's3' | 'webdav'

/** The non-secret part of a target. */
export interface SyncTargetSettings {
  kind: SyncKind
  /** S3: the endpoint, e.g. `https://<account>.r2.cloudflarestorage.com` or `https://s3.us-east-1.amazonaws.com`. */
  endpoint: string
  region: string
  bucket: string
  /** S3: a folder inside the bucket (may be empty). */
  prefix: string
  /** S3: `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`. */
  pathStyle: boolean
  accessKeyId: string
  /** WebDAV: the folder's URL. */
  url: string
  username: string
  /** Sync a few seconds after every change, as well as on demand. */
  auto: boolean
  /** Keep the secrets on this device (otherwise: until this tab closes). */
  remember: boolean
}

/** The secret part of a target. */
export interface SyncSecrets {
  secretAccessKey: string
  password: string
  passphrase: string
}

/** A target with everything needed to talk to it. */
export type SyncTargetConfig = SyncTargetSettings & SyncSecrets

/** Settings of a new, empty target. */
export function defaultTargetSettings(): SyncTargetSettings {
  return { kind: 's3', endpoint: '', region: 'auto', bucket: '', prefix: 'inkstream/', pathStyle: true, accessKeyId: '', url: '', username: '', auto: true, remember: false }
}

/** Empty secrets. */
export function emptySecrets(): SyncSecrets {
  return { secretAccessKey: '', password: '', passphrase: '' }
}

/** The shortest passphrase accepted: the storage may be read by anyone, so it must not be guessable. */
export const MIN_PASSPHRASE_LENGTH = 8

/** Checks a target before any request; throws a `config` SyncError naming the field. */
export function checkTarget(config: SyncTargetConfig): void {
  const need = (field: string, ok: boolean, message: string): void => {
    if (!ok) throw new SyncError('config', message, { field })
  }
  if (config.kind === 's3') {
    need('endpoint', isHttpUrl(config.endpoint), 'The S3 endpoint must be an http(s) URL')
    need('endpoint', !hasCredentials(config.endpoint), 'Put the access key in its own field, not in the endpoint URL')
    need('bucket', /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(config.bucket), 'The bucket name must be 3–63 lowercase letters, digits, dots or hyphens')
    need('region', config.region.trim() !== '', 'The region is missing (use "auto" for Cloudflare R2, "us-east-1" if unsure)')
    need('accessKeyId', config.accessKeyId.trim() !== '', 'The access key ID is missing')
    need('secretAccessKey', config.secretAccessKey !== '', 'The secret access key is missing')
  } else {
    need('url', isHttpUrl(config.url), 'The WebDAV folder must be an http(s) URL')
    need('url', !hasCredentials(config.url), 'Put the user name and password in their own fields, not in the URL')
  }
  need('passphrase', config.passphrase.length >= MIN_PASSPHRASE_LENGTH, `The passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`)
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim())
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

function hasCredentials(text: string): boolean {
  try {
    const url = new URL(text.trim())
    return url.username !== '' || url.password !== ''
  } catch {
    return false
  }
}

/** The S3 bucket CORS rule to paste (S3 console → bucket → Permissions → CORS; R2 → Settings → CORS policy). */
export function s3CorsRule(origin: string): string {
  return JSON.stringify(
    [{ AllowedOrigins: [origin], AllowedMethods: ['GET', 'PUT', 'DELETE', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3600 }],
    null,
    2,
  )
}

/** The `cors` block of AList's / OpenList's `data/config.json` (restart it afterwards). */
export function alistCorsSetting(origin: string): string {
  return JSON.stringify({ cors: { allow_origins: [origin], allow_methods: ['*'], allow_headers: ['*'] } }, null, 2)
}
