// Issue 4 part 2, threat model test 26: several tabs on the app stay consistent. Two (or three) pages
// in one browser context share IndexedDB, BroadcastChannel and Web Locks exactly like tabs do.
import { test, expect, type Locator, type Page } from '@playwright/test'
import {
  chatRequests,
  configure,
  contentOf,
  expectCleanPage,
  expectStatus,
  lastAnswer,
  messages,
  send,
  settleSaves,
  userMessages,
  visibleText,
  watchPage,
  type MockLogEntry,
} from './helpers'

/** How soon another tab must show a change (issue 4: "within a second"). */
const FEED_MS = 1000

const items = (page: Page) => page.getByTestId('conversation-item')
const item = (page: Page, title: string) => items(page).filter({ hasText: title })
const readOnly = (page: Page) => page.getByTestId('conversation-readonly')
const storageError = (page: Page) => page.getByTestId('storage-error')

async function openApp(page: Page): Promise<void> {
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeEnabled()
}

/** A second tab, watched like the first. */
async function otherTab(page: Page): Promise<Page> {
  const tab = await page.context().newPage()
  await watchPage(tab)
  await openApp(tab)
  return tab
}

/** Clicks Send without waiting for anything but the question to show. */
async function startSending(page: Page, text: string): Promise<Locator> {
  const before = await userMessages(page).count()
  await page.getByTestId('composer-input').fill(text)
  await page.getByTestId('composer-send').click()
  await expect(userMessages(page)).toHaveCount(before + 1)
  return lastAnswer(page)
}

async function rename(page: Page, from: string, to: string): Promise<void> {
  const row = item(page, from)
  await row.hover()
  await row.getByTestId('conversation-rename').click()
  const input = page.getByTestId('conversation-rename-input')
  await input.fill(to)
  await input.press('Enter')
  await expect(input).toBeHidden()
}

async function remove(page: Page, title: string): Promise<void> {
  const row = item(page, title)
  await row.hover()
  await row.getByTestId('conversation-delete').click()
  await page.getByTestId('confirm-ok').click()
}

interface StoredRecords {
  conversations: Array<{ id: string; title: string }>
  messages: Array<{ id: string; conversationId: string; seq: number; role: string; status: string; content: string }>
}

/** The app's conversations and messages read straight from IndexedDB (messages in seq order). */
async function stored(page: Page): Promise<StoredRecords> {
  const dump = await page.evaluate(async () => {
    const req = <T,>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
    const open = indexedDB.open('inkstream')
    open.onupgradeneeded = () => open.transaction?.abort()
    const db = await req(open)
    try {
      const tx = db.transaction(['conversations', 'messages'], 'readonly')
      const [conversations, messages] = await Promise.all([req(tx.objectStore('conversations').getAll()), req(tx.objectStore('messages').getAll())])
      return { conversations, messages } as unknown as StoredRecords
    } finally {
      db.close()
    }
  })
  dump.messages.sort((a, b) => a.conversationId.localeCompare(b.conversationId) || a.seq - b.seq)
  return dump
}

function requestFor(requests: MockLogEntry[], question: string): MockLogEntry {
  const found = requests.find((r) => {
    const body = r.body as { messages?: Array<{ content: unknown }> }
    return body.messages?.at(-1)?.content === question
  })
  expect(found, `the mock received “${question}”`).toBeDefined()
  return found!
}

test('a conversation created, answered, renamed or deleted in one tab shows up in the other within a second', async ({ page: a }) => {
  await watchPage(a)
  await configure(a)
  const b = await otherTab(a)
  await expect(items(b)).toHaveCount(0)

  // Created (the question is saved before the request leaves).
  const answer = await startSending(a, 'Made in tab A')
  await expect(item(a, 'Made in tab A')).toBeVisible()
  await expect(item(b, 'Made in tab A')).toBeVisible({ timeout: FEED_MS })
  await expectStatus(answer, 'done')

  // Answered: B opens it and sees the question and A's final answer.
  await item(b, 'Made in tab A').click()
  await expect(messages(b)).toHaveCount(2)
  await expectStatus(lastAnswer(b), 'done')
  expect(await contentOf(lastAnswer(b))).toBe(await contentOf(answer))

  // A second conversation, so the deleted one is not simply the only one.
  await a.getByTestId('conversation-new').click()
  await expectStatus(await send(a, 'Second from A'), 'done')
  await expect(item(b, 'Second from A')).toBeVisible({ timeout: FEED_MS })
  await expect(items(b)).toHaveCount(2)

  // Renamed.
  await rename(a, 'Made in tab A', 'Renamed in A ✓')
  await expect(item(a, 'Renamed in A ✓')).toBeVisible()
  await expect(item(b, 'Renamed in A ✓')).toBeVisible({ timeout: FEED_MS })
  await expect(item(b, 'Made in tab A')).toHaveCount(0)

  // Deleted, while B has it open.
  await remove(a, 'Renamed in A ✓')
  await expect(item(a, 'Renamed in A ✓')).toHaveCount(0)
  await expect(item(b, 'Renamed in A ✓')).toHaveCount(0, { timeout: FEED_MS })
  await expect(items(b)).toHaveCount(1)
  await expect(b.getByText('Made in tab A')).toHaveCount(0)

  await settleSaves(b)
  await b.reload()
  await expect(b.getByTestId('composer-input')).toBeEnabled()
  await expect(items(b)).toHaveCount(1)
  await expect(items(b)).toContainText('Second from A')
  await expectCleanPage(a)
  await expectCleanPage(b)
})

