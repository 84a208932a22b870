import type { ConfigReason, ErrorFacts, ErrorKind, MessageError } from '../types'
import { renderText, type MessageKey, type Text } from '../../locales'
import { findProvider } from './profiles'

/** The Settings field a `config` error points at, so the UI can focus it. */
export type SettingsField = NonNullable<ErrorFacts['field']>

/** Optional facts attached to a {@link ProviderError}; describeError builds the user text from them. */
export type ProviderErrorDetails = Omit<ErrorFacts, 'kind'> & { cause?: unknown }

const FACT_KEYS = [
  'status', 'serverMessage', 'url', 'field', 'retryAfterSeconds', 'model', 'timeoutSeconds', 'contentType', 'midStream', 'reason', 'value',
  'closeModels', 'cors', 'redirected', 'providerId',
] as const satisfies readonly (keyof ErrorFacts)[]

/**
 * Every failure of the provider client. `kind` is the discriminant the UI switches on; `message`
 * is a short developer note, the user-facing text comes from {@link describeError}.
 */
export class ProviderError extends Error {
  readonly kind: ErrorKind
  status?: number
  serverMessage?: string
  url?: string
  field?: SettingsField
  retryAfterSeconds?: number
  model?: string
  timeoutSeconds?: number
  contentType?: string
  midStream?: boolean
  reason?: ConfigReason
  value?: string
  closeModels?: string[]
  cors?: boolean
  redirected?: boolean
  providerId?: string

  constructor(kind: ErrorKind, message: string, details: ProviderErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'ProviderError'
    this.kind = kind
    if (details.status !== undefined) this.status = details.status
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage
    if (details.url !== undefined) this.url = details.url
    if (details.field !== undefined) this.field = details.field
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds
    if (details.model !== undefined) this.model = details.model
    if (details.timeoutSeconds !== undefined) this.timeoutSeconds = details.timeoutSeconds
    if (details.contentType !== undefined) this.contentType = details.contentType
    if (details.midStream !== undefined) this.midStream = details.midStream
    if (details.reason !== undefined) this.reason = details.reason
    if (details.value !== undefined) this.value = details.value
    if (details.closeModels !== undefined) this.closeModels = details.closeModels
    if (details.cors !== undefined) this.cors = details.cors
    if (details.redirected !== undefined) this.redirected = details.redirected
    if (details.providerId !== undefined) this.providerId = details.providerId
  }
}

const MAX_SERVER_TEXT = 500
const MAX_RAW_TEXT = 300
const KEY_LIKE = /sk-[A-Za-z0-9_-]{8,}/g

/** Masks every `sk-…` looking token; servers sometimes echo the key back in their error text. */
function maskKeyLike(text: string): string {
  return text.replace(KEY_LIKE, (key) => `sk-…${key.slice(-4)}`)
}

function maskExact(secret: string): string {
  if (secret.startsWith('sk-') && secret.length >= 12) return `sk-…${secret.slice(-4)}`
  // A short or unusual key would be half revealed by its last four characters.
  return secret.length >= 16 ? `…${secret.slice(-4)}` : '[API key]'
}

