// Issue 8 parts 1, 2, 3, 7 and 8: message actions, versions (through reload and other tabs, in
// the request's history and in conversation.txt), Continue, and several chats streaming at once.
import { test, expect, type Locator } from '@playwright/test'
import {
  APP_ORIGIN,
  MOCK_ORIGIN,
  answers,
  configure,
  contentOf,
  expectCleanPage,
  expectSameText,
  expectStatus,
  exportTxt,
  messages,
  mockLog,
  mockTag,
  reloadAndWait,
  send,
  settleSaves,
  userMessages,
  visibleText,
  watchPage,
  type MockLogEntry,
} from './helpers'

/** What the mock streams for a prefix-completion request (PREFIX_CONTINUATION in tests/mock/server.mjs). */
const PREFIX_CONTINUATION = ' and so the answer goes on from where it was cut. 续写完毕。'

test.use({ locale: 'en-US' })
// Slow streams, stopped or waited for, on a machine that may be busy.
test.setTimeout(60_000)

/** Every chat request of this test, whatever base URL it went to (prefix completion has its own). */
async function chatCalls(): Promise<MockLogEntry[]> {
  return (await mockLog()).filter((e) => e.method === 'POST' && e.path.endsWith('/chat/completions'))
}

async function waitForCalls(count: number): Promise<MockLogEntry[]> {
  await expect.poll(async () => (await chatCalls()).length, { message: `${count} chat request(s)` }).toBeGreaterThanOrEqual(count)
  return chatCalls()
}

function sentMessages(entry: MockLogEntry | undefined): Array<{ role: string; content: unknown; prefix?: unknown }> {
  return (entry?.body as { messages: Array<{ role: string; content: unknown; prefix?: unknown }> }).messages
}

function version(message: Locator): Locator {
  return message.getByTestId('message-version')
}

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})

test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

test('regenerate and edit make versions; the branch shown is the history sent and the file exported, through reloads', async ({ page }) => {
  await configure(page, { systemPrompt: 'Be brief.' })
  const a1 = await send(page, 'first question')
  await expectStatus(a1, 'done')
  // The mock answers a question the same way every time: the first version is cut short by Stop.
  const a2 = await send(page, 'second question mock:slow:120:40')
  await expect.poll(async () => (await contentOf(a2)).length).toBeGreaterThan(20)
  await page.getByTestId('composer-stop').click()
  await expectStatus(a2, 'stopped')
  const firstVersion = await contentOf(a2)
  const firstAnswer = (await chatCalls())[0]!.sent.content

  // Regenerate the second answer: a new version, asked with the history before it only.
  await a2.hover()
  await a2.getByTestId('message-regenerate').click()
  const [, call2, call3] = await waitForCalls(3)
  expect(sentMessages(call3)).toEqual(sentMessages(call2))
  expect(sentMessages(call3).map((m) => m.content)).toEqual(['Be brief.', 'first question', firstAnswer, 'second question mock:slow:120:40'])
  await expectStatus(answers(page).nth(1), 'done', 20_000)
  await expect(version(answers(page).nth(1))).toHaveText('2/2')
  await expect(messages(page)).toHaveCount(4)
  const second = (await chatCalls())[2]!.sent.content
  expectSameText(await contentOf(answers(page).nth(1)), second, 'the new version')

  // The older version is one click away, and it is what goes out as history next.
  await answers(page).nth(1).getByTestId('message-version-prev').click()
  await expect(version(answers(page).nth(1))).toHaveText('1/2')
  await expectStatus(answers(page).nth(1), 'stopped')
  expect(await contentOf(answers(page).nth(1))).toBe(firstVersion)
  await settleSaves(page)
  await reloadAndWait(page, 4)
  await expect(version(answers(page).nth(1))).toHaveText('1/2')
  expect(await contentOf(answers(page).nth(1))).toBe(firstVersion)

  // conversation.txt holds exactly the branch shown, in the classic format.
  const { text } = await exportTxt(page)
  expect(text).toContain('[stopped by user]\n----------------------------------------\n')
  expect(text).not.toContain(second)
  expect(text.match(/\] Question:\n/g)).toHaveLength(2)

  const a3 = await send(page, 'third question')
  await expectStatus(a3, 'done')
  const [, , , call4] = await waitForCalls(4)
  const history = sentMessages(call4).map((m) => String(m.content))
  expect(history.map(visibleText)).toEqual(['Be brief.', 'first question', firstAnswer, 'second question mock:slow:120:40', firstVersion, 'third question'].map(visibleText))

  // Edit the first question: a new version of it, with its own answer and nothing below it.
  const q1 = userMessages(page).first()
  await q1.hover()
  await q1.getByTestId('message-edit').click()
  await q1.getByTestId('message-edit-input').fill('first question, edited')
  await q1.getByTestId('message-edit-save').click()
  const [, , , , call5] = await waitForCalls(5)
  expect(sentMessages(call5).map((m) => m.content)).toEqual(['Be brief.', 'first question, edited'])
  await expect(messages(page)).toHaveCount(2)
  await expectStatus(answers(page).first(), 'done')
  await expect(version(userMessages(page).first())).toHaveText('2/2')
  await expect(userMessages(page).first().getByTestId('message-content')).toHaveText('first question, edited')

  // Switching the question back brings its whole branch back, as it was.
  await userMessages(page).first().getByTestId('message-version-prev').click()
  await expect(messages(page)).toHaveCount(6)
  await expect(version(answers(page).nth(1))).toHaveText('1/2')
  await settleSaves(page)
  await reloadAndWait(page, 6)
  await expect(version(userMessages(page).first())).toHaveText('1/2')
  await expect(userMessages(page).nth(2).getByTestId('message-content')).toHaveText('third question')
})

