import { test, expect, type Locator, type Page } from '@playwright/test'
import {
  chatRequests,
  configure,
  contentOf,
  expectCleanPage,
  expectStatus,
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

async function startSlowAnswer(page: Page): Promise<Locator> {
  await configure(page)
  const answer = await send(page, 'Tell me a long story mock:slow')
  await expectStatus(answer, 'streaming')
  // Wait for some text so there is a partial answer to keep.
  await expect.poll(async () => (await contentOf(answer)).length).toBeGreaterThan(20)
  await expect(page.getByTestId('composer-stop')).toBeVisible()
  return answer
}

async function expectStoppedAndAborted(page: Page, answer: Locator): Promise<void> {
  await expectStatus(answer, 'stopped')
  await expect(page.getByTestId('composer-stop')).toBeHidden()

  // The mock sees the connection close before the stream finished.
  await expect.poll(async () => (await chatRequests())[0]?.aborted, { message: 'mock saw the socket close early' }).toBe(true)
  const [request] = await chatRequests()
  expect(request?.finished).toBe(false)
  const sent = request?.sent.content ?? ''

  // Nothing more arrives after the stop. Rather than watch for a while, wait for the stream to
  // have ended in the app: its final save is on disk (written after the read loop is left) and
  // its Web Lock is released (the last thing a stream does). Text arriving later is impossible.
  await expect
    .poll(
      async () => {
        const { stored, streamLocks } = await streamState(page)
        return { stored: stored.map((m) => m.status), streamLocks }
      },
      { message: 'the stopped answer is saved and its stream lock released' },
    )
    .toEqual({ stored: ['stopped'], streamLocks: [] })
  const { stored } = await streamState(page)
  const saved = String(stored[0]?.content ?? '')
  expect(saved.length).toBeGreaterThan(20)
  expect(visibleText(sent).startsWith(visibleText(saved)), 'the kept text is a prefix of what the mock sent').toBe(true)
  // The screen shows exactly what was kept (the last frame's paint may land just after the status
  // flips, so the text is awaited, not read once), and it stays so.
  // (The stored text is the raw Markdown, compared with the rendered text as visible words.)
  await expect.poll(async () => visibleText(await contentOf(answer)), { message: 'the screen shows the kept text' }).toBe(visibleText(saved))
  const kept = await contentOf(answer)
  expect(await contentOf(answer)).toBe(kept)
  await expectStatus(answer, 'stopped')
  expect((await waitForChatRequests(1)).length).toBe(1)
}

/** The answers as stored in IndexedDB, and the stream locks held by any tab. */
async function streamState(page: Page): Promise<{ stored: Array<{ status: unknown; content: unknown }>; streamLocks: string[] }> {
  return page.evaluate(async () => {
    const records = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
      const open = indexedDB.open('inkstream')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const all = open.result.transaction('messages').objectStore('messages').getAll()
        all.onsuccess = () => {
          resolve(all.result as Array<Record<string, unknown>>)
          open.result.close()
        }
        all.onerror = () => reject(all.error)
      }
    })
    const { held = [] } = await navigator.locks.query()
    return {
      stored: records.filter((m) => m.role === 'assistant').map((m) => ({ status: m.status, content: m.content })),
      // Every Inkstream lock, not one name: the app holds locks only while it streams.
      streamLocks: held.flatMap((lock) => (lock.name?.startsWith('inkstream:') ? [lock.name] : [])),
    }
  })
}

test('Stop keeps the partial answer, marks it stopped and closes the connection', async ({ page }) => {
  const answer = await startSlowAnswer(page)
  await page.getByTestId('composer-stop').click()
  await expectStoppedAndAborted(page, answer)

  // The stopped answer survives a reload as it was.
  const before = await snapshotMessage(answer)
  await settleSaves(page)
  await reloadAndWait(page, 2)
  expect(await snapshotMessage(answer)).toEqual(before)
})

test('Esc stops a streaming answer', async ({ page }) => {
  const answer = await startSlowAnswer(page)
  await page.getByTestId('composer-input').focus()
  await page.keyboard.press('Escape')
  await expectStoppedAndAborted(page, answer)
})