/** Removes the API key (exactly, and anything shaped like a key) from text before it is shown or stored. */
export function redactSecret(text: string, secret: string): string {
  let out = text
  for (const candidate of new Set([secret, secret.trim()])) {
    if (candidate !== '') out = out.split(candidate).join(maskExact(candidate))
  }
  return maskKeyLike(out)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nonBlank(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** The human text inside a parsed error body, in the order real providers use (see wire-format.md §6). */
export function messageFromJson(value: unknown): string | undefined {
  if (typeof value === 'string') return nonBlank(value)
  if (!isRecord(value)) return undefined
  const error = value.error
  if (isRecord(error)) {
    const nested = nonBlank(error.message)
    if (nested !== undefined) return nested
  }
  return nonBlank(error) ?? nonBlank(value.message) ?? nonBlank(value.detail)
}

function looksLikeHtml(text: string, contentType?: string | null): boolean {
  if (contentType != null && /html/i.test(contentType)) return true
  // Any tag at all: a raw body with markup is a gateway or login page, never a useful message.
  return /^\s*</.test(text) || /<\/?[a-z!][^<>]*>/i.test(text)
}

function tidy(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > MAX_SERVER_TEXT ? `${oneLine.slice(0, MAX_SERVER_TEXT - 1)}…` : oneLine
}

/**
 * Pulls the provider's own explanation out of an error body, or undefined when there is none worth
 * showing (gateway HTML pages, long unknown bodies). Capped so a huge body cannot flood the UI.
 */
export function extractServerMessage(bodyText: string, contentType?: string | null): string | undefined {
  const trimmed = bodyText.trim()
  if (trimmed === '') return undefined
  let parsed: unknown
  let isJson = false
  try {
    parsed = JSON.parse(trimmed)
    isJson = true
  } catch {
    // not JSON: fall through to the raw-text rule
  }
  if (isJson) {
    const found = messageFromJson(parsed)
    if (found !== undefined) return tidy(found)
  }
  if (trimmed.length < MAX_RAW_TEXT && !looksLikeHtml(trimmed, contentType)) return tidy(trimmed)
  return undefined
}

/** Parses Retry-After (delta seconds or an HTTP date) into whole seconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/** Strips the path we append, so messages name the base URL the user typed in Settings. */
function baseOf(url: string | undefined): string | Text {
  if (url === undefined || url === '') return { key: 'error.theProvider' }
  return url.replace(/\/chat\/completions$/, '')
}

function isLoopback(url: string | undefined): boolean {
  if (url === undefined) return false
  try {
    const host = new URL(url).hostname
    return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]' || host === '0.0.0.0'
  } catch {
    return false
  }
}

/** This page's origin, for the server settings that must name it; `*` where there is none (file://, Node). */
function pageOrigin(): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin
  return origin === undefined || origin === 'null' ? '*' : origin
}

const OLLAMA_HINT: Text = { key: 'error.hint.ollama' }

function said(serverMessage: string | undefined): Text[] {
  return serverMessage === undefined ? [] : [{ key: 'error.serverSaid', params: { text: maskKeyLike(serverMessage) } }]
}

function seconds(value: number): string {
  return String(Number(value.toFixed(2)))
}

function httpTexts(error: ErrorFacts, status: number): Text[] {
  const server = said(error.serverMessage)
  if (status === 401 || status === 403) {
    const hint = status === 403 && isLoopback(error.url) ? [OLLAMA_HINT] : []
    return [{ key: 'error.http.auth', params: { status } }, ...server, ...hint]
  }
  if (status === 402) return [{ key: 'error.http.balance' }, ...server]
  if (error.closeModels !== undefined && error.model !== undefined) {
    const close: Text[] = error.closeModels.length > 0 ? [{ key: 'error.http.closeModels', params: { models: error.closeModels.join(', ') } }] : []
    return [{ key: 'error.http.unknownModel', params: { model: error.model, status } }, ...close, ...server]
  }
  if (status === 404) {
    const url: string | Text = error.url ?? { key: 'error.theEndpoint' }
    return error.model === undefined
      ? [{ key: 'error.http.notFound', params: { url } }, ...server]
      : [{ key: 'error.http.notFoundModel', params: { url, model: error.model } }, ...server]
  }
  if (status === 400 || status === 422) return [{ key: 'error.http.rejected', params: { status } }, ...server]
  if (status === 429) {
    const when: Text =
      error.retryAfterSeconds === undefined
        ? { key: 'error.http.retrySoon' }
        : { key: 'error.http.retryIn', params: { seconds: error.retryAfterSeconds } }
    return [{ key: 'error.http.rateLimited' }, when, ...server]
  }
  if (status >= 500) return [{ key: 'error.http.unavailable', params: { status } }, ...server]
  return [{ key: 'error.http.other', params: { status } }, ...server]
}

