import { createParser } from 'eventsource-parser'
import type { FinishReason, Settings, Usage } from '../types'
import { toFinishReason } from '../finishReason'
import { ProviderError, extractServerMessage, messageFromJson, parseRetryAfter, redactSecret } from './errors'
import { buildChatRequest, checkSettings } from './request'
import { diagnoseRejection } from './diagnose'
import type { ChatTurn } from './request'

/**
 * What the store sees of a streaming answer. Exactly one terminal event (`done`, `interrupted`,
 * `error`) always comes last; everything before it is progress.
 */
export type StreamEvent =
  | { type: 'content'; text: string }
  | { type: 'reasoning'; text: string }
  /** A lone `</think>` arrived: all content emitted so far was really reasoning. */
  | { type: 'reclassify' }
  /** Cumulative totals: keep the last one. */
  | { type: 'usage'; usage: Usage }
  /** Normalised; the first report of each reason only. */
  | { type: 'finish'; reason: FinishReason }
  | { type: 'done' }
  /** The answer stopped early but what arrived is valid: keep it and mark it incomplete. */
  | { type: 'interrupted'; error: ProviderError }
  | { type: 'error'; error: ProviderError }

/** Knobs for one request; `fetch` is injectable so tests (and odd hosts) can supply their own. */
export interface StreamOptions {
  signal?: AbortSignal
  /** Abandon the request after this long without a byte; defaults to settings.idleTimeoutSeconds, else 60 s. */
  idleTimeoutMs?: number
  fetch?: typeof fetch
}

const DEFAULT_IDLE_MS = 60_000
const ERROR_BODY_CAP = 64 * 1024
const WHOLE_BODY_CAP = 8 * 1024 * 1024
/** Thrown inside the session when our own controller aborted (user stop or idle timeout). */
const CANCELLED = Symbol('cancelled')

type Json = Record<string, unknown>
type Bytes = Uint8Array<ArrayBuffer>

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Owns the AbortController, the idle timer and the open reader of one request, so every exit path
 * (done, error, user stop, consumer `break`) releases them the same way.
 */
class Session {
  readonly controller = new AbortController()
  timedOut = false
  userAborted = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private waiting = false
  private lastActivity = 0
  private reader: ReadableStreamDefaultReader<unknown> | undefined
  private readonly onUserAbort = (): void => {
    this.userAborted = true
    this.controller.abort()
  }
  // One timer that re-checks a timestamp: touching per chunk must stay O(1), with no timer churn.
  private readonly check = (): void => {
    this.timer = undefined
    if (!this.waiting) return
    const idle = Date.now() - this.lastActivity
    if (idle >= this.idleMs) {
      this.timedOut = true
      this.controller.abort()
    } else {
      this.timer = setTimeout(this.check, this.idleMs - idle)
    }
  }

  constructor(
    private readonly idleMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this.onUserAbort, { once: true })
  }

  /** Awaits network I/O under the idle timer; throws CANCELLED once our controller aborted. */
  async wait<T>(io: Promise<T>): Promise<T> {
    const signal = this.controller.signal
    if (signal.aborted) {
      io.catch(() => undefined)
      throw CANCELLED
    }
    this.waiting = true
    this.lastActivity = Date.now()
    if (this.timer === undefined && this.idleMs > 0 && Number.isFinite(this.idleMs)) {
      this.timer = setTimeout(this.check, this.idleMs)
    }
    // A listener per wait, removed afterwards; racing one long-lived promise would pile up reactions.
    let onAbort = (): void => undefined
    try {
      const value = await new Promise<T>((resolve, reject) => {
        onAbort = () => reject(CANCELLED)
        signal.addEventListener('abort', onAbort, { once: true })
        io.then(resolve, reject)
      })
      // A stop or timeout wins over data that arrived in the same turn.
      if (signal.aborted) throw CANCELLED
      return value
    } catch (error) {
      if (signal.aborted) throw CANCELLED
      throw error
    } finally {
      signal.removeEventListener('abort', onAbort)
      this.waiting = false
    }
  }

  hold(reader: ReadableStreamDefaultReader<unknown>): void {
    this.reader = reader
  }

  /** Cancels the body so the connection closes instead of downloading the rest. */
  release(): void {
    const reader = this.reader
    this.reader = undefined
    reader?.cancel().catch(() => undefined)
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.signal?.removeEventListener('abort', this.onUserAbort)
    this.release()
    this.controller.abort()
  }
}

const OPEN = '<think>'
const CLOSE = '</think>'
const MAX_HELD_WHITESPACE = 256

