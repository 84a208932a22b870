import type { Settings } from '../types'
import { closeMatches } from './catalog'
import { ProviderError, extractServerMessage, parseRetryAfter, redactSecret } from './errors'
import { findProvider, type BalanceFormat } from './profiles'
import { chatCompletionsUrl, checkSettings } from './request'
import { diagnoseRejection, rejectionError } from './diagnose'

/** One model from an endpoint's `/models` list. */
export interface ListedModel {
  id: string
  /** Context window, where the listing says (OpenRouter `context_length`, vLLM `max_model_len`). */
  context?: number
}

/** One amount of an account balance, in the provider's currency. */
export interface BalanceEntry {
  currency: string
  amount: number
}

/** An account balance; `available: false` when the provider says the account cannot make requests. */
export interface Balance {
  entries: BalanceEntry[]
  available?: boolean
}

/** What the connection test found: all well (with the round-trip time) or the precise problem. */
export type ConnectionResult = { ok: true; latencyMs: number; model: string } | { ok: false; error: ProviderError }

/** Knobs for the small requests here; `fetch` and the clock are injectable for tests. */
export interface EndpointOptions {
  signal?: AbortSignal
  fetch?: typeof fetch
  now?: () => number
}

type Json = Record<string, unknown>

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `{base}{path}` for a base URL typed with or without `/chat/completions`. */
export function endpointUrl(baseUrl: string, path: string): string {
  const chat = chatCompletionsUrl(baseUrl)
  return `${chat.slice(0, -'/chat/completions'.length)}${path}`
}

function baseInit(settings: Settings, method: 'GET' | 'POST', signal: AbortSignal, body?: unknown): RequestInit {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const key = settings.apiKey.trim()
  if (key !== '') headers.Authorization = `Bearer ${key}`
  const init: RequestInit = {
    method,
    headers,
    signal,
    credentials: 'omit',
    redirect: 'error',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
  }
  if (body !== undefined) init.body = JSON.stringify(body)
  return init
}

interface Call {
  response: Response
  url: string
}

/** One request with the idle limit of Settings; every failure becomes a ProviderError of the usual kinds. */
async function call(settings: Settings, url: string, method: 'GET' | 'POST', options: EndpointOptions, body?: unknown): Promise<Call> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
  const controller = new AbortController()
  const seconds = settings.idleTimeoutSeconds > 0 ? settings.idleTimeoutSeconds : 60
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, seconds * 1000)
  const onAbort = (): void => controller.abort()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    let response: Response
    try {
      response = await fetchImpl(url, baseInit(settings, method, controller.signal, body))
    } catch (error) {
      if (timedOut) throw new ProviderError('timeout', 'no answer', { url, timeoutSeconds: seconds })
      if (controller.signal.aborted) throw new ProviderError('aborted', 'stopped', { url })
      throw rejectionError(await diagnoseRejection(url, method, fetchImpl), url, settings.providerId, error)
    }
    if (!response.ok) {
      let text = ''
      try {
        text = (await response.text()).slice(0, 64 * 1024)
      } catch {
        // The body is gone; the status still says what happened.
      }
      const message = extractServerMessage(text, response.headers.get('content-type'))
      throw new ProviderError('http', `HTTP ${response.status}`, {
        status: response.status,
        url,
        providerId: settings.providerId,
        serverMessage: message === undefined ? undefined : redactSecret(message, settings.apiKey),
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      })
    }
    return { response, url }
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

async function readJson({ response, url }: Call, settings: Settings): Promise<unknown> {
  const contentType = response.headers.get('content-type') ?? ''
  try {
    return JSON.parse(await response.text())
  } catch {
    throw new ProviderError('protocol', 'not JSON', {
      url,
      status: response.status,
      contentType: redactSecret(contentType, settings.apiKey),
    })
  }
}

/** A URL problem is worth reporting before anything goes out; a missing key or model is not, for listings. */
function urlProblem(settings: Settings): ProviderError | null {
  const problem = checkSettings({ ...settings, apiKey: settings.apiKey || 'x', model: settings.model || 'x' })
  return problem
}