test('two tabs writing at once lose nothing: concurrent answers, a rename and a delete from the other tab all stick', async ({ page: a }) => {
  test.setTimeout(60_000)
  await watchPage(a)
  await configure(a)
  const b = await otherTab(a)
  await expectStatus(await send(a, 'Zulu, to be deleted by B'), 'done')
  await expect(item(b, 'Zulu, to be deleted by B')).toBeVisible({ timeout: FEED_MS })
  await a.getByTestId('conversation-new').click()
  await expect(messages(a)).toHaveCount(0)

  // Round 1: both tabs stream at the same time into their own new conversation (X in A, Y in B) …
  const questions = {
    // Long enough that B's rename and delete land while both answers are still streaming.
    x1: 'X from A mock:slow:60:150',
    y1: 'Y from B mock:slow:60:150',
    x2: 'X follow-up mock:slow:30:20',
    y2: 'Y follow-up mock:slow:30:20',
  }
  const [ax, by] = await Promise.all([startSending(a, questions.x1), startSending(b, questions.y1)])
  await expectStatus(ax, 'streaming')
  await expectStatus(by, 'streaming')
  // … while B renames X (being written by A) and deletes Z.
  await expect(item(b, 'X from A')).toBeVisible({ timeout: FEED_MS })
  await rename(b, 'X from A', 'X renamed by B')
  await remove(b, 'Zulu, to be deleted by B')
  await expect(item(a, 'X renamed by B')).toBeVisible({ timeout: FEED_MS })
  await expect(item(a, 'Zulu')).toHaveCount(0, { timeout: FEED_MS })
  expect(await ax.getAttribute('data-status'), 'A was still writing X during the rename').toBe('streaming')
  await Promise.all([expectStatus(ax, 'done', 15_000), expectStatus(by, 'done', 15_000)])

  // Round 2: follow-ups at the same time.
  const [ax2, by2] = await Promise.all([startSending(a, questions.x2), startSending(b, questions.y2)])
  await Promise.all([expectStatus(ax2, 'done', 10_000), expectStatus(by2, 'done', 10_000)])
  await Promise.all([settleSaves(a), settleSaves(b)])

  const requests = await chatRequests()
  expect(requests).toHaveLength(5)
  const db = await stored(a)
  expect(db.conversations.map((c) => c.title).sort()).toEqual(['X renamed by B', 'Y from B mock:slow:60:150'])
  const byTitle = (t: string) => db.conversations.find((c) => c.title === t)!.id
  for (const [title, turns] of [
    ['X renamed by B', [questions.x1, questions.x2]],
    ['Y from B mock:slow:60:150', [questions.y1, questions.y2]],
  ] as const) {
    const id = byTitle(title)
    const own = db.messages.filter((m) => m.conversationId === id)
    expect(own.map((m) => [m.seq, m.role, m.status])).toEqual([
      [0, 'user', 'done'],
      [1, 'assistant', 'done'],
      [2, 'user', 'done'],
      [3, 'assistant', 'done'],
    ])
    expect(own[0]!.content).toBe(turns[0])
    expect(own[2]!.content).toBe(turns[1])
    expect(own[1]!.content, `${title}: first answer`).toBe(requestFor(requests, turns[0]).sent.content)
    expect(own[3]!.content, `${title}: second answer`).toBe(requestFor(requests, turns[1]).sent.content)
  }
  expect(db.messages, 'no message of the deleted conversation is left').toHaveLength(8)

  // After a reload both tabs show exactly that.
  for (const tab of [a, b]) {
    await tab.reload()
    await expect(tab.getByTestId('composer-input')).toBeEnabled()
    await expect(items(tab)).toHaveCount(2)
    await expect(item(tab, 'Zulu')).toHaveCount(0)
    for (const title of ['X renamed by B', 'Y from B']) {
      await item(tab, title).click()
      await expect(messages(tab)).toHaveCount(4)
      await expectStatus(lastAnswer(tab), 'done')
    }
  }
  await expectCleanPage(a)
  await expectCleanPage(b)
})

