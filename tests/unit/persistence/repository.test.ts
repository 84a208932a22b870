import { describe, it, expect, vi, afterEach } from 'vitest'
import { reactive, toRaw } from 'vue'
import { QUOTA, conversation, message, openTestRepository, settings } from './fixtures'
import { KV_KEYS, PersistenceError, toPlainData } from '../../../src/core/persistence'
import type { ChatMessage } from '../../../src/core/types'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('conversations', () => {
  it('round-trips, replaces and lists newest first', async () => {
    const repo = await openTestRepository()
    const a = conversation('a', 3000)
    const b = conversation('b', 1000)
    const c = conversation('c', 2000)
    for (const conv of [a, b, c]) await repo.putConversation(conv)

    expect(await repo.getConversation('a')).toEqual(a)
    expect(await repo.getConversation('missing')).toBeUndefined()
    expect((await repo.listConversations()).map((x) => x.id)).toEqual(['a', 'c', 'b'])

    const renamed = { ...b, title: '新标题', updatedAt: 4000 }
    await repo.putConversation(renamed)
    expect(await repo.listConversations()).toEqual([renamed, a, c])
    repo.close()
  })

  it('returns an empty list from a fresh database', async () => {
    const repo = await openTestRepository()
    expect(await repo.listConversations()).toEqual([])
    expect(await repo.listMessages('nothing')).toEqual([])
    repo.close()
  })

  it('deletes a conversation with all its messages and nothing else', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('a'), [message('a', 0), message('a', 1), message('a', 2)])
    await repo.putTurn(conversation('b'), [message('b', 0), message('b', 1)])
    // An id that sorts right after 'a' must not fall inside a's key range.
    await repo.putTurn(conversation('a2'), [message('a2', 0)])

    await repo.deleteConversation('a')

    expect(await repo.getConversation('a')).toBeUndefined()
    expect(await repo.listMessages('a')).toEqual([])
    expect(await repo.listMessages('b')).toEqual([message('b', 0), message('b', 1)])
    expect(await repo.listMessages('a2')).toEqual([message('a2', 0)])
    expect((await repo.listConversations()).map((x) => x.id).sort()).toEqual(['a2', 'b'])
    await expect(repo.deleteConversation('a')).resolves.toBeUndefined()
    repo.close()
  })
})

describe('messages', () => {
  it('round-trips every field and lists by seq, not by insertion order or id', async () => {
    const repo = await openTestRepository()
    await repo.putConversation(conversation('c'))
    const full: ChatMessage = message('c', 1, {
      content: '多行\n回答',
      reasoning: '思考',
      status: 'error',
      model: 'deepseek-reasoner',
      finishReason: 'stop',
      usage: { promptTokens: 10, completionTokens: 20, totalTokens: 30, reasoningTokens: 5 },
      error: { kind: 'http', status: 429, message: 'Rate limited; retry later.' },
    })
    // seq 10 has an id that sorts before seq 2's: order must come from seq.
    const later = message('c', 10, { id: 'c-a-first' })
    await repo.saveMessage(later, conversation('c'))
    await repo.saveMessage(message('c', 2), conversation('c'))
    await repo.saveMessage(full, conversation('c'))
    await repo.saveMessage(message('c', 0), conversation('c'))
    await repo.saveMessage(message('other', 0), conversation('other'))

    expect(await repo.listMessages('c')).toEqual([message('c', 0), full, message('c', 2), later])
    repo.close()
  })

  it('replaces a message on a second put (the streaming checkpoint path)', async () => {
    const repo = await openTestRepository()
    await repo.saveMessage(message('c', 1, { content: 'part', status: 'streaming' }), conversation('c'))
    await repo.saveMessage(message('c', 1, { content: 'partial answer', status: 'done' }), conversation('c'))
    expect(await repo.listMessages('c')).toEqual([message('c', 1, { content: 'partial answer', status: 'done' })])
    repo.close()
  })

  it('reads finish reasons an older build stored in the provider’s own words as normalised ones', async () => {
    const repo = await openTestRepository()
    // What a build before normalisation wrote: SiliconFlow's `sensitive`, OpenAI's `content_filter`.
    const legacy = (seq: number, finishReason: string) => ({ ...message('c', seq, { status: 'done' }), finishReason }) as unknown as ChatMessage
    await repo.saveMessage(legacy(1, 'sensitive'), conversation('c'))
    await repo.saveMessage(legacy(3, 'content_filter'), conversation('c'))
    await repo.saveMessage(legacy(5, 'length'), conversation('c'))
    const listed = await repo.listMessages('c')
    expect(listed.map((m) => m.finishReason)).toEqual(['filtered', 'filtered', 'length'])
    expect((await repo.getMessage(listed[0]!.id))?.finishReason).toBe('filtered')
    const [exported] = await repo.exportConversations()
    expect(exported!.messages.map((m) => m.finishReason)).toEqual(['filtered', 'filtered', 'length'])
    repo.close()
  })

  it('rejects records whose keys would hide them from their conversation', async () => {
    const repo = await openTestRepository()
    await expect(repo.saveMessage(message('c', 0, { seq: Number.NaN }), conversation('c'))).rejects.toThrow(TypeError)
    await expect(repo.saveMessage(message('c', 0, { seq: 1.5 }), conversation('c'))).rejects.toThrow('seq')
    await expect(repo.saveMessage(message('', 0), conversation(''))).rejects.toThrow('conversationId')
    await expect(repo.saveMessage(message('c', 0, { id: '' }), conversation('c'))).rejects.toThrow('id')
    await expect(repo.putConversation({ ...conversation('c'), updatedAt: Number.NaN })).rejects.toThrow('updatedAt')
    expect(await repo.listMessages('c')).toEqual([])
    repo.close()
  })
})

