import { test, expect, type Page } from '@playwright/test'
import {
  answerGrowth,
  answers,
  canaryKey,
  chatRequests,
  closeSettings,
  configure,
  contentOf,
  expectCleanPage,
  expectSameText,
  expectStatus,
  lastAnswer,
  lastQuestion,
  messages,
  mockLog,
  openSettings,
  partText,
  recordAnswerGrowth,
  send,
  userMessages,
  waitForChatRequests,
  watchOf,
  watchPage,
  type ChatBody,
} from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

/** The conversation turns a request carried (the system prompt, if any, left out). */
function turns(body: unknown): Array<{ role: string; content: unknown }> {
  return (body as ChatBody).messages.filter((m) => m.role !== 'system').map(({ role, content }) => ({ role, content }))
}

test('without an API key nothing is sent, the draft stays and composer-error explains', async ({ page }) => {
  await configure(page, { apiKey: '' })
  const input = page.getByTestId('composer-input')
  await input.fill('Hello, are you there?')
  await input.press('Enter')
  await expect(page.getByTestId('composer-error')).toBeVisible()
  await expect(page.getByTestId('composer-error')).toContainText(/key/i)
  await expect(input).toHaveValue('Hello, are you there?')
  await page.getByTestId('composer-send').click()
  await expect(input).toHaveValue('Hello, are you there?')
  await expect(messages(page)).toHaveCount(0)
  expect(await mockLog()).toEqual([])

  // Instead of waiting a while for a wrongly sent request, send a right one: with a key, the kept
  // draft goes out. A request from the refused attempts would have left before it, so once this
  // one has finished, the mock's log holds it alone.
  await openSettings(page)
  await page.getByTestId('settings-api-key').fill(canaryKey())
  await closeSettings(page)
  await page.getByTestId('composer-send').click()
  await expect(userMessages(page)).toHaveCount(1)
  await expectStatus(lastAnswer(page), 'done')
  await expect.poll(async () => (await chatRequests())[0]?.finished, { message: 'the mock finished the one request' }).toBe(true)
  const log = await mockLog()
  expect(log.filter((e) => e.method !== 'OPTIONS').map((e) => `${e.method} ${e.path}`)).toEqual(['POST /v1/chat/completions'])
  expect(log.filter((e) => e.method === 'OPTIONS').length, 'at most the one preflight of that request').toBeLessThanOrEqual(1)
  expect(turns(log.find((e) => e.method === 'POST')?.body)).toEqual([{ role: 'user', content: 'Hello, are you there?' }])
  await expect(messages(page)).toHaveCount(2)
})

test('a question streams an answer progressively and ends with exactly the text the mock sent', async ({ page }) => {
  await configure(page)
  await recordAnswerGrowth(page)
  const question = 'What is streaming? 请解释一下。'
  const answer = await send(page, question)
  await expect(lastQuestion(page)).toHaveAttribute('data-status', 'done')
  expect(await contentOf(lastQuestion(page))).toBe(question)
  await expectStatus(answer, 'done')
  await expect(page.getByTestId('composer-stop')).toBeHidden()
  await expect(page.getByTestId('composer-input')).toHaveValue('')

  const [request] = await waitForChatRequests(1)
  expect(request?.finished, 'the mock finished the stream').toBe(true)
  const shown = await contentOf(answer)
  expectSameText(shown, request?.sent.content)
  expect(request?.sent.content).toContain('你好！')

  const growth = await answerGrowth(page)
  const streamingLengths = new Set(growth.filter((g) => g.status === 'streaming' && g.len > 0).map((g) => g.len))
  expect(streamingLengths.size, `distinct partial lengths seen while streaming: ${[...streamingLengths].join(', ')}`).toBeGreaterThanOrEqual(2)
  expect([...streamingLengths].some((len) => len < shown.length), 'some partial text was shown before the end').toBe(true)
  expect(growth.some((g) => g.status === 'streaming' && g.stop), 'composer-stop shown while streaming').toBe(true)
  expect(await partText(answer, 'message-error')).toBe('')
})

/**
 * Resolves once the page has rendered two frames: whatever a key press or click made the app do
 * (a send shows the question at once) is on screen by then, so a count of 0 means nothing happened.
 */
async function renderedFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))))
}

/** The draft as the app stored it in IndexedDB (kv 'draft'). */
async function storedDraft(page: Page): Promise<unknown> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('inkstream')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const get = open.result.transaction('kv').objectStore('kv').get('draft')
          get.onsuccess = () => {
            resolve(get.result)
            open.result.close()
          }
          get.onerror = () => reject(get.error)
        }
      }),
  )
}