/** Reads `{base}/models`: OpenAI's `{data:[…]}` shape, or Together's bare list. */
export async function listModels(settings: Settings, options: EndpointOptions = {}): Promise<ListedModel[]> {
  const problem = urlProblem(settings)
  if (problem !== null) throw problem
  const done = await call(settings, endpointUrl(settings.baseUrl, '/models'), 'GET', options)
  const body = await readJson(done, settings)
  const rows = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.data) ? body.data : undefined
  if (rows === undefined) throw new ProviderError('protocol', 'not a model list', { url: done.url, status: done.response.status })
  const out: ListedModel[] = []
  const seen = new Set<string>()
  for (const row of rows) {
    if (!isRecord(row) || typeof row.id !== 'string' || row.id === '' || seen.has(row.id)) continue
    seen.add(row.id)
    const context = typeof row.context_length === 'number' ? row.context_length : typeof row.max_model_len === 'number' ? row.max_model_len : undefined
    out.push(context === undefined ? { id: row.id } : { id: row.id, context })
  }
  return out
}

function amount(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  return Number.isFinite(n) ? n : undefined
}

/** Reads one of the balance answers we know; undefined when the body has none of the expected fields. */
export function parseBalance(format: BalanceFormat, body: unknown): Balance | undefined {
  if (!isRecord(body)) return undefined
  if (format === 'deepseek') {
    if (!Array.isArray(body.balance_infos)) return undefined
    const entries: BalanceEntry[] = []
    for (const info of body.balance_infos) {
      const total = isRecord(info) ? amount(info.total_balance) : undefined
      if (isRecord(info) && total !== undefined && typeof info.currency === 'string') entries.push({ currency: info.currency, amount: total })
    }
    const out: Balance = { entries }
    if (typeof body.is_available === 'boolean') out.available = body.is_available
    return out
  }
  const data = body.data
  if (!isRecord(data)) return undefined
  if (format === 'siliconflow') {
    const total = amount(data.totalBalance) ?? amount(data.balance)
    return total === undefined ? undefined : { entries: [{ currency: 'CNY', amount: total }] }
  }
  const credits = amount(data.total_credits)
  const used = amount(data.total_usage)
  return credits === undefined ? undefined : { entries: [{ currency: 'USD', amount: credits - (used ?? 0) }] }
}

/** True when the preset in Settings has a balance endpoint. */
export function hasBalance(settings: Settings): boolean {
  return findProvider(settings.providerId).balance !== undefined
}

/** Reads the account balance from the preset's balance endpoint, relative to the base URL in Settings. */
export async function fetchBalance(settings: Settings, options: EndpointOptions = {}): Promise<Balance> {
  const spec = findProvider(settings.providerId).balance
  if (spec === undefined) throw new Error('this provider has no balance endpoint')
  const problem = checkSettings({ ...settings, model: settings.model || 'x' })
  if (problem !== null) throw problem
  const done = await call(settings, endpointUrl(settings.baseUrl, spec.path), 'GET', options)
  const balance = parseBalance(spec.format, await readJson(done, settings))
  if (balance === undefined) throw new ProviderError('protocol', 'not a balance', { url: done.url, status: done.response.status })
  return balance
}

/**
 * The connection test: one chat request of one token. A 404 or 400 is then checked against the
 * endpoint's model list, so a wrong model id is named with the listed ids that look like it.
 */
export async function testConnection(settings: Settings, options: EndpointOptions = {}): Promise<ConnectionResult> {
  const now = options.now ?? Date.now
  const problem = checkSettings(settings)
  if (problem !== null) return { ok: false, error: problem }
  const model = settings.model.trim()
  const url = chatCompletionsUrl(settings.baseUrl)
  const started = now()
  try {
    const done = await call(settings, url, 'POST', options, {
      model,
      messages: [{ role: 'user', content: 'ping' }],
      max_tokens: 1,
      stream: false,
    })
    const latencyMs = now() - started
    // A 200 must at least be JSON; a gateway's HTML page is not a working endpoint.
    await readJson(done, settings)
    return { ok: true, latencyMs, model }
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error
    if (error.kind === 'http' && (error.status === 404 || error.status === 400 || error.status === 422)) {
      error.model = model
      try {
        const ids = (await listModels(settings, options)).map((m) => m.id)
        if (ids.length > 0 && !ids.includes(model)) error.closeModels = closeMatches(model, ids)
      } catch {
        // No list to compare with: the status text alone stands.
      }
    }
    return { ok: false, error }
  }
}
