import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRepository, type Repository } from '../../../src/core/persistence'
import { openStores } from './harness'
import { renderText } from '../../../src/locales'

const KEY = 'sk-canary-store-test-0001'

function sse(events: unknown[], { done = true } = {}): string {
  const lines = events.map((e) => `data: ${JSON.stringify(e)}\n\n`)
  return lines.join('') + (done ? 'data: [DONE]\n\n' : '')
}

function chunk(content: string | null, extra: Record<string, unknown> = {}): unknown {
  return { choices: [{ index: 0, delta: { content }, finish_reason: null, ...extra }] }
}

/** A Response whose body arrives in the given pieces, one per macrotask. */
function streamed(pieces: string[], init: ResponseInit = {}): Response {
  const encoder = new TextEncoder()
  let i = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 1))
      if (i < pieces.length) controller.enqueue(encoder.encode(pieces[i++]))
      else controller.close()
    },
  })
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' }, ...init })
}

let dbName = ''
let repository: Repository
let requests: { url: string; body: Record<string, unknown>; headers: Headers }[]

function stubFetch(respond: (request: { url: string; body: Record<string, unknown> }, signal?: AbortSignal | null) => Response | Promise<Response>) {
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>
    requests.push({ url, body, headers: new Headers(init.headers) })
    return respond({ url, body }, init.signal)
  })
}

function freshStores() {
  return openStores(() => createRepository({ dbName }))
}

async function configured() {
  const stores = await freshStores()
  stores.settings.chooseProvider('custom')
  Object.assign(stores.settings.settings, { baseUrl: 'http://127.0.0.1:9999/v1', apiKey: KEY, model: 'm' })
  return stores
}

beforeEach(async () => {
  dbName = `store-test-${Math.random().toString(36).slice(2)}`
  repository = await createRepository({ dbName })
  requests = []
})
afterEach(() => {
  vi.unstubAllGlobals()
  repository.close()
})