test('Enter sends, Shift+Enter adds a line, empty input and IME Enter do not send', async ({ page }) => {
  await configure(page)
  const input = page.getByTestId('composer-input')

  await input.focus()
  await input.press('Enter')
  // Send may be (aria-)disabled while the input is empty; a click must still do nothing.
  await page.getByTestId('composer-send').click({ force: true })
  await renderedFrames(page)
  await expect(messages(page)).toHaveCount(0)

  await input.fill('First line is the title')
  await input.press('Shift+Enter')
  await input.pressSequentially('second line 第二行')
  await expect(input).toHaveValue('First line is the title\nsecond line 第二行')
  await expect(messages(page)).toHaveCount(0)

  // Enter that confirms an input method's candidate must not send.
  await input.evaluate((el) => {
    el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }))
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 229, which: 229, isComposing: true, bubbles: true, cancelable: true }))
    el.dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', code: 'Enter', isComposing: true, bubbles: true }))
    el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '第二行' }))
  })
  await renderedFrames(page)
  await expect(messages(page)).toHaveCount(0)
  await expect(input).toHaveValue('First line is the title\nsecond line 第二行')

  // And the real send below is the barrier: it adds a word, so a question sent by the IME Enter
  // (or by the empty Enter and click) would show as a second request or a different text.
  await input.press('End')
  await input.pressSequentially(' 好')
  // The app saves the draft once typing has paused (400 ms): seeing this text stored means the app
  // kept it that long without a send clearing the composer. Up to the real Enter, still nothing
  // is shown and no request was issued by the page.
  await expect
    .poll(() => storedDraft(page), { message: 'the draft typed after the IME Enter is saved, not cleared by a send' })
    .toBe('First line is the title\nsecond line 第二行 好')
  await expect(messages(page)).toHaveCount(0)
  expect(watchOf(page).requests.filter((r) => r.method === 'POST'), 'requests sent before the real Enter').toEqual([])
  await input.press('Enter')
  await expect(userMessages(page)).toHaveCount(1)
  expect(await contentOf(lastQuestion(page))).toBe('First line is the title\nsecond line 第二行 好')
  await expect(input).toHaveValue('')
  await expectStatus(lastAnswer(page), 'done')

  // The new conversation is titled from the first line of its first question.
  const active = page.locator('[data-testid="conversation-item"][data-active="true"]')
  await expect(active).toHaveCount(1)
  await expect(active).toContainText('First line is the title')
  await expect(active).not.toContainText('second line')
  await expect.poll(async () => (await chatRequests())[0]?.finished, { message: 'the mock finished the request' }).toBe(true)
  const requests = await chatRequests()
  expect(requests).toHaveLength(1)
  expect(turns(requests[0]?.body)).toEqual([{ role: 'user', content: 'First line is the title\nsecond line 第二行 好' }])
})

test('request body: stream, defaults, system prompt first and the full history', async ({ page }) => {
  const systemPrompt = 'You are a careful assistant. 请简洁。'
  const { apiKey } = await configure(page, { systemPrompt })
  const first = await send(page, 'First question')
  await expectStatus(first, 'done')
  const second = await send(page, 'Second question')
  await expectStatus(second, 'done')

  const requests = await waitForChatRequests(2)
  expect(requests).toHaveLength(2)
  // The history carries the answer's raw text exactly as it arrived.
  const firstAnswer = requests[0]?.sent.content
  const body = requests[1]?.body as ChatBody
  expect(body.stream).toBe(true)
  expect(body.model).toBe('mock-model')
  expect(body.stream_options?.include_usage).toBe(true)
  expect(body).toMatchObject({ top_k: 50, top_p: 0.7, temperature: 0.7, max_tokens: 2048, frequency_penalty: 0.5, n: 1 })
  expect(body.messages.map((m) => ({ role: m.role, content: m.content }))).toEqual([
    { role: 'system', content: systemPrompt },
    { role: 'user', content: 'First question' },
    { role: 'assistant', content: firstAnswer },
    { role: 'user', content: 'Second question' },
  ])
  const firstBody = requests[0]?.body as ChatBody
  expect(firstBody.messages.map((m) => m.role)).toEqual(['system', 'user'])

  for (const request of requests) {
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`)
    expect(request.headers['content-type']).toMatch(/^application\/json/)
    expect(Object.keys(request.headers).filter((h) => /^x-/i.test(h)), 'no custom x- headers (they break CORS preflights)').toEqual([])
  }
  // Preflights ask only for the two headers every CORS-enabled provider allows.
  const preflights = (await mockLog()).filter((e) => e.method === 'OPTIONS')
  for (const preflight of preflights) {
    const asked = (preflight.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)
    expect(asked.every((h) => h === 'authorization' || h === 'content-type'), `preflight asked for ${asked.join(',')}`).toBe(true)
  }
})

test('reasoning_content is shown as reasoning, content as the answer', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Think first mock:reasoning')
  await expect(answer.getByTestId('message-reasoning')).toHaveCount(1)
  await expectStatus(answer, 'done')
  const [request] = await waitForChatRequests(1)
  expectSameText(await partText(answer, 'message-reasoning'), request?.sent.reasoning, 'reasoning')
  expectSameText(await contentOf(answer), request?.sent.content, 'content')
  expect(await contentOf(answer)).not.toContain('null')
})

test('<think> blocks inside content are split out as reasoning', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Think in tags mock:think')
  await expectStatus(answer, 'done')
  const [request] = await waitForChatRequests(1)
  const raw = request?.sent.content ?? ''
  const match = /^<think>([\s\S]*)<\/think>([\s\S]*)$/.exec(raw)
  expect(match, 'mock sent a <think> block').not.toBeNull()
  expectSameText(await partText(answer, 'message-reasoning'), match?.[1], 'reasoning')
  expectSameText(await contentOf(answer), match?.[2], 'content')
  expect(await contentOf(answer)).not.toContain('think>')
})

test('a non-streamed JSON completion is rendered', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Plain JSON please mock:json')
  await expectStatus(answer, 'done')
  const [request] = await waitForChatRequests(1)
  expectSameText(await contentOf(answer), request?.sent.content)
})

test('"data:" without a space and CRLF line ends are parsed', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Compact framing mock:nospace')
  await expectStatus(answer, 'done')
  const [request] = await waitForChatRequests(1)
  expectSameText(await contentOf(answer), request?.sent.content)
  expect(await answers(page).count()).toBe(1)
})

test('a long unpaced stream (5000 chunks) arrives whole', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Flood me mock:long:5000')
  await expectStatus(answer, 'done', 20_000)
  const [request] = await waitForChatRequests(1)
  expectSameText(await contentOf(answer), request?.sent.content)
})