test('delete removes one message after confirming; copy copies its Markdown source; the next request stays valid', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_ORIGIN })
  await configure(page)
  const a1 = await send(page, 'keep this question')
  await expectStatus(a1, 'done')
  const a2 = await send(page, 'delete this question')
  await expectStatus(a2, 'done')
  const calls = await waitForCalls(2)
  const [first, second] = calls

  await a1.hover()
  await a1.getByTestId('message-copy').click()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first!.sent.content)

  // Cancel keeps it; OK deletes the question only, not its answer.
  const q2 = userMessages(page).nth(1)
  await q2.hover()
  await q2.getByTestId('message-delete').click()
  await page.getByTestId('confirm-cancel').click()
  await expect(messages(page)).toHaveCount(4)
  await q2.getByTestId('message-delete').click()
  await page.getByTestId('confirm-ok').click()
  await expect(messages(page)).toHaveCount(3)
  await expect(userMessages(page)).toHaveCount(1)
  expectSameText(await contentOf(answers(page).nth(1)), second!.sent.content, 'the answer whose question was deleted')

  // Its answer stays on screen but goes out of the history: user and assistant still alternate.
  await page.getByTestId('composer-input').fill('one more')
  await page.getByTestId('composer-send').click()
  await expect(answers(page)).toHaveCount(3)
  await expectStatus(answers(page).nth(2), 'done')
  const [, , third] = await waitForCalls(3)
  expect(sentMessages(third).map((m) => `${m.role}:${String(m.content)}`)).toEqual([
    'user:keep this question',
    `assistant:${first!.sent.content}`,
    'user:one more',
  ])
  await settleSaves(page)
  await reloadAndWait(page, 5)
  await expect(userMessages(page)).toHaveCount(2)
})

test('a version made in one tab shows in the other', async ({ page }) => {
  await configure(page)
  const a1 = await send(page, 'shared question')
  await expectStatus(a1, 'done')
  const other = await page.context().newPage()
  await watchPage(other)
  await other.goto('/')
  await expect(messages(other)).toHaveCount(2)

  await a1.hover()
  await a1.getByTestId('message-regenerate').click()
  await expectStatus(answers(page).first(), 'done')
  await expect(version(answers(page).first())).toHaveText('2/2')
  await expect(version(answers(other).first())).toHaveText('2/2', { timeout: 3000 })
  await expectStatus(answers(other).first(), 'done')
  expect(await contentOf(answers(other).first())).toBe(await contentOf(answers(page).first()))

  // Switching versions in the other tab switches here too.
  await answers(other).first().getByTestId('message-version-prev').click()
  await expect(version(answers(page).first())).toHaveText('1/2', { timeout: 3000 })
  await expectCleanPage(other)
})