test('a conversation answering in one tab is read-only in the others until the answer ends, then shows its final state', async ({ page: a }) => {
  // Three renderers and a long stream on two loaded cores.
  test.setTimeout(45_000)
  await watchPage(a)
  await configure(a)
  const b = await otherTab(a)
  await expectStatus(await send(b, 'Warm-up in B'), 'done')

  // Long enough to outlast every check below on a loaded machine; A ends it with Stop.
  const question = 'Long answer in A mock:slow:400:40'
  await a.getByTestId('conversation-new').click()
  const streaming = await startSending(a, question)
  await expectStatus(streaming, 'streaming')

  // B, already open, switches to the conversation A is answering.
  await item(b, 'Long answer in A').click()
  await expect(readOnly(b)).toBeVisible()
  await expect(userMessages(b)).toHaveCount(1)
  await expectStatus(lastAnswer(b), 'streaming')
  // B cannot send into it: nothing is added and nothing is requested.
  await b.getByTestId('composer-input').fill('Sneaking in from B')
  await b.getByTestId('composer-send').click()
  await expect(b.getByTestId('composer-error')).toBeVisible()
  await expect(b.getByTestId('composer-error')).toContainText(/another tab/i)
  await expect(userMessages(b)).toHaveCount(1)

  // A tab opened now finds the answer live, not interrupted, and read-only too.
  await expectStatus(streaming, 'streaming')
  const c = await otherTab(a)
  await expect(c.getByTestId('conversation-item').filter({ hasText: 'Long answer in A' })).toHaveAttribute('data-active', 'true')
  await expect(readOnly(c)).toBeVisible()
  await expectStatus(lastAnswer(c), 'streaming')
  await expect(a.getByTestId('conversation-readonly'), 'the streaming tab itself is not read-only').toBeHidden()
  await expectStatus(streaming, 'streaming')

  // The answer ends in A (stopped: an end like any other, at a moment the test chooses).
  await a.getByTestId('composer-stop').click()
  await expectStatus(streaming, 'stopped')
  const final = await contentOf(streaming)
  for (const tab of [b, c]) {
    await expect(readOnly(tab)).toBeHidden({ timeout: FEED_MS })
    await expectStatus(lastAnswer(tab), 'stopped')
    await expect.poll(() => contentOf(lastAnswer(tab)), { timeout: FEED_MS }).toBe(final)
  }
  await expect.poll(async () => (await chatRequests()).at(-1)?.aborted).toBe(true)
  const requests = await chatRequests()
  expect(requests.map((r) => (r.body as { messages: Array<{ content: unknown }> }).messages.at(-1)?.content)).toEqual(['Warm-up in B', question])
  expect(visibleText(requests[1]!.sent.content).startsWith(visibleText(final)), 'A’s answer is what the mock sent').toBe(true)

  // Now B may continue the conversation, and A sees it.
  await b.getByTestId('composer-input').fill('')
  const followUp = await send(b, 'B continues')
  await expectStatus(followUp, 'done')
  await expect(userMessages(a)).toHaveCount(2, { timeout: FEED_MS })
  await expect(lastAnswer(a)).toHaveAttribute('data-status', 'done')
  await expect.poll(async () => visibleText(await contentOf(lastAnswer(a))), { timeout: FEED_MS }).toBe(visibleText(await contentOf(followUp)))
  for (const tab of [a, b, c]) await expectCleanPage(tab)
})

test('a conversation deleted in one tab while another streams into it never comes back', async ({ page: a }) => {
  await watchPage(a)
  await configure(a)
  await expectStatus(await send(a, 'Keep me'), 'done')
  await a.getByTestId('conversation-new').click()
  await expectStatus(await send(a, 'Doomed conversation'), 'done')
  await settleSaves(a)

  // B opens on the last open conversation and streams into it.
  const b = await otherTab(a)
  await expect(item(b, 'Doomed conversation')).toHaveAttribute('data-active', 'true')
  const streaming = await startSending(b, 'B streams into it mock:slow:100:40')
  await expectStatus(streaming, 'streaming')
  await expect.poll(async () => (await contentOf(streaming)).length).toBeGreaterThan(20)
  const doomedId = (await stored(a)).conversations.find((c) => c.title === 'Doomed conversation')!.id

  await remove(a, 'Doomed conversation')
  await expect(item(a, 'Doomed conversation')).toHaveCount(0)
  // B drops it at once, stops its stream and says why.
  await expect(item(b, 'Doomed conversation')).toHaveCount(0, { timeout: FEED_MS })
  await expect(storageError(b)).toContainText(/deleted in another tab/i)
  await expect(b.getByTestId('composer-stop')).toBeHidden()
  await expect.poll(async () => (await chatRequests()).at(-1)?.aborted, { message: 'B’s request was cancelled' }).toBe(true)
  await Promise.all([settleSaves(a), settleSaves(b)])

  for (const tab of [a, b]) {
    await tab.reload()
    await expect(tab.getByTestId('composer-input')).toBeEnabled()
    await expect(items(tab)).toHaveCount(1)
    await expect(items(tab)).toContainText('Keep me')
    await expect(tab.getByText('Doomed conversation')).toHaveCount(0)
  }
  const db = await stored(b)
  expect(db.conversations.map((c) => c.id)).not.toContain(doomedId)
  expect(db.messages.filter((m) => m.conversationId === doomedId), 'no message of it is left or written later').toEqual([])
  await expectCleanPage(a)
  await expectCleanPage(b)
})
