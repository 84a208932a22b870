import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRepository, type Repository } from '../../../src/core/persistence'
import { openStores } from './harness'
import { renderTexts, storageProblemTexts } from '../../../src/core/errorText'

/** The storage banner of a tab, in English. */
function banner(tab: { saves: { problem: Parameters<typeof storageProblemTexts>[0] | null } }): string {
  return tab.saves.problem ? renderTexts('en', [storageProblemTexts(tab.saves.problem)]) : ''
}

const KEY = 'sk-canary-tabs-0001'

function sseBody(texts: string[], { finish = true, hang = false } = {}, signal?: AbortSignal | null): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
      for (const text of texts) {
        controller.enqueue(encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`))
        await new Promise((r) => setTimeout(r, 2))
      }
      if (hang) return
      if (finish) controller.enqueue(encoder.encode('data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'))
      controller.close()
    },
  })
}

let behaviour: { texts: string[]; hang?: boolean } = { texts: ['ok'] }

beforeEach(() => {
  behaviour = { texts: ['ok'] }
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) =>
    new Response(sseBody(behaviour.texts, { hang: behaviour.hang }, init.signal), {
      headers: { 'content-type': 'text/event-stream' },
    }),
  )
})
afterEach(() => vi.unstubAllGlobals())

/** One "tab": its own Pinia, its own repository connection, the shared database. */
async function openTab(factory: () => Promise<Repository>) {
  const stores = await openStores(factory)
  stores.settings.chooseProvider('custom')
  Object.assign(stores.settings.settings, { baseUrl: 'http://127.0.0.1:9/v1', apiKey: KEY, model: 'm' })
  return stores
}

/**
 * The Web Locks API as every tab of one browser shares it: exclusive and shared modes, granted in
 * request order, released when the callback's promise settles, and `query()` of what is held.
 */
function sharedLocks(): Pick<LockManager, 'request' | 'query'> {
  type Waiter = { name: string; mode: LockMode; run: () => void }
  const held: Array<{ name: string; mode: LockMode }> = []
  const waiting: Waiter[] = []
  const grantable = (name: string, mode: LockMode) =>
    held.every((lock) => lock.name !== name || (mode === 'shared' && lock.mode === 'shared'))
  function grant(): void {
    for (let i = 0; i < waiting.length; ) {
      const waiter = waiting[i]!
      const blockedByEarlier = waiting.slice(0, i).some((w) => w.name === waiter.name)
      if (blockedByEarlier || !grantable(waiter.name, waiter.mode)) {
        i++
        continue
      }
      waiting.splice(i, 1)
      waiter.run()
    }
  }
  function request(name: string, ...args: unknown[]): Promise<unknown> {
    const callback = args.at(-1) as (lock: Lock) => unknown
    const mode = ((args.length > 1 ? (args[0] as LockOptions).mode : undefined) ?? 'exclusive') as LockMode
    return new Promise((resolve, reject) => {
      waiting.push({
        name,
        mode,
        run() {
          const lock = { name, mode }
          held.push(lock)
          Promise.resolve()
            .then(() => callback(lock as Lock))
            .then(resolve, reject)
            .finally(() => {
              held.splice(held.indexOf(lock), 1)
              grant()
            })
        },
      })
      grant()
    })
  }
  return {
    request: request as LockManager['request'],
    query: async () => ({ held: held.map((lock) => ({ ...lock, clientId: 'tab' })), pending: waiting.map(({ name, mode }) => ({ name, mode, clientId: 'tab' })) }),
  }
}

function database(): () => Promise<Repository> {
  const dbName = `tabs-${Math.random().toString(36).slice(2)}`
  return () => createRepository({ dbName })
}

describe('several tabs', () => {
  it('a conversation created, answered and renamed in one tab shows up in the other', async () => {
    const db = database()
    const a = await openTab(db)
    const b = await openTab(db)
    await a.chat.send('From tab A')
    await a.streams.settled()
    await vi.waitFor(() => expect(b.list.conversations.map((c) => c.title)).toEqual(['From tab A']))
    await b.chat.select(b.list.conversations[0]!.id)
    expect(b.chat.messages.map((m) => m.content)).toEqual(['From tab A', 'ok'])

    await a.list.rename(a.chat.activeId!, 'Renamed in A')
    await vi.waitFor(() => expect(b.list.conversations[0]!.title).toBe('Renamed in A'))
  })

  it('a stale tab finishing a stream keeps the other tab’s rename', async () => {
    const db = database()
    const a = await openTab(db)
    const b = await openTab(db)
    behaviour = { texts: ['slow ', 'answer'] }
    await a.chat.send('question')
    const id = a.chat.activeId!
    await vi.waitFor(() => expect(b.list.conversations.map((c) => c.id)).toContain(id))
    await b.list.rename(id, 'Renamed in B')
    await a.streams.settled()
    await vi.waitFor(() => expect(a.list.conversations.find((c) => c.id === id)?.title).toBe('Renamed in B'))
    const check = await db()
    expect(await check.getConversation(id)).toMatchObject({ title: 'Renamed in B' })
    check.close()
  })

  it('a conversation deleted in one tab while the other streams into it never comes back', async () => {
    const db = database()
    const a = await openTab(db)
    const b = await openTab(db)
    behaviour = { texts: ['partial'], hang: true }
    await b.chat.send('streaming in B')
    const id = b.chat.activeId!
    await vi.waitFor(() => expect(a.list.conversations.map((c) => c.id)).toContain(id))
    await a.list.remove(id)
    await b.streams.settled()
    expect(b.list.conversations.map((c) => c.id)).not.toContain(id)
    expect(banner(b)).toMatch(/deleted in another tab/)
    const fresh = await db()
    expect(await fresh.listConversations()).toEqual([])
    expect(await fresh.listMessages(id)).toEqual([])
    fresh.close()
  })

  it('a message another tab is streaming is not marked interrupted by a tab that opens meanwhile', async () => {
    vi.stubGlobal('navigator', { locks: sharedLocks() })
    const db = database()
    const a = await openTab(db)
    behaviour = { texts: ['partial'], hang: true }
    await a.chat.send('long')
    await vi.waitFor(() => expect(a.chat.messages.at(-1)?.content).toBe('partial'))
    await a.streams.flush()
    // B opens while A holds the conversation's stream lock: the answer is alive, not interrupted.
    const b = await openTab(db)
    expect(b.chat.messages.at(-1)).toMatchObject({ status: 'streaming', content: 'partial' })
    const stored = await db()
    expect((await stored.listMessages(a.chat.activeId!)).at(-1)?.status).toBe('streaming')
    stored.close()
    // Once A's stream ends (and its lock is released), B shows A's final state.
    a.chat.stop()
    await a.streams.settled()
    await vi.waitFor(() => expect(b.chat.messages.at(-1)).toMatchObject({ status: 'stopped', content: 'partial' }))
  })

  it('without Web Locks, a tab that opens marks a streaming message no lock protects as interrupted', async () => {
    // Node has no navigator.locks, like a browser without the API: nothing tells the new tab that
    // the stream is alive, so it recovers it as it would a stream whose tab died.
    expect((globalThis.navigator as Navigator | undefined)?.locks).toBeUndefined()
    const db = database()
    const a = await openTab(db)
    behaviour = { texts: ['partial'], hang: true }
    await a.chat.send('long')
    await a.streams.flush()
    const b = await openTab(db)
    expect(b.chat.messages.at(-1)?.status).toBe('interrupted')
    a.chat.stop()
    await a.streams.settled()
  })
})

describe('retry', () => {
  it('asks again as a new version; the earlier answer stays a version, on disk too', async () => {
    const db = database()
    const a = await openTab(db)
    behaviour = { texts: ['half'], hang: false }
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) =>
      new Response(sseBody(behaviour.texts, { finish: false }, init.signal), { headers: { 'content-type': 'text/event-stream' } }),
    )
    await a.chat.send('q')
    await a.streams.settled()
    const answer = a.chat.messages[1]!
    expect(answer.status).toBe('interrupted')
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) =>
      new Response(sseBody(['whole answer'], {}, init.signal), { headers: { 'content-type': 'text/event-stream' } }),
    )
    expect(await a.chat.retry(answer.id)).toBe(true)
    await a.streams.settled()
    expect(a.chat.messages).toHaveLength(2)
    expect(a.chat.messages[1]).toMatchObject({ status: 'done', content: 'whole answer' })
    expect(a.chat.versions.get(a.chat.messages[1]!.id)).toMatchObject({ index: 2, count: 2, prevId: answer.id })
    expect(a.chat.tree.find((m) => m.id === answer.id)).toMatchObject({ content: 'half', status: 'interrupted' })

    // Another tab (or a reload) shows the same branch and the same versions.
    const b = await openTab(db)
    expect(b.chat.messages.map((m) => m.content)).toEqual(['q', 'whole answer'])
    expect(b.chat.versions.get(b.chat.messages[1]!.id)).toMatchObject({ index: 2, count: 2 })
  })
})

describe('storage failures', () => {
  it('a full storage is reported, the chat goes on in memory, and saving can be retried', async () => {
    const dbName = `quota-${Math.random().toString(36).slice(2)}`
    let full = false
    const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    const factory = async () => {
      const repo = await createRepository({ dbName })
      return {
        ...repo,
        putTurn: (...args: Parameters<Repository['putTurn']>) => (full ? Promise.reject(quota()) : repo.putTurn(...args)),
        saveMessage: (m: Parameters<Repository['saveMessage']>[0]) => (full ? Promise.reject(quota()) : repo.saveMessage(m)),
        updateConversation: (...args: Parameters<Repository['updateConversation']>) =>
          full ? Promise.reject(quota()) : repo.updateConversation(...args),
      } satisfies Repository
    }
    const a = await openTab(factory)
    await a.chat.send('saved')
    await a.streams.settled()
    full = true
    await a.chat.send('not saved yet')
    await a.streams.settled()
    expect(banner(a)).toMatch(/storage for Inkstream is full/)
    expect(a.saves.hasUnsaved).toBe(true)
    expect(a.chat.messages.map((m) => m.content)).toEqual(['saved', 'ok', 'not saved yet', 'ok'])
    expect((await a.chat.transcript()).text).toContain('not saved yet')

    const check = await createRepository({ dbName })
    expect((await check.listMessages(a.chat.activeId!)).map((m) => m.content)).toEqual(['saved', 'ok'])

    full = false
    await a.saves.retrySaves()
    expect(banner(a)).toBe('')
    expect((await check.listMessages(a.chat.activeId!)).map((m) => m.content)).toEqual(['saved', 'ok', 'not saved yet', 'ok'])
    check.close()
  })

  it('a first question that cannot be saved keeps its conversation, and everything saves once space is back', async () => {
    const dbName = `quota-first-${Math.random().toString(36).slice(2)}`
    let full = true
    const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    const factory = async () => {
      const repo = await createRepository({ dbName })
      return {
        ...repo,
        putTurn: (...args: Parameters<Repository['putTurn']>) => (full ? Promise.reject(quota()) : repo.putTurn(...args)),
        saveMessage: (...args: Parameters<Repository['saveMessage']>) =>
          full ? Promise.reject(quota()) : repo.saveMessage(...args),
        updateConversation: (...args: Parameters<Repository['updateConversation']>) =>
          full ? Promise.reject(quota()) : repo.updateConversation(...args),
      } satisfies Repository
    }
    const a = await openTab(factory)
    behaviour = { texts: ['the ', 'answer'] }
    await a.chat.send('huge paste')
    await a.streams.settled()
    expect(a.list.conversations.map((c) => c.title)).toEqual(['huge paste'])
    expect(a.chat.messages.map((m) => [m.content, m.status])).toEqual([
      ['huge paste', 'done'],
      ['the answer', 'done'],
    ])
    expect(banner(a)).toMatch(/full/)
    expect(banner(a)).not.toMatch(/another tab/)

    full = false
    await a.saves.retrySaves()
    expect(banner(a)).toBe('')
    const check = await createRepository({ dbName })
    expect((await check.listMessages(a.chat.activeId!)).map((m) => [m.content, m.status])).toEqual([
      ['huge paste', 'done'],
      ['the answer', 'done'],
    ])
    check.close()
  })

  it('storage that cannot open leaves a working chat and a plain warning', async () => {
    const a = await openTab(() => Promise.reject(new Error('IndexedDB is not available in this window.')))
    expect(banner(a)).toMatch(/not available.*will not be saved/)
    expect(await a.chat.send('still works')).toBe(true)
    await a.streams.settled()
    expect(a.chat.messages.map((m) => m.content)).toEqual(['still works', 'ok'])
  })
})