test('continue without prefix completion asks the model to go on, and appends to the same answer', async ({ page }) => {
  await configure(page)
  const a1 = await send(page, 'a long story mock:length')
  await expectStatus(a1, 'done')
  await expect(a1.getByTestId('message-continue')).toBeVisible()
  const [cut] = await waitForCalls(1)
  await a1.getByTestId('message-continue').click()
  const [, more] = await waitForCalls(2)
  expect(sentMessages(more)).toEqual([
    { role: 'user', content: 'a long story mock:length' },
    { role: 'assistant', content: cut!.sent.content },
    { role: 'user', content: 'Continue exactly where you stopped.' },
  ])
  await expectStatus(a1, 'done')
  await expect(answers(page)).toHaveCount(1)
  const added = (await chatCalls())[1]!.sent.content
  expect(added.length).toBeGreaterThan(0)
  expectSameText(await contentOf(a1), cut!.sent.content + added, 'the continued answer')
  await expect(a1.getByTestId('message-continued')).toHaveAttribute('data-method', 'instruction')
  await expect(a1.getByTestId('message-continued')).toHaveText('Continued by asking the model to go on')
  await expect(a1.getByTestId('message-continue')).toHaveCount(0)
  await settleSaves(page)
  await reloadAndWait(page, 2)
  await expect(answers(page).first().getByTestId('message-continued')).toHaveAttribute('data-method', 'instruction')
})

test('continue with prefix completion goes to the beta base URL with the text so far as a prefix', async ({ page }) => {
  // DeepSeek's preset pointed at the mock: its prefix URL (…/beta) is mapped onto this base URL.
  const base = `${MOCK_ORIGIN}/t/${mockTag()}`
  await configure(page, { provider: 'deepseek', baseUrl: base, model: 'deepseek-chat' })
  const a1 = await send(page, 'write a poem mock:slow:200:40')
  await expect.poll(async () => (await contentOf(a1)).length).toBeGreaterThan(20)
  await page.getByTestId('composer-stop').click()
  await expectStatus(a1, 'stopped')
  const soFar = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('inkstream')
      r.onsuccess = () => resolve(r.result)
      r.onerror = () => reject(r.error)
    })
    const all = await new Promise<Array<{ role: string; content: string; status: string }>>((resolve) => {
      const r = db.transaction('messages').objectStore('messages').getAll()
      r.onsuccess = () => resolve(r.result)
    })
    db.close()
    return all.find((m) => m.role === 'assistant')?.content ?? ''
  })
  expect(soFar.length).toBeGreaterThan(0)
  const [first] = await waitForCalls(1)
  expect(first!.path).toBe('/chat/completions')

  await a1.getByTestId('message-continue').click()
  const [, more] = await waitForCalls(2)
  expect(more!.path).toBe('/beta/chat/completions')
  expect(sentMessages(more)).toEqual([
    { role: 'user', content: 'write a poem mock:slow:200:40' },
    { role: 'assistant', content: soFar, prefix: true },
  ])
  await expectStatus(a1, 'done')
  expect((await chatCalls())[1]!.sent.content).toBe(PREFIX_CONTINUATION)
  expectSameText(await contentOf(a1), soFar + PREFIX_CONTINUATION, 'the continued answer')
  await expect(a1.getByTestId('message-continued')).toHaveAttribute('data-method', 'prefix')
  await expect(a1.getByTestId('message-continued')).toHaveText('Continued with prefix completion')
})

test('switching conversations never stops a stream; the sidebar shows it, and another chat can send meanwhile', async ({ page }) => {
  await configure(page)
  const slow = await send(page, 'background work mock:slow:100:80')
  await expectStatus(slow, 'streaming')
  await page.getByTestId('conversation-new').click()
  await expect(messages(page)).toHaveCount(0)
  const busy = page.getByTestId('conversation-item').filter({ hasText: 'background work' })
  const indicator = busy.getByTestId('conversation-streaming')
  await expect(indicator).toBeVisible()
  await expect(indicator).toHaveAttribute('aria-label', 'Answering…')

  const quick = await send(page, 'meanwhile here')
  await expectStatus(quick, 'done')
  await expect(indicator).toBeVisible()
  const calls = await waitForCalls(2)
  expect(calls[0]!.aborted).toBe(false)

  await busy.click()
  await expect(messages(page)).toHaveCount(2)
  await expectStatus(answers(page).first(), 'done', 20_000)
  await expect(indicator).toHaveCount(0)
  const [slowCall] = await chatCalls()
  expect(slowCall!.finished).toBe(true)
  expect(slowCall!.aborted).toBe(false)
  expectSameText(await contentOf(answers(page).first()), slowCall!.sent.content, 'the answer streamed in the background')
})