describe('putTurn', () => {
  it('writes the conversation and its messages together', async () => {
    const repo = await openTestRepository()
    const conv = conversation('c')
    const messages = [message('c', 0), message('c', 1, { status: 'streaming', content: '' })]
    await repo.putTurn(conv, messages)
    expect(await repo.getConversation('c')).toEqual(conv)
    expect(await repo.listMessages('c')).toEqual(messages)
    repo.close()
  })

  it('refuses messages of another conversation before writing anything', async () => {
    const repo = await openTestRepository()
    await expect(repo.putTurn(conversation('c'), [message('c', 0), message('d', 1)])).rejects.toThrow('belongs to d')
    expect(await repo.getConversation('c')).toBeUndefined()
    expect(await repo.listMessages('c')).toEqual([])
    repo.close()
  })

  it('persists neither write when the engine throws on a later put (quota)', async () => {
    const repo = await openTestRepository()
    const before = conversation('c', 1000, 'before')
    await repo.putTurn(before, [message('c', 0)])

    const originalPut = IDBObjectStore.prototype.put
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if ((value as { id?: string }).id === 'c-m2') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      return originalPut.call(this, value, key)
    })

    const after = conversation('c', 2000, 'after')
    await expect(repo.putTurn(after, [message('c', 1), message('c', 2)])).rejects.toMatchObject(QUOTA)
    vi.restoreAllMocks()

    expect(await repo.getConversation('c')).toEqual(before)
    expect(await repo.listMessages('c')).toEqual([message('c', 0)])
    repo.close()
  })

  it('reports a full disk that aborts the transaction at commit as a quota error, and writes neither record', async () => {
    const repo = await openTestRepository()
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    const originalPut = IDBObjectStore.prototype.put
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = originalPut.call(this, value, key)
      // How Chromium reports a full disk: the requests were accepted, then the whole transaction
      // aborts with QuotaExceededError as its error, and the requests fail with AbortError.
      if ((value as { id?: string }).id === 'c-m1') {
        Object.defineProperty(this.transaction, 'error', { get: () => quota, configurable: true })
        this.transaction.abort()
      }
      return request
    })

    const rejection = await repo.putTurn(conversation('c'), [message('c', 0), message('c', 1)]).catch((e: unknown) => e)
    vi.restoreAllMocks()
    expect(rejection).toBeInstanceOf(PersistenceError)
    expect(rejection).toMatchObject({ kind: 'quota', cause: quota })
    expect(await repo.getConversation('c')).toBeUndefined()
    expect(await repo.listMessages('c')).toEqual([])
    repo.close()
  })

  it('reports a full disk on the single-request writes (settings, key-value state) as a quota error', async () => {
    const repo = await openTestRepository()
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    })
    await expect(repo.putValue(KV_KEYS.draft, 'a long draft')).rejects.toMatchObject(QUOTA)
    await expect(repo.putSettings(settings())).rejects.toMatchObject(QUOTA)
    await expect(repo.putConversation(conversation('c'))).rejects.toMatchObject(QUOTA)
    vi.restoreAllMocks()
    expect(await repo.getValue(KV_KEYS.draft)).toBeUndefined()
    repo.close()
  })

  it('passes every other engine error through unchanged', async () => {
    const repo = await openTestRepository()
    const clone = new DOMException('could not be cloned', 'DataCloneError')
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw clone
    })
    await expect(repo.putValue('x', 1)).rejects.toBe(clone)
    await expect(repo.putTurn(conversation('c'), [message('c', 0)])).rejects.toBe(clone)
    repo.close()
  })

  it('persists neither write when the transaction aborts after the writes were issued', async () => {
    const repo = await openTestRepository()
    const originalPut = IDBObjectStore.prototype.put
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = originalPut.call(this, value, key)
      // Models a commit-time failure: the engine aborts the transaction after accepting the request.
      if ((value as { id?: string }).id === 'c-m1') this.transaction.abort()
      return request
    })

    await expect(repo.putTurn(conversation('c'), [message('c', 0), message('c', 1)])).rejects.toMatchObject({ name: 'AbortError' })
    vi.restoreAllMocks()

    expect(await repo.getConversation('c')).toBeUndefined()
    expect(await repo.listMessages('c')).toEqual([])
    // The connection is still usable afterwards.
    await repo.putTurn(conversation('c'), [message('c', 0)])
    expect(await repo.listMessages('c')).toEqual([message('c', 0)])
    repo.close()
  })

  it('writes nothing when a message cannot be turned into plain data', async () => {
    const repo = await openTestRepository()
    const bad = { ...message('c', 1), usage: { promptTokens: 1n } } as unknown as ChatMessage
    await expect(repo.putTurn(conversation('c'), [message('c', 0), bad])).rejects.toThrow(TypeError)
    expect(await repo.getConversation('c')).toBeUndefined()
    expect(await repo.listMessages('c')).toEqual([])
    repo.close()
  })
})

