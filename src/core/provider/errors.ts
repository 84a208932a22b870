import type { ErrorKind, MessageError } from '../types'

/** The Settings field a `config` error points at, so the UI can focus it. */
export type SettingsField = 'apiKey' | 'baseUrl' | 'model'

/** Optional facts attached to a {@link ProviderError}; describeError builds the user text from them. */
export interface ProviderErrorDetails {
  status?: number
  serverMessage?: string
  url?: string
  field?: SettingsField
  retryAfterSeconds?: number
  /** The model that was requested, named in 404 texts because a wrong model is the usual cause. */
  model?: string
  /** The idle limit that expired, for `timeout` texts. */
  timeoutSeconds?: number
  /** Content-Type of a 200 response we could not read, for `protocol` texts. */
  contentType?: string
  /** True once the answer had started: the wording then says the partial answer is incomplete. */
  midStream?: boolean
  cause?: unknown
}

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
function baseOf(url: string | undefined): string {
  if (url === undefined || url === '') return 'the provider'
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

const OLLAMA_HINT =
  " If this is Ollama, allow this page's origin: restart it with OLLAMA_ORIGINS set to this page's origin (or *)."

function said(serverMessage: string | undefined): string {
  return serverMessage === undefined ? '' : ` The server said: “${serverMessage}”`
}

function seconds(value: number): string {
  return `${Number(value.toFixed(2))} s`
}

function describeHttp(error: ProviderError, status: number): string {
  const server = said(error.serverMessage)
  if (status === 401 || status === 403) {
    const hint = status === 403 && isLoopback(error.url) ? OLLAMA_HINT : ''
    return `The API key was rejected (HTTP ${status}). Check it in Settings.${server}${hint}`
  }
  if (status === 402) return `Insufficient balance (HTTP 402). Top up your account with the provider.${server}`
  if (status === 404) {
    const model = error.model === undefined ? '' : ` with model “${error.model}”`
    return `Not found (HTTP 404): ${error.url ?? 'the endpoint'}${model}. Check the base URL and the model in Settings.${server}`
  }
  if (status === 400 || status === 422) {
    return `The provider rejected the request (HTTP ${status}). Check the model and parameters in Settings.${server}`
  }
  if (status === 429) {
    const when =
      error.retryAfterSeconds === undefined ? 'Wait a moment and retry.' : `Retry in ${error.retryAfterSeconds} s.`
    return `Rate limited by the provider (HTTP 429). ${when}${server}`
  }
  if (status >= 500) return `The provider is unavailable (HTTP ${status}). Try again later.${server}`
  return `The request failed (HTTP ${status}).${server}`
}

function describeUnmasked(error: ProviderError): string {
  switch (error.kind) {
    case 'config':
      // Config texts are written by checkSettings itself, never by a server.
      return error.message
    case 'http':
      return describeHttp(error, error.status ?? 0)
    case 'network': {
      if (error.midStream === true) {
        return `The connection to ${baseOf(error.url)} dropped before the answer finished; it is incomplete. Retry to get a full answer.`
      }
      const hint = isLoopback(error.url) ? OLLAMA_HINT : ''
      return `Could not reach ${baseOf(error.url)}: offline, wrong URL, or the endpoint does not allow browser access (CORS).${hint}`
    }
    case 'timeout': {
      const limit = error.timeoutSeconds === undefined ? '' : ` for ${seconds(error.timeoutSeconds)}`
      return `No data from ${error.url ?? 'the provider'}${limit}. The provider may be overloaded: retry, or raise the idle timeout in Settings.`
    }
    case 'protocol': {
      if (error.midStream === true) {
        return `The stream from ${baseOf(error.url)} ended without [DONE] or a finish reason; the answer may be incomplete.`
      }
      const parts = [error.status === undefined ? undefined : `HTTP ${error.status}`, error.contentType || undefined]
      const detail = parts.filter((p) => p !== undefined).join(', ')
      return `The response from ${error.url ?? 'the provider'} could not be read as a chat completion${detail === '' ? '' : ` (${detail})`}. Check the base URL in Settings.`
    }
    case 'stream': {
      const text = error.serverMessage === undefined ? '' : `: “${error.serverMessage}”`
      return error.midStream === true
        ? `The provider reported an error during the answer${text}. The answer is incomplete; retry.`
        : `The provider reported an error${text}.`
    }
    case 'aborted':
      return 'Stopped.'
  }
}

/** The user-facing text for an error: what happened, the server's own words, and what to do. */
export function describeError(error: ProviderError): string {
  return maskKeyLike(describeUnmasked(error))
}

/**
 * The storable form of an error: its text plus what the UI needs to re-classify it. The key is
 * never passed in: the client redacts every server-supplied field when it builds the error.
 */
export function toMessageError(error: ProviderError): MessageError {
  const out: MessageError = { kind: error.kind, message: describeError(error) }
  if (error.status !== undefined) out.status = error.status
  return out
}
