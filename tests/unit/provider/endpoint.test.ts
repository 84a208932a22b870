import { describe, it, expect } from 'vitest'
import { errorTexts } from '../../../src/core/provider'
import { endpointUrl, fetchBalance, listModels, parseBalance, testConnection } from '../../../src/core/provider/endpoint'
import { renderText } from '../../../src/locales'
import type { Settings } from '../../../src/core/types'
import { DEFAULT_SETTINGS } from '../../../src/core/provider'

const KEY = 'sk-secret-0123456789abcdef'

function settings(over: Partial<Settings> = {}): Settings {
  return { ...structuredClone(DEFAULT_SETTINGS), apiKey: KEY, providerId: 'deepseek', baseUrl: 'https://api.deepseek.com', model: 'deepseek-chat', ...over }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('endpoint requests', () => {
  it('builds URLs from a base with or without the chat path', () => {
    expect(endpointUrl('https://api.deepseek.com', '/user/balance')).toBe('https://api.deepseek.com/user/balance')
    expect(endpointUrl('https://x.example/v1/chat/completions/', '/models')).toBe('https://x.example/v1/models')
  })

  it('reads model lists in the OpenAI and the bare-array shape', async () => {
    const seen: string[] = []
    const fetchImpl = (async (url: string, init?: RequestInit) => {
      seen.push(`${url} ${(init?.headers as Record<string, string>).Authorization}`)
      return json(200, { object: 'list', data: [{ id: 'a' }, { id: 'a' }, { id: 'b', context_length: 4096 }, { nope: 1 }] })
    }) as typeof fetch
    expect(await listModels(settings(), { fetch: fetchImpl })).toEqual([{ id: 'a' }, { id: 'b', context: 4096 }])
    expect(seen).toEqual([`https://api.deepseek.com/models Bearer ${KEY}`])
    const bare = (async () => json(200, [{ id: 'together-model', max_model_len: 8192 }])) as unknown as typeof fetch
    expect(await listModels(settings(), { fetch: bare })).toEqual([{ id: 'together-model', context: 8192 }])
  })

  it('parses the three balance answers', () => {
    expect(parseBalance('deepseek', { is_available: false, balance_infos: [{ currency: 'CNY', total_balance: '1.5' }] })).toEqual({
      entries: [{ currency: 'CNY', amount: 1.5 }],
      available: false,
    })
    expect(parseBalance('siliconflow', { code: 20000, data: { balance: '1', totalBalance: '2.5' } })).toEqual({ entries: [{ currency: 'CNY', amount: 2.5 }] })
    expect(parseBalance('openrouter', { data: { total_credits: 10, total_usage: 2.5 } })).toEqual({ entries: [{ currency: 'USD', amount: 7.5 }] })
    expect(parseBalance('deepseek', { data: 1 })).toBeUndefined()
  })

  it('a redirect from models, balance or the connection test is refused and named; nothing follows it', async () => {
    const seen: RequestInit[] = []
    const redirecting = (async (_url: string, init?: RequestInit) => {
      seen.push(init ?? {})
      if (init?.redirect === 'manual') return new Response(null, { status: 308, headers: { location: 'http://127.0.0.1:8811/' } })
      throw new TypeError('Failed to fetch')
    }) as typeof fetch
    const result = await testConnection(settings(), { fetch: redirecting })
    expect(result.ok === false && result.error.redirected).toBe(true)
    if (result.ok) return
    expect(errorTexts(result.error).map((t) => renderText('en', t)).join('')).toContain('The redirect was refused, so your API key went nowhere else.')
    const listing = await listModels(settings(), { fetch: redirecting }).catch((e: unknown) => e)
    expect(listing).toMatchObject({ kind: 'network', redirected: true })
    // Every request refuses redirects; no request ever follows one (the no-cors probe is not needed).
    expect(seen.map((i) => i.redirect)).toEqual(['error', 'manual', 'error', 'manual'])
    expect(seen.filter((i) => i.redirect === 'manual').every((i) => i.headers === undefined && i.body === undefined)).toBe(true)
  })

  it('a rejected fetch with a reachable server is CORS; with an unreachable one, network', async () => {
    let calls = 0
    const cors = (async (_url: string, init?: RequestInit) => {
      calls++
      if (init?.mode === 'no-cors') {
        // The probe carries no key.
        expect(init.headers).toBeUndefined()
        return new Response(null, { status: 200 })
      }
      throw new TypeError('Failed to fetch')
    }) as typeof fetch
    const result = await testConnection(settings({ providerId: 'ollama', baseUrl: 'http://localhost:11434/v1' }), { fetch: cors })
    // The request, the redirect probe (CORS, redirect: manual) and the reachability probe.
    expect(calls).toBe(3)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.cors).toBe(true)
    const text = errorTexts(result.error).map((t) => renderText('en', t)).join('')
    expect(text).toContain('CORS (跨域)')
    expect(text).toContain('OLLAMA_ORIGINS')

    const down = (async () => {
      throw new TypeError('Failed to fetch')
    }) as unknown as typeof fetch
    const offline = await testConnection(settings(), { fetch: down })
    expect(offline.ok === false && offline.error.kind === 'network' && offline.error.cors).toBe(undefined)
  })

  it('names an unknown model with close matches and never repeats the key', async () => {
    const fetchImpl = (async (url: string) =>
      url.endsWith('/models')
        ? json(200, { data: [{ id: 'deepseek-flash' }, { id: 'deepseek-v4-pro' }, { id: 'other' }] })
        : json(404, { error: { message: `Model not found for key ${KEY}` } })) as typeof fetch
    const result = await testConnection(settings(), { fetch: fetchImpl })
    expect(result.ok).toBe(false)
    if (result.ok) return
    const text = errorTexts(result.error).map((t) => renderText('en', t)).join('')
    expect(text).toContain('The model “deepseek-chat” is not in this endpoint’s model list (HTTP 404). Check the model in Settings. Close matches: deepseek-flash, deepseek-v4-pro.')
    expect(text).not.toContain(KEY)
  })

  it('reports success with the latency', async () => {
    let now = 1000
    const fetchImpl = (async () => {
      now += 42
      return json(200, { choices: [{ message: { content: 'p' } }] })
    }) as unknown as typeof fetch
    expect(await testConnection(settings(), { fetch: fetchImpl, now: () => now })).toEqual({ ok: true, latencyMs: 42, model: 'deepseek-chat' })
  })

  it('balance: HTTP errors keep their kind', async () => {
    const fetchImpl = (async () => json(402, { error: { message: 'Insufficient Balance' } })) as unknown as typeof fetch
    await expect(fetchBalance(settings(), { fetch: fetchImpl })).rejects.toMatchObject({ kind: 'http', status: 402 })
  })
})
