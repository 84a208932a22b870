/**
 * Secrets bound to the place they were entered for. An API key belongs to one endpoint origin
 * (`https://api.deepseek.com`): switching base URL or preset switches to that origin's key (or
 * none), so a key is never sent to a host it was not given for. Each secret is either remembered
 * in this browser (IndexedDB) or kept for this tab only (sessionStorage, never IndexedDB).
 *
 * Pure rules over plain maps, shared by every kind of secret the app keeps (API keys here; other
 * credentials can use the same `SecretRing` under their own scope names). No storage in this file.
 */

/** Where a secret is kept: `remember` persists in this browser, `session` lives until the tab closes. */
export type SecretPersistence = 'remember' | 'session'

/** Secrets by scope (for API keys: the endpoint origin). Plain data, safe to structured-clone. */
export type SecretRing = Readonly<Record<string, string>>

/** The longest secret kept; anything longer is not a key but a paste gone wrong. */
export const MAX_SECRET_LENGTH = 4096
/** The most scopes a ring keeps, so a broken or hostile record cannot grow without bound. */
export const MAX_SCOPES = 200

/**
 * The origin a key for `baseUrl` belongs to: scheme, host and port of an http(s) URL without
 * credentials; `''` for anything else (a half-typed URL gets no key, so none is sent or saved).
 */
export function endpointOrigin(baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl.trim())
  } catch {
    return ''
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return ''
  if (url.username !== '' || url.password !== '') return ''
  if (url.hostname === '') return ''
  return url.origin
}

/** A ring read from storage, keeping only well-formed entries (origin-shaped scope, non-empty string). */
export function parseRing(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out
  let count = 0
  for (const [scope, secret] of Object.entries(value as Record<string, unknown>)) {
    if (count >= MAX_SCOPES) break
    if (typeof secret !== 'string' || secret === '' || secret.length > MAX_SECRET_LENGTH) continue
    if (scope === '' || scope.length > 2048) continue
    out[scope] = secret
    count += 1
  }
  return out
}

/** `ring` with `scope` set to `secret`; an empty secret removes the entry. Never mutates `ring`. */
export function withSecret(ring: SecretRing, scope: string, secret: string): Record<string, string> {
  const next: Record<string, string> = { ...ring }
  if (scope === '') return next
  if (secret === '') delete next[scope]
  else next[scope] = secret.slice(0, MAX_SECRET_LENGTH)
  return next
}

/** `ring` without `scope`. */
export function withoutSecret(ring: SecretRing, scope: string): Record<string, string> {
  const next: Record<string, string> = { ...ring }
  delete next[scope]
  return next
}

/** The two places a secret can live; a scope is in at most one of them. */
export interface SecretRings {
  remembered: SecretRing
  session: SecretRing
}

/** The secret for `scope` (a session secret wins: it was entered later, for this tab), or `''`. */
export function secretFor(rings: SecretRings, scope: string): string {
  if (scope === '') return ''
  return rings.session[scope] ?? rings.remembered[scope] ?? ''
}

/** Where `scope`'s secret is kept, or `undefined` when there is none. */
export function persistenceOf(rings: SecretRings, scope: string): SecretPersistence | undefined {
  if (scope !== '' && rings.session[scope] !== undefined) return 'session'
  if (scope !== '' && rings.remembered[scope] !== undefined) return 'remember'
  return undefined
}

/**
 * Stores `secret` for `scope` in exactly one place: the other ring loses its copy, so switching to
 * "this session only" removes the remembered one at once, and back again.
 */
export function placeSecret(rings: SecretRings, scope: string, secret: string, persistence: SecretPersistence): SecretRings {
  if (scope === '') return rings
  if (persistence === 'session') {
    return { session: withSecret(rings.session, scope, secret), remembered: withoutSecret(rings.remembered, scope) }
  }
  return { remembered: withSecret(rings.remembered, scope, secret), session: withoutSecret(rings.session, scope) }
}

/** Both rings without `scope`: the secret is gone from everywhere it was kept. */
export function forgetSecret(rings: SecretRings, scope: string): SecretRings {
  return { remembered: withoutSecret(rings.remembered, scope), session: withoutSecret(rings.session, scope) }
}

/**
 * Where a key saved by builds before per-endpoint keys (one `apiKey` in Settings) goes: the origin
 * of the base URL it was used with. `null` when there is no key, or its base URL has no origin
 * (then the old record is left as it was rather than guessing a host).
 */
export function legacyKeyTarget(stored: { apiKey?: unknown; baseUrl?: unknown } | undefined): { origin: string; key: string } | null {
  if (stored === undefined) return null
  const key = typeof stored.apiKey === 'string' ? stored.apiKey : ''
  if (key.trim() === '') return null
  const origin = endpointOrigin(typeof stored.baseUrl === 'string' ? stored.baseUrl : '')
  return origin === '' ? null : { origin, key }
}