/** Length of the longest end of `text` that could be the start of `tag`. */
function partialTagSuffix(text: string, tag: string): number {
  for (let k = Math.min(tag.length - 1, text.length); k > 0; k--) {
    if (text.endsWith(tag.slice(0, k))) return k
  }
  return 0
}

/**
 * Splits `<think>…</think>` out of content as it streams. Only a possible partial tag (and leading
 * whitespace before a possible opening tag) is held back, so the work per delta is O(delta).
 * An opening tag counts only at the start of the answer, and only one block per answer is split,
 * so an answer that talks about the tags is left alone.
 */
class ThinkSplitter {
  private inThink = false
  private pending = ''
  private tagSeen = false
  private contentStarted = false

  push(text: string, out: StreamEvent[]): void {
    let s = this.pending + text
    this.pending = ''
    while (s !== '') {
      if (this.inThink) {
        const end = s.indexOf(CLOSE)
        if (end >= 0) {
          this.emit('reasoning', s.slice(0, end), out)
          this.inThink = false
          s = s.slice(end + CLOSE.length)
          continue
        }
        const keep = partialTagSuffix(s, CLOSE)
        this.emit('reasoning', s.slice(0, s.length - keep), out)
        this.pending = s.slice(s.length - keep)
        return
      }
      if (this.tagSeen) {
        this.emit('content', s, out)
        return
      }
      let open = -1
      if (!this.contentStarted) {
        const at = s.indexOf(OPEN)
        if (at >= 0 && s.slice(0, at).trim() === '') open = at
      }
      const close = s.indexOf(CLOSE)
      if (open >= 0 && (close < 0 || open < close)) {
        // Whitespace before the opening tag carries nothing; drop it.
        this.inThink = true
        this.tagSeen = true
        s = s.slice(open + OPEN.length)
        continue
      }
      if (close >= 0) {
        // The chat template put `<think>` in the prompt: everything so far was reasoning.
        out.push({ type: 'reclassify' })
        this.emit('reasoning', s.slice(0, close), out)
        this.tagSeen = true
        this.contentStarted = false
        s = s.slice(close + CLOSE.length)
        continue
      }
      const keep = Math.max(this.contentStarted ? 0 : partialTagSuffix(s, OPEN), partialTagSuffix(s, CLOSE))
      const ready = s.slice(0, s.length - keep)
      if (!this.contentStarted && ready.trim() === '' && s.length <= MAX_HELD_WHITESPACE) {
        this.pending = s
        return
      }
      this.emit('content', ready, out)
      this.pending = s.slice(s.length - keep)
      return
    }
  }

  flush(out: StreamEvent[]): void {
    const rest = this.pending
    this.pending = ''
    this.emit(this.inThink ? 'reasoning' : 'content', rest, out)
  }

  private emit(type: 'content' | 'reasoning', rawText: string, out: StreamEvent[]): void {
    // Models put blank lines between `</think>` and the answer; they would start the answer.
    const text = type === 'content' && this.tagSeen && !this.contentStarted ? rawText.replace(/^[\r\n]+/, '') : rawText
    if (text === '') return
    if (type === 'content' && !this.contentStarted && text.trim() !== '') this.contentStarted = true
    out.push({ type, text })
  }
}

function toUsage(value: unknown): Usage | undefined {
  if (!isRecord(value) || typeof value.prompt_tokens !== 'number') return undefined
  const prompt = value.prompt_tokens
  const completion = typeof value.completion_tokens === 'number' ? value.completion_tokens : 0
  const usage: Usage = {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: typeof value.total_tokens === 'number' ? value.total_tokens : prompt + completion,
  }
  const details = value.completion_tokens_details
  if (isRecord(details) && typeof details.reasoning_tokens === 'number') usage.reasoningTokens = details.reasoning_tokens
  // DeepSeek reports cache hits at the top level; OpenAI (and most followers) under prompt_tokens_details.
  const promptDetails = value.prompt_tokens_details
  const cached =
    typeof value.prompt_cache_hit_tokens === 'number'
      ? value.prompt_cache_hit_tokens
      : isRecord(promptDetails) && typeof promptDetails.cached_tokens === 'number'
        ? promptDetails.cached_tokens
        : typeof value.cached_tokens === 'number'
          ? value.cached_tokens
          : undefined
  if (cached !== undefined) usage.cachedPromptTokens = cached
  return usage
}

function redactOptional(text: string | undefined, secret: string): string | undefined {
  return text === undefined ? undefined : redactSecret(text, secret)
}

