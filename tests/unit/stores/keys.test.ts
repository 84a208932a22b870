import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRepository, KV_KEYS, type Repository } from '../../../src/core/persistence'
import { DEFAULT_SETTINGS } from '../../../src/core/provider'
import { openStores } from './harness'
import { useKeysStore } from '../../../src/stores/keys'

const KEY_A = 'sk-canary-endpoint-a-0001'
const KEY_B = 'sk-canary-endpoint-b-0002'
const A = 'http://127.0.0.1:9101/v1'
const B = 'http://127.0.0.1:9102/v1'

let dbName = ''
let repository: Repository
let sent: { url: string; authorization: string | null }[]

function freshStores() {
  return openStores(() => createRepository({ dbName }))
}

beforeEach(async () => {
  dbName = `keys-${Math.random()}`
  repository = await createRepository({ dbName })
  sent = []
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({ url, authorization: new Headers(init.headers).get('authorization') })
    const body = 'data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  })
  // Node has no sessionStorage; give each test one so "this session only" is observable.
  const sessionData = new Map<string, string>()
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => sessionData.get(k) ?? null,
    setItem: (k: string, v: string) => void sessionData.set(k, String(v)),
    removeItem: (k: string) => void sessionData.delete(k),
    clear: () => sessionData.clear(),
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
  repository.close()
})

async function dump(): Promise<string> {
  const settings = await repository.getValue(KV_KEYS.settings)
  const keys = await repository.getValue(KV_KEYS.apiKeys)
  const conversations = await repository.exportConversations()
  return JSON.stringify({ settings, keys, conversations })
}

