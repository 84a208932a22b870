import { test, expect, type Locator, type Page } from '@playwright/test'
import {
  chatRequests,
  configure,
  contentOf,
  expectCleanPage,
  expectSameText,
  expectStatus,
  lastAnswer,
  lastQuestion,
  partText,
  reloadAndWait,
  send,
  settleSaves,
  snapshotMessage,
  visibleText,
  waitForChatRequests,
  watchPage,
} from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

/** After a failure: the question and the answer (status, partial text, error) survive a reload. */
async function expectSurvivesReload(page: Page, question: string): Promise<void> {
  const before = await snapshotMessage(lastAnswer(page))
  await settleSaves(page)
  await reloadAndWait(page, 2)
  expect(await contentOf(lastQuestion(page))).toBe(question)
  expect(await snapshotMessage(lastAnswer(page))).toEqual(before)
}

interface HttpCase {
  directive: string
  status: number
  mentions: RegExp[]
}

const HTTP_CASES: HttpCase[] = [
  { directive: 'mock:401', status: 401, mentions: [/Incorrect API key provided/] },
  { directive: 'mock:402', status: 402, mentions: [/Insufficient Balance/] },
  { directive: 'mock:429', status: 429, mentions: [/rate limit/i, /\b7\s*(s|sec|secs|seconds?)\b|7\s*秒/i] },
  { directive: 'mock:400', status: 400, mentions: [/Model does not exist/] },
  { directive: 'mock:502html', status: 502, mentions: [] },
]

for (const c of HTTP_CASES) {
  test(`HTTP ${c.status} (${c.directive}) shows the status and the server's message`, async ({ page }) => {
    await configure(page)
    const question = `Please fail ${c.directive}`
    const answer = await send(page, question)
    await expectStatus(answer, 'error')
    const error = await partText(answer, 'message-error')
    expect(error).toContain(String(c.status))
    for (const mention of c.mentions) expect(error).toMatch(mention)
    expect(error, 'no raw HTML in the error').not.toContain('<')
    expect(error).not.toMatch(/Unexpected token|JSON\.parse|undefined|\[object Object\]/)
    expect(await contentOf(answer)).toBe('')
    await expect(page.getByTestId('composer-stop')).toBeHidden()
    expect((await waitForChatRequests(1)).length).toBe(1)
    await expectSurvivesReload(page, question)
  })
}

test('an error event mid-stream keeps the partial text and shows the error', async ({ page }) => {
  await configure(page)
  const question = 'Start then fail mock:midstream-error'
  const answer = await send(page, question)
  await expectStatus(answer, 'error')
  const [request] = await waitForChatRequests(1)
  expectSameText(await contentOf(answer), request?.sent.content)
  expect((request?.sent.content ?? '').length).toBeGreaterThan(0)
  expect(await partText(answer, 'message-error')).toContain('upstream overloaded')
  await expectSurvivesReload(page, question)
})

test('a dropped connection marks the answer interrupted and keeps the partial text', async ({ page }) => {
  await configure(page)
  const question = 'Start then drop mock:drop'
  const answer = await send(page, question)
  await expectStatus(answer, 'interrupted')
  const [request] = await waitForChatRequests(1)
  // A fetch body that errors discards chunks the page had received but not yet read, so on a busy
  // machine the tail can be lost: require a non-empty prefix of what was sent, not all of it.
  const kept = visibleText(await contentOf(answer))
  expect(kept.length).toBeGreaterThan(0)
  expect(visibleText(request?.sent.content ?? '').startsWith(kept), 'kept text is a prefix of what was sent').toBe(true)
  await expect(page.getByTestId('composer-stop')).toBeHidden()
  await expectSurvivesReload(page, question)
})

test('a clean end without finish_reason or [DONE] is interrupted, not done', async ({ page }) => {
  await configure(page)
  const question = 'Start then end early mock:eof'
  const answer = await send(page, question)
  await expectStatus(answer, 'interrupted')
  const [request] = await waitForChatRequests(1)
  expectSameText(await contentOf(answer), request?.sent.content)
  await expectSurvivesReload(page, question)
})

test('a refused connection names the URL that could not be reached', async ({ page }) => {
  await configure(page, { baseUrl: 'http://127.0.0.1:9/v1' })
  const question = 'Is anybody there?'
  const answer = await send(page, question)
  await expectStatus(answer, 'error')
  expect(await partText(answer, 'message-error')).toContain('http://127.0.0.1:9/v1')
  expect(await contentOf(answer)).toBe('')
  await expectSurvivesReload(page, question)
})

async function expectIdleTimeout(answer: Locator, partial: string): Promise<void> {
  const started = Date.now()
  await expect(answer).toHaveAttribute('data-status', /^(error|interrupted)$/, { timeout: 6_000 })
  const waited = Date.now() - started
  expect(waited, 'gave up after about the 2 s idle timeout').toBeLessThan(5_000)
  expect(await contentOf(answer)).toBe(partial)
  expect(await partText(answer, 'message-error')).toMatch(/time(d)?\s*out|timeout|idle|no data|超时|\b2\s*(s|sec|seconds?)\b/i)
  // The app abandoned the request: the mock sees the socket close.
  await expect.poll(async () => (await chatRequests())[0]?.aborted, { message: 'mock saw the socket close' }).toBe(true)
}

test('idle timeout: headers and one chunk, then silence', async ({ page }) => {
  await configure(page, { idleTimeoutSeconds: 2 })
  const question = 'Say hello then nothing mock:silent'
  const answer = await send(page, question)
  await expect.poll(() => contentOf(answer)).toBe('Hello')
  await expectIdleTimeout(answer, 'Hello')
  await expectSurvivesReload(page, question)
})

test('idle timeout: no response headers at all', async ({ page }) => {
  await configure(page, { idleTimeoutSeconds: 2 })
  const question = 'Never answer mock:hang'
  const answer = await send(page, question)
  await expectIdleTimeout(answer, '')
  await expectSurvivesReload(page, question)
})