/** With n > 1 the choices interleave; this client shows the first one only. */
function firstChoice(choices: unknown): Json | undefined {
  if (!Array.isArray(choices)) return undefined
  for (const choice of choices) {
    if (isRecord(choice) && (choice.index === undefined || choice.index === 0)) return choice
  }
  return undefined
}

/** Turns parsed chunks (or a whole completion) into StreamEvents; all wire-shape quirks live here. */
class ChunkDecoder {
  finishReason: FinishReason | undefined
  terminal: StreamEvent | undefined
  private readonly think = new ThinkSplitter()
  private usageKey = ''

  constructor(
    private readonly url: string,
    private readonly secret: string,
  ) {}

  /** One SSE message. Sets `terminal` on `[DONE]` or an error object. */
  data(data: string, eventName: string | undefined, out: StreamEvent[]): void {
    const text = data.trim()
    if (text.startsWith('[DONE]')) {
      this.think.flush(out)
      this.terminal = { type: 'done' }
      return
    }
    let chunk: unknown
    try {
      chunk = JSON.parse(text)
    } catch {
      // Non-JSON data lines are noise from proxies, unless the server labelled them an error.
      if (eventName === 'error') this.fail(extractServerMessage(text), out)
      return
    }
    if (!isRecord(chunk)) {
      if (eventName === 'error') this.fail(messageFromJson(chunk), out)
      return
    }
    const isError = chunk.error != null || chunk.object === 'error' || eventName === 'error'
    this.chunk(chunk, out, !isError)
    if (isError) this.fail(messageFromJson(chunk), out)
  }

  /** A non-streamed completion: `choices[0].message` instead of deltas. */
  completion(body: Json, out: StreamEvent[]): void {
    this.chunk(body, out, true)
    this.think.flush(out)
  }

  flush(out: StreamEvent[]): void {
    this.think.flush(out)
  }

  private fail(serverMessage: string | undefined, out: StreamEvent[]): void {
    this.think.flush(out)
    const error = new ProviderError('stream', 'error object in the stream', {
      url: this.url,
      serverMessage: redactOptional(serverMessage, this.secret),
      midStream: true,
    })
    this.terminal = { type: 'error', error }
  }

  private chunk(chunk: Json, out: StreamEvent[], allowFinish: boolean): void {
    const choice = firstChoice(chunk.choices)
    const delta = isRecord(choice?.delta) ? choice.delta : isRecord(choice?.message) ? choice.message : undefined
    if (delta !== undefined) {
      const reasoning =
        typeof delta.reasoning_content === 'string'
          ? delta.reasoning_content
          : typeof delta.reasoning === 'string'
            ? delta.reasoning
            : ''
      if (reasoning !== '') out.push({ type: 'reasoning', text: reasoning })
      if (typeof delta.content === 'string' && delta.content !== '') this.think.push(delta.content, out)
    }

    const usage =
      toUsage(chunk.usage) ?? toUsage(choice?.usage) ?? (isRecord(chunk.x_groq) ? toUsage(chunk.x_groq.usage) : undefined)
    if (usage !== undefined) {
      const key = `${usage.promptTokens}/${usage.completionTokens}/${usage.totalTokens}/${usage.reasoningTokens}/${usage.cachedPromptTokens}`
      if (key !== this.usageKey) {
        this.usageKey = key
        out.push({ type: 'usage', usage })
      }
    }

    // After the delta: DeepSeek puts the last text and finish_reason in the same chunk.
    const reason = choice?.finish_reason
    const finish = allowFinish ? toFinishReason(reason) : undefined
    if (finish !== undefined && finish !== this.finishReason) {
      this.finishReason = finish
      out.push({ type: 'finish', reason: finish })
    }
  }
}

interface Context {
  url: string
  model: string
  /** The API key, scrubbed from server text at the source so no later layer can leak it. */
  secret: string
  session: Session
}

function streamFromText(text: string): ReadableStream<Bytes> {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream<Bytes>({
    start(controller) {
      controller.enqueue(bytes)
      controller.close()
    },
  })
}