describe('plain data', () => {
  it('stores plain copies of proxies, which IndexedDB itself cannot clone', async () => {
    const repo = await openTestRepository()
    const plain = message('c', 1, { usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } })
    const proxied = new Proxy(plain, {})
    expect(() => structuredClone(proxied)).toThrow()

    await repo.saveMessage(proxied, conversation('c'))
    expect(await repo.listMessages('c')).toEqual([plain])
    repo.close()
  })

  it('accepts Vue reactive objects, whole or with reactive values nested in a raw one', async () => {
    const repo = await openTestRepository()
    const usage = { promptTokens: 1, completionTokens: 2, totalTokens: 3 }
    const params = settings().params

    const state = reactive({ message: message('c', 1, { usage }) })
    await repo.saveMessage(state.message, conversation('c'))
    const nested = { ...toRaw(state.message), id: 'nested', usage: reactive({ ...usage }) }
    await repo.saveMessage(nested, conversation('c'))
    await repo.putSettings({ ...settings(), params: reactive({ ...params }) })
    await repo.putTurn(reactive(conversation('c')), [reactive(message('c', 2))])

    const stored = await repo.listMessages('c')
    expect(stored.map((m) => m.id)).toEqual(['c-m1', 'nested', 'c-m2'])
    expect(stored[0]).toEqual(message('c', 1, { usage }))
    expect(stored[1]).toEqual({ ...message('c', 1, { usage }), id: 'nested' })
    expect(await repo.getSettings()).toEqual(settings())
    expect(await repo.getConversation('c')).toEqual(conversation('c'))
    repo.close()
  })

  it('toPlainData reads through proxies at every depth, including a proxy around a proxy', () => {
    const inner = { promptTokens: 1, completionTokens: 2, totalTokens: 3 }
    const value = new Proxy({ id: 'm', usage: new Proxy(new Proxy(inner, {}), {}), list: [new Proxy({ a: 1 }, {})] }, {})
    expect(() => structuredClone(value)).toThrow()
    const copy = toPlainData(value)
    expect(copy).toEqual({ id: 'm', usage: inner, list: [{ a: 1 }] })
    expect(structuredClone(copy)).toEqual(copy)
    expect(copy.usage).not.toBe(inner)
  })

  it('toPlainData copies Vue reactive state (deeply reactive and shallow-raw mixes) into clonable data', () => {
    const state = reactive({ settings: settings(), nested: { deeper: { list: [1, 2] } } })
    const mixed = { ...toRaw(state), extra: reactive({ x: [reactive({ y: 1 })] }) }
    expect(() => structuredClone(mixed)).toThrow()
    const copy = toPlainData(mixed)
    expect(structuredClone(copy)).toEqual({ settings: settings(), nested: { deeper: { list: [1, 2] } }, extra: { x: [{ y: 1 }] } })
  })

  it('toPlainData drops undefined fields and refuses values without a JSON form', () => {
    expect(toPlainData({ a: 1, b: undefined })).toEqual({ a: 1 })
    expect(() => toPlainData(undefined)).toThrow(TypeError)
    expect(() => toPlainData({ big: 1n })).toThrow(TypeError)
  })

  it('toPlainData gives what a JSON round trip gives, top-level strings (even lone surrogates) included, keys in order', () => {
    const when = new Date(0)
    const value = reactive({ id: 'm', content: `a\ud800b${'x'.repeat(100_000)}`, seq: 2, gone: undefined, at: when, nested: { s: 'n', u: undefined }, list: [1, undefined], nan: Number.NaN })
    const copy = toPlainData(value)
    expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)))
    expect(Object.keys(copy)).toEqual(['id', 'content', 'seq', 'at', 'nested', 'list', 'nan'])
    expect(structuredClone(copy)).toStrictEqual(copy)
    expect(toPlainData(when)).toBe(JSON.parse(JSON.stringify(when)))
  })

  it('does not keep a reference to the caller’s object', async () => {
    const repo = await openTestRepository()
    const m = message('c', 0)
    await repo.saveMessage(m, conversation('c'))
    m.content = 'changed later'
    expect((await repo.listMessages('c'))[0]?.content).toBe('问题 0')
    repo.close()
  })
})