const CONFIG_TEXT: Record<ConfigReason, MessageKey> = {
  'missing-key': 'error.config.missingKey',
  'missing-model': 'error.config.missingModel',
  'empty-url': 'error.config.emptyUrl',
  'invalid-url': 'error.config.invalidUrl',
  'bad-scheme': 'error.config.badScheme',
  'credentials-in-url': 'error.config.credentialsInUrl',
}

/**
 * What to tell the user about an error, as keyed text parts rendered in the UI's language: what
 * happened, the server's own words, and what to do. Chosen by kind, status and fields, never by text.
 */
export function errorTexts(error: ErrorFacts): Text[] {
  switch (error.kind) {
    case 'config':
      return [{ key: CONFIG_TEXT[error.reason ?? 'invalid-url'], params: { value: error.value ?? '' } }]
    case 'http':
      return httpTexts(error, error.status ?? 0)
    case 'network': {
      if (error.midStream === true) return [{ key: 'error.network.dropped', params: { base: baseOf(error.url) } }]
      if (error.redirected === true) return [{ key: 'error.network.redirect', params: { base: baseOf(error.url) } }]
      if (error.cors === true) {
        return [{ key: 'error.network.cors', params: { base: baseOf(error.url) } }, { key: findProvider(error.providerId ?? '').browser.fix, params: { origin: pageOrigin() } }]
      }
      const hint = isLoopback(error.url) ? [OLLAMA_HINT] : []
      return [{ key: 'error.network.unreachable', params: { base: baseOf(error.url) } }, ...hint]
    }
    case 'timeout': {
      const url: string | Text = error.url ?? { key: 'error.theProvider' }
      return error.timeoutSeconds === undefined
        ? [{ key: 'error.timeout.silent', params: { url } }]
        : [{ key: 'error.timeout.silentFor', params: { url, seconds: seconds(error.timeoutSeconds) } }]
    }
    case 'protocol': {
      if (error.midStream === true) return [{ key: 'error.protocol.unfinished', params: { base: baseOf(error.url) } }]
      const url: string | Text = error.url ?? { key: 'error.theProvider' }
      const parts = [error.status === undefined ? undefined : `HTTP ${error.status}`, error.contentType || undefined]
      const detail = parts.filter((p) => p !== undefined).join(', ')
      return detail === ''
        ? [{ key: 'error.protocol.unreadable', params: { url } }]
        : [{ key: 'error.protocol.unreadableDetail', params: { url, detail: maskKeyLike(detail) } }]
    }
    case 'stream': {
      const text = error.serverMessage === undefined ? undefined : maskKeyLike(error.serverMessage)
      if (error.midStream === true) {
        return [text === undefined ? { key: 'error.stream.during' } : { key: 'error.stream.duringSaid', params: { text } }]
      }
      return [text === undefined ? { key: 'error.stream.reported' } : { key: 'error.stream.reportedSaid', params: { text } }]
    }
    case 'aborted':
      return [{ key: 'error.aborted' }]
  }
}

/** The user-facing text for an error in English (stored with a message, and for logs). */
export function describeError(error: ErrorFacts): string {
  return maskKeyLike(errorTexts(error).map((text) => renderText('en', text)).join(''))
}

/**
 * The storable form of an error: its text plus what the UI needs to re-classify it. The key is
 * never passed in: the client redacts every server-supplied field when it builds the error.
 */
export function toMessageError(error: ProviderError): MessageError {
  const out: MessageError = { kind: error.kind, message: describeError(error), facts: errorFacts(error) }
  if (error.status !== undefined) out.status = error.status
  return out
}

/** The fields the UI needs to describe an error again later, in any language, as plain data. */
export function errorFacts(error: ErrorFacts): ErrorFacts {
  const facts: ErrorFacts = { kind: error.kind }
  for (const key of FACT_KEYS) {
    const value = error[key]
    if (value !== undefined) (facts as unknown as Record<string, unknown>)[key] = value
  }
  return facts
}