describe('keys per endpoint', () => {
  it('switching the base URL switches the key, and a request carries only its endpoint’s key', async () => {
    const stores = await freshStores()
    stores.settings.chooseProvider('custom')
    Object.assign(stores.settings.settings, { baseUrl: A, apiKey: KEY_A, model: 'm' })
    stores.settings.settings.baseUrl = B
    expect(stores.settings.settings.apiKey).toBe('')
    await stores.chat.send('to B without a key')
    await stores.streams.settled()
    // B has no key: the missing key is reported before anything goes out.
    expect(sent).toEqual([])
    stores.settings.settings.apiKey = KEY_B
    await stores.chat.send('to B')
    await stores.streams.settled()
    stores.settings.settings.baseUrl = `${A.replace('/v1', '')}/other/v1`
    expect(stores.settings.settings.apiKey).toBe(KEY_A)
    await stores.chat.send('to A')
    await stores.streams.settled()
    expect(sent).toEqual([
      { url: `${B}/chat/completions`, authorization: `Bearer ${KEY_B}` },
      { url: 'http://127.0.0.1:9101/other/v1/chat/completions', authorization: `Bearer ${KEY_A}` },
    ])
  })

  it('a preset brings its own origin’s key (or none)', async () => {
    const stores = await freshStores()
    stores.settings.chooseProvider('deepseek')
    stores.settings.settings.apiKey = KEY_A
    stores.settings.chooseProvider('openai')
    expect(stores.settings.settings.apiKey).toBe('')
    stores.settings.chooseProvider('deepseek')
    expect(stores.settings.settings.apiKey).toBe(KEY_A)
  })

  it('remembered keys survive a reload, bound to their origin, and never sit in the settings record', async () => {
    const first = await freshStores()
    first.settings.chooseProvider('custom')
    Object.assign(first.settings.settings, { baseUrl: A, apiKey: KEY_A, model: 'm' })
    await first.settings.whenSaved()
    const second = await freshStores()
    expect(second.settings.settings.apiKey).toBe(KEY_A)
    expect(await repository.getValue(KV_KEYS.apiKeys)).toEqual({ 'http://127.0.0.1:9101': KEY_A })
    expect(await repository.getSettings()).not.toHaveProperty('apiKey')
  })

  it('"this session only" keeps the key out of IndexedDB and moves a remembered one out at once', async () => {
    const stores = await freshStores()
    stores.settings.chooseProvider('custom')
    Object.assign(stores.settings.settings, { baseUrl: A, apiKey: KEY_A, model: 'm' })
    await stores.settings.whenSaved()
    expect(await dump()).toContain(KEY_A)
    useKeysStore().choosePersistence('session')
    await stores.settings.whenSaved()
    expect(useKeysStore().persistence).toBe('session')
    expect(await dump()).not.toContain(KEY_A)
    expect(sessionStorage.getItem('inkstream.sessionKeys')).toContain(KEY_A)
    // A key typed now for another endpoint follows the last choice.
    stores.settings.settings.baseUrl = B
    stores.settings.settings.apiKey = KEY_B
    await stores.settings.whenSaved()
    expect(await dump()).not.toContain(KEY_B)
    // The same tab after a reload (sessionStorage survives it) still has it; a new tab would not.
    const reloaded = await freshStores()
    expect(reloaded.settings.settings.apiKey).toBe(KEY_B)
    sessionStorage.clear()
    const newTab = await freshStores()
    expect(newTab.settings.settings.apiKey).toBe('')
  })

  it('forget removes the key from every store and the next request carries none', async () => {
    const stores = await freshStores()
    stores.settings.chooseProvider('ollama')
    Object.assign(stores.settings.settings, { baseUrl: A, apiKey: KEY_A, model: 'm' })
    await stores.settings.whenSaved()
    useKeysStore().forget()
    await stores.settings.whenSaved()
    expect(stores.settings.settings.apiKey).toBe('')
    expect(await dump()).not.toContain(KEY_A)
    expect(sessionStorage.getItem('inkstream.sessionKeys')).toBeNull()
    // Ollama needs no key: the request goes out, without Authorization.
    await stores.chat.send('keyless')
    await stores.streams.settled()
    expect(sent).toEqual([{ url: `${A}/chat/completions`, authorization: null }])
  })

  it('two tabs saving keys for different endpoints keep both', async () => {
    const first = await freshStores()
    const firstKeys = useKeysStore()
    const second = await freshStores()
    first.settings.chooseProvider('custom')
    second.settings.chooseProvider('custom')
    first.settings.settings.baseUrl = A
    first.settings.settings.apiKey = KEY_A
    await firstKeys.whenSaved()
    // The second tab loaded before the first saved; its own save must not drop A's key.
    second.settings.settings.baseUrl = B
    second.settings.settings.apiKey = KEY_B
    await second.settings.whenSaved()
    expect(await repository.getValue(KV_KEYS.apiKeys)).toEqual({ 'http://127.0.0.1:9101': KEY_A, 'http://127.0.0.1:9102': KEY_B })
  })

  it('the one key of an older build moves to the origin it was used with, in one step', async () => {
    await repository.putSettings({ ...DEFAULT_SETTINGS, providerId: 'custom', baseUrl: A, model: 'm', apiKey: KEY_A })
    const stores = await freshStores()
    expect(stores.settings.settings.apiKey).toBe(KEY_A)
    expect(await repository.getValue(KV_KEYS.apiKeys)).toEqual({ 'http://127.0.0.1:9101': KEY_A })
    expect(await repository.getSettings()).not.toHaveProperty('apiKey')
    expect((await repository.getSettings())?.baseUrl).toBe(A)
    stores.settings.settings.baseUrl = B
    expect(stores.settings.settings.apiKey).toBe('')
  })

  it('an old key whose base URL has no origin stays in its record and is never sent', async () => {
    await repository.putSettings({ ...DEFAULT_SETTINGS, providerId: 'custom', baseUrl: 'nonsense', model: 'm', apiKey: KEY_A })
    const stores = await freshStores()
    expect(stores.settings.settings.apiKey).toBe('')
    stores.settings.settings.systemPrompt = 'changed'
    await stores.settings.whenSaved()
    expect((await repository.getSettings())?.apiKey).toBe(KEY_A)
    stores.settings.settings.baseUrl = B
    expect(stores.settings.settings.apiKey).toBe('')
  })
})