describe('chat store', () => {
  it('refuses to send without a key, keeps nothing and explains which setting', async () => {
    const { chat, list } = await freshStores()
    stubFetch(() => streamed([]))
    expect(await chat.send('hello')).toBe(false)
    expect(chat.composerError.map((part) => renderText('en', part)).join('')).toMatch(/API key/)
    expect(requests).toHaveLength(0)
    expect(list.conversations).toHaveLength(0)
  })

  it('streams an answer, titles the conversation and persists both messages', async () => {
    const { chat, list, streams } = await configured()
    stubFetch(() =>
      streamed([
        sse([chunk('你好'), chunk('，世界')]).slice(0, 40),
        sse([chunk('你好'), chunk('，世界'), chunk(null, { finish_reason: 'stop' })]).slice(40),
      ]),
    )
    expect(await chat.send('Greet me\nplease')).toBe(true)
    await streams.settled()
    expect(chat.messages.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'done', 'Greet me\nplease'],
      ['assistant', 'done', '你好，世界'],
    ])
    expect(list.conversations[0]!.title).toBe('Greet me')
    expect(requests[0]!.url).toBe('http://127.0.0.1:9999/v1/chat/completions')
    expect(requests[0]!.body.messages).toEqual([{ role: 'user', content: 'Greet me\nplease' }])

    const stored = await repository.listMessages(chat.activeId!)
    expect(stored.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'done', 'Greet me\nplease'],
      ['assistant', 'done', '你好，世界'],
    ])
  })

  it('saves the question before the request leaves', async () => {
    const { chat, streams } = await configured()
    let seenAtRequest: string[] = []
    stubFetch(async () => {
      const conversations = await repository.listConversations()
      const stored = await repository.listMessages(conversations[0]!.id)
      seenAtRequest = stored.map((m) => `${m.role}:${m.status}:${m.content}`)
      return streamed([sse([chunk('ok', { finish_reason: 'stop' })])])
    })
    await chat.send('first question')
    await streams.settled()
    expect(seenAtRequest).toEqual(['user:done:first question', 'assistant:streaming:'])
  })

  it('sends the system prompt first and the whole history', async () => {
    const { chat, streams, settings } = await configured()
    settings.settings.systemPrompt = 'Be brief.'
    stubFetch(() => streamed([sse([chunk('A1', { finish_reason: 'stop' })])]))
    await chat.send('Q1')
    await streams.settled()
    await chat.send('Q2')
    await streams.settled()
    expect(requests[1]!.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ])
  })

  it('stop keeps the partial answer, marked stopped, on disk too', async () => {
    const { chat, streams } = await configured()
    stubFetch((_request, signal) => {
      const encoder = new TextEncoder()
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(sse([chunk('partial ')], { done: false })))
          signal?.addEventListener('abort', () => controller.error(signal.reason))
        },
      })
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    })
    await chat.send('long one')
    await vi.waitFor(() => expect(chat.messages[1]!.content).toBe('partial '))
    expect(chat.isStreaming).toBe(true)
    chat.stop()
    await streams.settled()
    expect(chat.messages[1]!.status).toBe('stopped')
    expect(chat.isStreaming).toBe(false)
    const stored = await repository.listMessages(chat.activeId!)
    expect(stored[1]).toMatchObject({ status: 'stopped', content: 'partial ' })
  })

  it('an HTTP error keeps the question and records a redacted message', async () => {
    const { chat, streams } = await configured()
    stubFetch(
      () =>
        new Response(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        }),
    )
    await chat.send('who am I')
    await streams.settled()
    const answer = chat.messages[1]!
    expect(answer.status).toBe('error')
    expect(answer.error?.status).toBe(401)
    expect(answer.error?.message).toMatch(/API key/)
    expect(answer.error?.message).not.toContain(KEY)
    const stored = await repository.listMessages(chat.activeId!)
    expect(stored[0]!.content).toBe('who am I')
    expect(JSON.stringify(stored)).not.toContain(KEY)
  })

  it('a dropped stream is interrupted, not done, and keeps its text', async () => {
    const { chat, streams } = await configured()
    stubFetch(() => streamed([sse([chunk('half an ans'), chunk('wer')], { done: false })]))
    await chat.send('q')
    await streams.settled()
    expect(chat.messages[1]).toMatchObject({ status: 'interrupted', content: 'half an answer' })
  })

  it('reload restores conversations, the open one, and marks a left-over stream interrupted', async () => {
    const first = await configured()
    stubFetch(() => streamed([sse([chunk('A', { finish_reason: 'stop' })])]))
    await first.chat.send('one')
    await first.streams.settled()
    await first.chat.newConversation()
    await first.chat.send('two')
    await first.streams.settled()
    const openId = first.chat.activeId
    // Simulate a tab that closed mid-stream.
    const [, answer] = await repository.listMessages(openId!)
    await repository.saveMessage({ ...answer!, status: 'streaming', content: 'cut' })
    // Hiding the page (which a reload does first) writes settings changed a moment ago.
    await first.settings.flush()

    const second = await freshStores()
    expect(second.list.conversations.map((c) => c.title)).toEqual(['two', 'one'])
    expect(second.chat.activeId).toBe(openId)
    expect(second.chat.messages[1]).toMatchObject({ status: 'interrupted', content: 'cut' })
    expect(second.settings.settings.apiKey).toBe(KEY)
  })

  it('rename and delete persist; a deleted conversation does not come back', async () => {
    const { chat, list, streams } = await configured()
    stubFetch(() => streamed([sse([chunk('A', { finish_reason: 'stop' })])]))
    await chat.send('keep me')
    await streams.settled()
    const id = chat.activeId!
    await list.rename(id, '  Renamed  ')
    expect((await repository.getConversation(id))?.title).toBe('Renamed')
    await list.remove(id)
    expect(list.conversations).toHaveLength(0)
    expect(await repository.listConversations()).toHaveLength(0)
    expect(await repository.listMessages(id)).toHaveLength(0)
  })

  it('exports the open conversation as conversation.txt', async () => {
    const { chat, streams } = await configured()
    stubFetch(() => streamed([sse([chunk('Answer', { finish_reason: 'stop' })])]))
    await chat.send('Question')
    await streams.settled()
    const { fileName, text } = await chat.transcript()
    expect(fileName).toBe('conversation.txt')
    expect(text).toMatch(/^\n\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Question:\nQuestion\n\n\[[^\]]+\] Answer:\nAnswer\n-{40}\n$/)
  })

  it('a half-typed question survives a reload, and an empty composer leaves no draft behind', async () => {
    const first = await configured()
    first.drafts.save('half a ques')
    first.drafts.save('half a question')
    first.drafts.flush()
    await vi.waitFor(async () => expect(await repository.getValue('draft')).toBe('half a question'))
    const second = await freshStores()
    expect(second.drafts.draft).toBe('half a question')
    second.drafts.save('')
    second.drafts.flush()
    await vi.waitFor(async () => expect(await repository.getValue('draft')).toBeUndefined())
  })

  it('a question sent right after New chat or a switch joins the conversation now open, with its own history', async () => {
    const { chat, list, streams } = await configured()
    stubFetch(() => streamed([sse([chunk('A', { finish_reason: 'stop' })])]))
    await chat.send('old question')
    await streams.settled()
    const oldId = chat.activeId!

    const opening = chat.newConversation()
    const sent = chat.send('fresh start')
    await Promise.all([opening, sent])
    await streams.settled()
    expect(requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'fresh start' }])
    expect(chat.messages.map((m) => m.content)).toEqual(['fresh start', 'A'])
    expect(list.conversations.map((c) => c.title)).toEqual(['fresh start', 'old question'])

    const switching = chat.select(oldId)
    const followUp = chat.send('follow-up')
    await Promise.all([switching, followUp])
    await streams.settled()
    expect(requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: 'old question' },
      { role: 'assistant', content: 'A' },
      { role: 'user', content: 'follow-up' },
    ])
    expect((await repository.listMessages(oldId)).map((m) => m.content)).toEqual(['old question', 'A', 'follow-up', 'A'])
  })

  it('settings persist as they change and nothing is written before loading', async () => {
    const { settings } = await configured()
    settings.settings.params.temperature = 1.1
    await settings.whenSaved()
    await new Promise((r) => setTimeout(r, 0))
    await settings.whenSaved()
    const stored = await repository.getSettings()
    expect(stored).toMatchObject({ providerId: 'custom', params: { temperature: 1.1 } })
    // The key is kept apart, bound to the endpoint's origin, and never in the settings record.
    expect(stored).not.toHaveProperty('apiKey')
    expect(await repository.getValue('apiKeys')).toEqual({ 'http://127.0.0.1:9999': KEY })
  })

  it('settings typed key by key are written once, a moment after the last change', async () => {
    let writes = 0
    const { settings } = await openStores(async () => {
      const repo = await createRepository({ dbName })
      const put = repo.putSettings.bind(repo)
      repo.putSettings = (value) => {
        writes++
        return put(value)
      }
      return repo
    })
    for (const prefix of ['b', 'be', 'be ', 'be b', 'be br', 'be brief']) {
      settings.settings.systemPrompt = prefix
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(writes).toBe(0)
    await vi.waitFor(() => expect(writes).toBe(1), { timeout: 2000 })
    expect((await repository.getSettings())?.systemPrompt).toBe('be brief')
  })
  it('Continue adds its request\'s usage to the answer\'s, server-reported or estimated', async () => {
    const { chat, streams } = await configured()
    const usage = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion })
    stubFetch(() => streamed([sse([chunk('first part', { finish_reason: 'length' }), { choices: [], usage: usage(10, 100) }])]))
    await chat.send('q')
    await streams.settled()
    expect(chat.messages[1]!.usage).toMatchObject({ promptTokens: 10, completionTokens: 100, totalTokens: 110 })

    stubFetch(() => streamed([sse([chunk(' and more', { finish_reason: 'stop' }), { choices: [], usage: usage(120, 20) }])]))
    expect(await chat.continueAnswer(chat.messages[1]!.id)).toBe(true)
    await streams.settled()
    expect(chat.messages[1]!.content).toBe('first part and more')
    expect(chat.messages[1]!.usage).toEqual({ promptTokens: 130, completionTokens: 120, totalTokens: 250 })

    // A continue the server reports nothing for: only its new text is estimated, and the sum says so.
    stubFetch(() => streamed([sse([chunk('x'.repeat(60), { finish_reason: 'length' }), { choices: [], usage: usage(10, 100) }])]))
    await chat.newConversation()
    await chat.send('q2')
    await streams.settled()
    stubFetch(() => streamed([sse([chunk(' tail', { finish_reason: 'stop' })])]))
    await chat.continueAnswer(chat.messages[1]!.id)
    await streams.settled()
    const total = chat.messages[1]!.usage!
    expect(total.estimated).toBe(true)
    expect(total.completionTokens).toBeGreaterThan(100)
    expect(total.completionTokens).toBeLessThan(110)
  })

  it('an edited question keeps its attachments and sends them with the new version', async () => {
    const { chat, streams } = await configured()
    stubFetch(() => streamed([sse([chunk('ok', { finish_reason: 'stop' })])]))
    await chat.send('look at this', [{ id: 'a1', name: 'notes.md', text: 'ATTACHED-BODY', source: 'file' as const }])
    await streams.settled()
    const question = chat.messages[0]!
    expect(await chat.editQuestion(question.id, 'look again')).toBe(true)
    await streams.settled()
    expect(chat.messages[0]!.content).toBe('look again')
    expect(chat.messages[0]!.attachments).toEqual([{ id: 'a1', name: 'notes.md', text: 'ATTACHED-BODY', source: 'file' as const }])
    expect(JSON.stringify(requests.at(-1)!.body.messages)).toContain('ATTACHED-BODY')
    const stored = await repository.listMessages(chat.activeId!)
    expect(stored.filter((m) => m.role === 'user' && m.attachments?.length === 1)).toHaveLength(2)
  })
})