/** Reads a whole body as text (capped), under the idle timer. `failed` means the connection dropped. */
async function readText(
  session: Session,
  body: ReadableStream<Bytes> | null,
  cap: number,
): Promise<{ text: string; failed: boolean }> {
  if (body === null) return { text: '', failed: false }
  const reader = body.getReader()
  session.hold(reader)
  const decoder = new TextDecoder()
  const parts: string[] = []
  let size = 0
  try {
    for (;;) {
      const result = await session.wait(reader.read())
      if (result.done) break
      size += result.value.byteLength
      parts.push(decoder.decode(result.value, { stream: true }))
      if (size >= cap) {
        session.release()
        break
      }
    }
  } catch (error) {
    if (error === CANCELLED) throw error
    return { text: parts.join(''), failed: true }
  }
  parts.push(decoder.decode())
  return { text: parts.join(''), failed: false }
}

function dropped(ctx: Context, cause?: unknown): StreamEvent {
  const error = new ProviderError('network', 'the connection dropped while reading the body', {
    url: ctx.url,
    midStream: true,
    cause,
  })
  return { type: 'interrupted', error }
}

/**
 * Merges neighbouring text events of one network read: an unpaced stream delivers thousands of
 * tiny deltas per read, and every event costs the consumer a reactive update and a render.
 */
function coalesce(events: StreamEvent[]): StreamEvent[] {
  const merged: StreamEvent[] = []
  for (const event of events) {
    const last = merged.at(-1)
    if ((event.type === 'content' || event.type === 'reasoning') && last?.type === event.type) {
      merged[merged.length - 1] = { type: event.type, text: last.text + event.text }
    } else {
      merged.push(event)
    }
  }
  return merged
}

/** Text parsed in one task when a single network read brings more (about 300 events of 100 tokens). */
const PIECE_CHARS = 32 * 1024

