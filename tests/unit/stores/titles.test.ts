import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRepository, type Repository } from '../../../src/core/persistence'
import { TITLE_PROMPT } from '../../../src/core/conversation'
import { useTitlesStore } from '../../../src/stores/titles'
import { openStores } from './harness'

const KEY = 'sk-title-test-000001'
const BASE = 'http://127.0.0.1:9/v1'

interface Call {
  url: string
  body: { messages: { role: string; content: string }[]; max_tokens?: number }
  headers: Headers
}
let calls: Call[] = []
let titleReply: { status?: number; text?: string; gate?: Promise<void> } = {}

function sse(text: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`))
      controller.enqueue(encoder.encode('data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'))
      controller.close()
    },
  })
}

beforeEach(() => {
  calls = []
  titleReply = { text: '“A title from the model.”' }
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Call['body']
    calls.push({ url, body, headers: new Headers(init.headers) })
    const headers = { 'content-type': 'text/event-stream' }
    if (body.messages[0]?.content !== TITLE_PROMPT) return new Response(sse('The answer.'), { headers })
    await titleReply.gate
    if (titleReply.status) return new Response('{"error":{"message":"nope"}}', { status: titleReply.status })
    return new Response(sse(titleReply.text ?? ''), { headers })
  })
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

function database(): () => Promise<Repository> {
  const dbName = `titles-${Math.random().toString(36).slice(2)}`
  return () => createRepository({ dbName })
}

async function openTab(factory: () => Promise<Repository>, autoTitle?: boolean) {
  const stores = await openStores(factory)
  stores.settings.chooseProvider('custom')
  Object.assign(stores.settings.settings, { baseUrl: BASE, apiKey: KEY, model: 'm', systemPrompt: 'Be brief.' })
  if (autoTitle !== undefined) stores.settings.settings.autoTitle = autoTitle
  return { ...stores, titles: useTitlesStore() }
}

async function askFirst(tab: Awaited<ReturnType<typeof openTab>>, question: string) {
  await tab.chat.send(question)
  await tab.streams.settled()
  await tab.titles.settled()
  return tab.chat.activeId!
}

describe('the model-written title', () => {
  it('is off by default: one request, the title from the question', async () => {
    const db = database()
    const tab = await openTab(db)
    const id = await askFirst(tab, 'How do lifetimes work?')
    expect(calls).toHaveLength(1)
    expect(tab.list.find(id)?.title).toBe('How do lifetimes work?')
  })

  it('when on, asks the same endpoint with the same key once, after the first answer only, and stores the title', async () => {
    const db = database()
    const tab = await openTab(db, true)
    const id = await askFirst(tab, 'How do lifetimes work?')
    expect(calls.map((c) => c.url)).toEqual([`${BASE}/chat/completions`, `${BASE}/chat/completions`])
    expect(calls[1]!.headers.get('authorization')).toBe(`Bearer ${KEY}`)
    expect(calls[1]!.body.messages).toEqual([
      { role: 'system', content: TITLE_PROMPT },
      { role: 'user', content: 'Question:\nHow do lifetimes work?\n\nAnswer:\nThe answer.' },
    ])
    expect(calls[1]!.body.max_tokens).toBe(60)
    expect(tab.list.find(id)?.title).toBe('A title from the model')
    const check = await db()
    expect(await check.getConversation(id)).toMatchObject({ title: 'A title from the model' })
    check.close()

    await tab.chat.send('A follow-up')
    await tab.streams.settled()
    await tab.titles.settled()
    expect(calls).toHaveLength(3)
  })

  it('never replaces a title the user gave meanwhile, in this tab or another', async () => {
    const db = database()
    const tab = await openTab(db, true)
    let open!: () => void
    titleReply = { text: 'Model title', gate: new Promise<void>((resolve) => (open = resolve)) }
    await tab.chat.send('First question')
    await tab.streams.settled()
    const id = tab.chat.activeId!
    await vi.waitFor(() => expect(calls).toHaveLength(2))
    // Another tab renames it; this tab has not heard yet when the title arrives.
    const other = await db()
    await other.updateConversation(id, { title: 'Mine' })
    open()
    await tab.titles.settled()
    expect(await other.getConversation(id)).toMatchObject({ title: 'Mine' })
    other.close()
  })

  it('a failed title request changes nothing and does not disturb chatting', async () => {
    const db = database()
    const tab = await openTab(db, true)
    titleReply = { status: 500 }
    const id = await askFirst(tab, 'Question one')
    expect(tab.list.find(id)?.title).toBe('Question one')
    expect(tab.chat.messages.map((m) => m.status)).toEqual(['done', 'done'])
    expect(console.warn).toHaveBeenCalled()
    await tab.chat.send('Question two')
    await tab.streams.settled()
    expect(tab.chat.messages.map((m) => m.content)).toEqual(['Question one', 'The answer.', 'Question two', 'The answer.'])
  })
})
