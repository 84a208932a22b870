// Test edges for the provider client: real Response objects with byte streams cut at random places.
import { DEFAULT_SETTINGS, describeError } from '../../../src/core/provider'
import { applyStreamEvent, newTurn } from '../../../src/core/answer'
import type { StreamEvent } from '../../../src/core/provider'
import type { FinishReason, Settings, Usage } from '../../../src/core/types'

export const KEY = 'sk-test-1234567890abcdef'

/** Settings for a preset with a key, so checkSettings passes. */
export function settingsFor(providerId = 'siliconflow', overrides: Partial<Settings> = {}): Settings {
  const presets: Record<string, { baseUrl: string; model: string }> = {
    siliconflow: { baseUrl: 'https://api.siliconflow.cn/v1', model: 'deepseek-ai/DeepSeek-V3' },
    deepseek: { baseUrl: 'https://api.deepseek.com', model: 'deepseek-reasoner' },
    openai: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
    openrouter: { baseUrl: 'https://openrouter.ai/api/v1', model: 'deepseek/deepseek-r1' },
    ollama: { baseUrl: 'http://localhost:11434/v1', model: 'qwen3' },
    custom: { baseUrl: 'http://127.0.0.1:8000/v1', model: 'my-model' },
  }
  const preset = presets[providerId] ?? { baseUrl: 'https://api.example.com/v1', model: 'm' }
  return {
    ...DEFAULT_SETTINGS,
    params: { ...DEFAULT_SETTINGS.params },
    apiKey: KEY,
    providerId,
    ...preset,
    ...overrides,
  }
}

/** mulberry32: small, seedable, good enough to choose cut points. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Bytes = Uint8Array<ArrayBuffer>

/**
 * Cuts bytes into pieces. seed 0 = one piece (a buffering proxy), seed -1 = one byte per piece,
 * otherwise random lengths (mostly tiny, sometimes large) so multibyte characters, CRLF pairs and
 * event boundaries are split everywhere across seeds.
 */
export function cut(bytes: Bytes, seed: number): Bytes[] {
  if (seed === 0) return [bytes]
  if (seed === -1) return Array.from(bytes, (b) => new Uint8Array([b]))
  const rand = prng(seed)
  const pieces: Bytes[] = []
  let at = 0
  while (at < bytes.length) {
    const max = [1, 2, 3, 5, 8, 17, 64, 300][Math.floor(rand() * 8)] ?? 1
    const size = 1 + Math.floor(rand() * max)
    pieces.push(bytes.slice(at, at + size))
    at += size
  }
  return pieces
}

export const SEEDS = [0, -1, ...Array.from({ length: 40 }, (_, i) => i + 1)]

export interface BodyControl {
  cancelled: boolean
  cancelReason: unknown
}

/**
 * A body that delivers `pieces`, then either closes, errors like a dropped connection, or goes
 * silent (`end: 'hang'`). Records cancellation so tests can see the client let go of it.
 */
export function byteStream(
  pieces: Bytes[],
  end: 'close' | 'hang' | Error = 'close',
  control: BodyControl = { cancelled: false, cancelReason: undefined },
): ReadableStream<Bytes> {
  let i = 0
  return new ReadableStream<Bytes>(
    {
      pull(controller) {
        const piece = pieces[i++]
        if (piece !== undefined) {
          controller.enqueue(piece)
          return
        }
        if (end === 'close') controller.close()
        else if (end === 'hang') return new Promise<void>(() => undefined)
        else controller.error(end)
      },
      cancel(reason) {
        control.cancelled = true
        control.cancelReason = reason
      },
    },
    { highWaterMark: 0 },
  )
}

export const encode = (text: string): Bytes => new TextEncoder().encode(text)

/** `data: {json}` plus the blank line, as providers send it. */
export function sse(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`
}

export const SSE_HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8' }

export function respond(
  body: string | ReadableStream<Bytes> | null,
  init: { status?: number; headers?: Record<string, string>; seed?: number } = {},
): Response {
  const stream = typeof body === 'string' ? byteStream(cut(encode(body), init.seed ?? 0)) : body
  return new Response(stream, { status: init.status ?? 200, headers: init.headers ?? SSE_HEADERS })
}

export interface FetchCall {
  url: string
  init: RequestInit
}

/** A fetch stand-in that records each request and answers with `reply`. */
export function stubFetch(reply: Response | ((call: FetchCall) => Promise<Response>)): {
  fetch: typeof fetch
  calls: FetchCall[]
} {
  const calls: FetchCall[] = []
  const fake = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const call = { url: String(input), init: init ?? {} }
    calls.push(call)
    return typeof reply === 'function' ? reply(call) : Promise.resolve(reply)
  }
  return { fetch: fake as typeof fetch, calls }
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = []
  for await (const event of events) out.push(event)
  return out
}

export interface Summary {
  content: string
  reasoning: string
  usage?: Usage
  finishes: FinishReason[]
  end: string
  text?: string
}

const TERMINAL = new Set(['done', 'interrupted', 'error'])

/** Folds events with the store's own fold (core/answer), and checks the one-terminal-event-last contract. */
export function summarize(events: StreamEvent[]): Summary {
  const terminals = events.filter((e) => TERMINAL.has(e.type))
  const terminal = terminals[0]
  if (terminals.length !== 1 || events[events.length - 1] !== terminal) {
    throw new Error(`expected exactly one terminal event, last; got ${events.map((e) => e.type).join(',')}`)
  }
  const { answer } = newTurn('c', 0, 'q', { model: 'm', params: DEFAULT_SETTINGS.params }, 0)
  for (const event of events) applyStreamEvent(answer, event, 0)
  const summary: Summary = { content: answer.content, reasoning: answer.reasoning, finishes: [], end: '' }
  if (answer.usage) summary.usage = answer.usage
  // Every finish report, not only the last one the answer keeps: the decoder must not repeat one.
  for (const event of events) if (event.type === 'finish') summary.finishes.push(event.reason)
  if (terminal?.type === 'done') {
    summary.end = 'done'
  } else if (terminal?.type === 'interrupted' || terminal?.type === 'error') {
    summary.end = `${terminal.type}:${terminal.error.kind}`
    summary.text = describeError(terminal.error)
  }
  return summary
}

/** Resolves once `check` holds; cancellation travels through the pipe chain asynchronously. */
export async function until(check: () => boolean, ms = 1000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not reached')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