/** The next task, not throttled in a background tab (setTimeout is, to once a second). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}

async function* readEvents(
  ctx: Context,
  body: ReadableStream<Bytes>,
): AsyncGenerator<StreamEvent, void, undefined> {
  const { session } = ctx
  // The body is read directly, with one streaming TextDecoder, rather than through piped
  // TransformStreams: when a connection drops, a stream that errors discards whatever sits in its
  // queue, and every extra stage is one more queue of received text that would be lost.
  const reader = body.getReader()
  const text = new TextDecoder()
  session.hold(reader)
  const decoder = new ChunkDecoder(ctx.url, ctx.secret)
  const out: StreamEvent[] = []
  // eventsource-parser's push parser rather than its TransformStream: one await per network read
  // instead of one per SSE event, which is what keeps a 20,000-event burst from blocking the page.
  const parser = createParser({
    onEvent(message) {
      if (decoder.terminal === undefined) decoder.data(message.data, message.event, out)
    },
  })
  for (;;) {
    let result: ReadableStreamReadResult<Bytes>
    try {
      result = await session.wait(reader.read())
    } catch (error) {
      if (error === CANCELLED) throw error
      decoder.flush(out)
      yield* coalesce(out)
      yield dropped(ctx, error)
      return
    }
    if (result.done) {
      parser.feed(text.decode())
      break
    }
    // Any bytes (a keep-alive comment or half an event included) end this wait, and the next
    // wait restarts the idle clock: silence is measured from the last bytes received.
    const chunk = text.decode(result.value, { stream: true })
    for (let at = 0; at < chunk.length || at === 0; at += PIECE_CHARS) {
      // A read of megabytes (a fast stream that piled up) is parsed a piece a task, so the page
      // renders in between. A piece may end inside a line or a surrogate pair: the parser joins them.
      if (at > 0) await nextTask()
      parser.feed(chunk.length <= PIECE_CHARS ? chunk : chunk.slice(at, at + PIECE_CHARS))
      if (out.length > 0) {
        const batch = coalesce(out)
        out.length = 0
        yield* batch
      }
      if (decoder.terminal !== undefined) {
        session.release()
        yield decoder.terminal
        return
      }
    }
  }
  // As in the EventSource spec, an event without its closing blank line is dropped at EOF.
  parser.reset()
  decoder.flush(out)
  yield* coalesce(out)
  if (decoder.finishReason !== undefined) {
    yield { type: 'done' }
    return
  }
  const error = new ProviderError('protocol', 'the stream ended without [DONE] or finish_reason', {
    url: ctx.url,
    midStream: true,
  })
  yield { type: 'interrupted', error }
}

/** A 200 that is not an event stream: a proxy's whole completion, a JSON error, or something else. */
async function* readWhole(ctx: Context, response: Response, contentType: string): AsyncGenerator<StreamEvent, void, undefined> {
  const { text, failed } = await readText(ctx.session, response.body, WHOLE_BODY_CAP)
  if (failed) {
    yield dropped(ctx)
    return
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (isRecord(parsed) && (parsed.error != null || parsed.object === 'error')) {
    const error = new ProviderError('stream', 'error object in a 200 response', {
      url: ctx.url,
      serverMessage: redactOptional(messageFromJson(parsed), ctx.secret),
      midStream: false,
    })
    yield { type: 'error', error }
    return
  }
  if (isRecord(parsed) && firstChoice(parsed.choices) !== undefined) {
    const decoder = new ChunkDecoder(ctx.url, ctx.secret)
    const out: StreamEvent[] = []
    decoder.completion(parsed, out)
    yield* out
    yield { type: 'done' }
    return
  }
  // Some servers stream SSE under a wrong Content-Type (text/plain, none at all).
  if (/^\s*(data|event|id|retry)\s*:|^\s*:/.test(text)) {
    yield* readEvents(ctx, streamFromText(text))
    return
  }
  const error = new ProviderError('protocol', 'unreadable 200 response', {
    url: ctx.url,
    status: response.status,
    contentType: redactOptional(contentType, ctx.secret),
  })
  yield { type: 'error', error }
}

async function* run(
  ctx: Context,
  init: RequestInit,
  fetchImpl: typeof fetch,
): AsyncGenerator<StreamEvent, void, undefined> {
  const { session, url } = ctx
  let response: Response
  try {
    // async wrapper: a fetch that throws synchronously is still a network failure, not a crash.
    const request = (async () => fetchImpl(url, { ...init, signal: session.controller.signal }))()
    response = await session.wait(request)
  } catch (error) {
    if (error === CANCELLED) throw error
    // The request is sent with redirect: 'error'; one key-free probe tells a refused redirect apart.
    const redirected = (await session.wait(diagnoseRejection(url, 'POST', fetchImpl, false))) === 'redirect'
    const failure = redirected
      ? new ProviderError('network', 'redirect refused', { url, cause: error, redirected: true })
      : new ProviderError('network', 'fetch rejected', { url, cause: error })
    yield { type: 'error', error: failure }
    return
  }

  const contentType = response.headers.get('content-type') ?? ''
  if (!response.ok) {
    const { text } = await readText(session, response.body, ERROR_BODY_CAP)
    const error = new ProviderError('http', `HTTP ${response.status}`, {
      status: response.status,
      url,
      model: ctx.model,
      serverMessage: redactOptional(extractServerMessage(text, contentType), ctx.secret),
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
    })
    yield { type: 'error', error }
    return
  }
  if (response.body !== null && /text\/event-stream/i.test(contentType)) {
    yield* readEvents(ctx, response.body)
    return
  }
  yield* readWhole(ctx, response, contentType)
}

function cancelledEvent(session: Session, url: string, idleMs: number): StreamEvent {
  if (!session.userAborted && session.timedOut) {
    const error = new ProviderError('timeout', `no data for ${idleMs} ms`, { url, timeoutSeconds: idleMs / 1000 })
    return { type: 'error', error }
  }
  return { type: 'error', error: new ProviderError('aborted', 'stopped by the user', { url }) }
}

/**
 * Sends one chat completion request and yields its answer as StreamEvents. It never throws for
 * network, HTTP or protocol trouble: those arrive as the terminal event, after whatever text came.
 */
export async function* streamChat(
  settings: Settings,
  turns: ChatTurn[],
  options: StreamOptions = {},
): AsyncGenerator<StreamEvent, void, undefined> {
  const problem = checkSettings(settings)
  if (problem !== null) {
    yield { type: 'error', error: problem }
    return
  }
  const { url, init } = buildChatRequest(settings, turns)
  const fromSettings = settings.idleTimeoutSeconds > 0 ? settings.idleTimeoutSeconds * 1000 : DEFAULT_IDLE_MS
  const idleMs = options.idleTimeoutMs ?? fromSettings
  if (options.signal?.aborted === true) {
    yield { type: 'error', error: new ProviderError('aborted', 'stopped before sending', { url }) }
    return
  }
  const session = new Session(idleMs, options.signal)
  const ctx: Context = { url, model: settings.model.trim(), secret: settings.apiKey, session }
  try {
    yield* run(ctx, init, options.fetch ?? globalThis.fetch.bind(globalThis))
  } catch (error) {
    session.close()
    if (error === CANCELLED) {
      yield cancelledEvent(session, url, idleMs)
    } else {
      // A bug of ours must still end the answer with a terminal event rather than hang the UI.
      yield { type: 'error', error: new ProviderError('protocol', `unexpected failure: ${String(error)}`, { url, cause: error }) }
    }
  } finally {
    session.close()
  }
}