describe('settings and key-value state', () => {
  it('keeps every key it writes in KV_KEYS: settings, and tombstones under the deleted prefix', async () => {
    const repo = await openTestRepository()
    await repo.putSettings(settings())
    expect(await repo.getValue(KV_KEYS.settings)).toEqual(settings())
    await repo.putTurn(conversation('gone'), [message('gone', 0)])
    await repo.deleteConversation('gone')
    expect(await repo.getValue(`${KV_KEYS.deletedPrefix}gone`)).toEqual(expect.any(Number))
    expect(await repo.isDeleted('gone')).toBe(true)
    repo.close()
  })

  it('round-trips settings', async () => {
    const repo = await openTestRepository()
    expect(await repo.getSettings()).toBeUndefined()
    await repo.putSettings(settings())
    expect(await repo.getSettings()).toEqual(settings())
    const changed = { ...settings(), model: 'deepseek-reasoner', exportReasoning: true }
    await repo.putSettings(changed)
    expect(await repo.getSettings()).toEqual(changed)
    repo.close()
  })

  it('round-trips values and deletes on undefined', async () => {
    const repo = await openTestRepository()
    expect(await repo.getValue<string>('activeConversationId')).toBeUndefined()
    await repo.putValue('activeConversationId', 'c1')
    await repo.putValue('sidebar', { open: true, width: 280 })
    await repo.putValue('zero', 0)
    expect(await repo.getValue<string>('activeConversationId')).toBe('c1')
    expect(await repo.getValue('sidebar')).toEqual({ open: true, width: 280 })
    expect(await repo.getValue('zero')).toBe(0)
    await repo.putValue('activeConversationId', undefined)
    expect(await repo.getValue('activeConversationId')).toBeUndefined()
    // Settings share the store but not the key space of ordinary values.
    expect(await repo.getSettings()).toBeUndefined()
    repo.close()
  })
})

describe('recoverInterrupted', () => {
  it('marks answers left streaming as interrupted, keeping their text', async () => {
    const repo = await openTestRepository()
    await repo.putTurn(conversation('a'), [
      message('a', 0),
      message('a', 1, { status: 'streaming', content: '写到一半' }),
      message('a', 2),
      message('a', 3, { status: 'stopped', content: 'stopped' }),
    ])
    await repo.putTurn(conversation('b'), [message('b', 0), message('b', 1, { status: 'streaming', content: '' })])

    expect(await repo.recoverInterrupted()).toBe(2)
    expect(await repo.listMessages('a')).toEqual([
      message('a', 0),
      message('a', 1, { status: 'interrupted', content: '写到一半' }),
      message('a', 2),
      message('a', 3, { status: 'stopped', content: 'stopped' }),
    ])
    expect((await repo.listMessages('b'))[1]).toEqual(message('b', 1, { status: 'interrupted', content: '' }))
    expect(await repo.recoverInterrupted()).toBe(0)
    repo.close()
  })

  it('leaves recently checkpointed answers alone when given a cut-off', async () => {
    const repo = await openTestRepository()
    await repo.saveMessage(message('a', 1, { status: 'streaming', updatedAt: 1000 }), conversation('a'))
    await repo.saveMessage(message('b', 1, { status: 'streaming', updatedAt: 9000 }), conversation('b'))
    expect(await repo.recoverInterrupted({ updatedBefore: 5000 })).toBe(1)
    expect((await repo.listMessages('a'))[0]?.status).toBe('interrupted')
    expect((await repo.listMessages('b'))[0]?.status).toBe('streaming')
    repo.close()
  })

  it('returns 0 on an empty database', async () => {
    const repo = await openTestRepository()
    expect(await repo.recoverInterrupted()).toBe(0)
    repo.close()
  })
})
