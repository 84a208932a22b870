import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRepository, type Repository } from '../../../src/core/persistence'
import { useSearchStore } from '../../../src/stores/search'
import { openStores } from './harness'

let answer = 'ok'

beforeEach(() => {
  answer = 'ok'
  const encoder = new TextEncoder()
  vi.stubGlobal('fetch', async () => {
    const text = answer
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`))
          controller.enqueue(encoder.encode('data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'))
          controller.close()
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    )
  })
})
afterEach(() => vi.unstubAllGlobals())

function database(): () => Promise<Repository> {
  const dbName = `search-${Math.random().toString(36).slice(2)}`
  return () => createRepository({ dbName })
}

/** One "tab" with its search store. */
async function openTab(factory: () => Promise<Repository>) {
  const stores = await openStores(factory)
  stores.settings.chooseProvider('custom')
  Object.assign(stores.settings.settings, { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-search-test-0001', model: 'm' })
  return { ...stores, search: useSearchStore() }
}

async function ask(tab: Awaited<ReturnType<typeof openTab>>, question: string, reply: string): Promise<string> {
  answer = reply
  await tab.chat.newConversation()
  await tab.chat.send(question)
  await tab.streams.settled()
  return tab.chat.activeId!
}

describe('pinning across tabs', () => {
  it('a pin moves the conversation to the top, is stored, shows in the other tab and survives a reload', async () => {
    const db = database()
    const a = await openTab(db)
    const first = await ask(a, 'first', 'one')
    const second = await ask(a, 'second', 'two')
    const b = await openTab(db)
    expect(b.list.conversations.map((c) => c.id)).toEqual([second, first])

    await a.list.togglePin(first)
    expect(a.list.conversations.map((c) => [c.id, c.pinned])).toEqual([[first, true], [second, undefined]])
    await vi.waitFor(() => expect(b.list.conversations.map((c) => [c.id, c.pinned])).toEqual([[first, true], [second, undefined]]))

    await b.list.togglePin(first)
    await vi.waitFor(() => expect(a.list.conversations.map((c) => [c.id, c.pinned ?? false])).toEqual([[second, false], [first, false]]))

    await a.list.togglePin(second)
    const reloaded = await openTab(db)
    expect(reloaded.list.conversations.map((c) => [c.id, c.pinned ?? false])).toEqual([[second, true], [first, false]])
  })

  it('a rename in a tab that has not heard of the pin yet keeps it', async () => {
    const db = database()
    const a = await openTab(db)
    const id = await ask(a, 'question', 'answer')
    const b = await openTab(db)
    b.tabs.connect({ onChange: () => {}, onRemoteStreamEnd: async () => {} }) // b hears nothing from now on
    await a.list.togglePin(id)
    await b.list.rename(id, 'Renamed in B')
    const check = await db()
    expect(await check.getConversation(id)).toMatchObject({ title: 'Renamed in B', pinned: true })
    check.close()
  })
})

describe('the search store', () => {
  it('finds text in answers of conversations that are not open, and opens one at its hit', async () => {
    const db = database()
    const a = await openTab(db)
    const target = await ask(a, 'Tell me about Rust', 'Ownership 所有权 explained')
    await ask(a, 'Something else', 'nothing relevant')

    await a.search.search('所有权')
    expect(a.search.results.map((r) => [r.conversationId, r.field])).toEqual([[target, 'assistant']])
    const hit = a.search.results[0]!
    await a.search.open(hit)
    expect(a.chat.activeId).toBe(target)
    expect(a.search.focus).toMatchObject({ conversationId: target, messageId: hit.messageId })
    expect(a.chat.messages.map((m) => m.id)).toContain(hit.messageId)
  })

  it('keeps its index current with this tab’s sends, renames and deletes, and with other tabs', async () => {
    const db = database()
    const a = await openTab(db)
    const b = await openTab(db)
    const first = await ask(a, 'alpha question', 'alpha answer')
    await a.search.search('alpha')
    expect(a.search.results).toHaveLength(3)

    // Built; now every later change must reach it.
    const second = await ask(a, 'beta question', 'gamma answer')
    await a.search.search('gamma')
    expect(a.search.results.map((r) => r.conversationId)).toEqual([second])

    await a.list.rename(first, 'Delta title')
    await a.search.search('delta')
    expect(a.search.results.map((r) => [r.conversationId, r.field])).toEqual([[first, 'title']])

    await vi.waitFor(() => expect(b.list.has(second)).toBe(true))
    await b.search.search('gamma')
    expect(b.search.results.map((r) => r.conversationId)).toEqual([second])
    answer = 'epsilon from b'
    await b.chat.select(second)
    await b.chat.send('more from b')
    await b.streams.settled()
    await b.list.remove(first)

    await vi.waitFor(async () => {
      await a.search.search('epsilon')
      expect(a.search.results.map((r) => r.conversationId)).toEqual([second])
    })
    await vi.waitFor(async () => {
      await a.search.search('alpha')
      expect(a.search.results).toEqual([])
    })
  })

  it('a blank query clears the results, and an older search never overwrites a newer one', async () => {
    const db = database()
    const a = await openTab(db)
    await ask(a, 'one', 'two')
    const slow = a.search.search('one')
    const fast = a.search.search('two')
    await Promise.all([slow, fast])
    expect([a.search.query, a.search.results.map((r) => r.field)]).toEqual(['two', ['assistant']])
    await a.search.search('   ')
    expect(a.search.results).toEqual([])
  })
})
