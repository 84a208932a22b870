// Regressions found while testing durability: each failed before its fix.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { test, expect, type Page } from '@playwright/test'
import { APP_ORIGIN, configure, contentOf, expectCleanPage, expectStatus, lastAnswer, messages, send, userMessages, watchPage } from './helpers'

const storageError = (page: Page) => page.getByTestId('storage-error')

// The full storage below is simulated by a CDP quota override that navigator.storage.estimate() does
// not report, so the app cannot tell it should skip its offline copy (as it does when real storage is
// nearly full): the service worker's first download would take the 60 kB before the history could.
// These regressions are about the history, so this file runs without the worker.
test.use({ serviceWorkers: 'block' })

// Threat model 20: a huge paste into full storage must be reported as storage full and stay usable in memory.
test('a first question too big for a full storage stays on screen with its answer, reported as storage full', async ({ context, page }) => {
  await watchPage(page)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: APP_ORIGIN, quotaSize: 60_000 })
  await configure(page)
  // Random text: Chromium compresses IndexedDB values, so repeated words would still fit.
  const paste = `Huge paste ${randomBytes(60_000).toString('base64')}`
  const answer = await send(page, paste)
  await expectStatus(answer, 'done')
  await expect(storageError(page)).toContainText(/storage .*is full/i)
  await expect(storageError(page)).not.toContainText(/deleted in another tab/i)
  await expect(page.getByTestId('conversation-item')).toHaveCount(1)
  await expect(userMessages(page)).toHaveCount(1)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    storageError(page).getByRole('button', { name: 'Download conversation.txt' }).click(),
  ])
  const text = await readFile(await download.path(), 'utf8')
  expect(text).toContain(paste)
  expect(text).toContain('You asked')
  // Space freed: saving again keeps the whole answer, not the empty placeholder of the first save.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: APP_ORIGIN })
  await storageError(page).getByRole('button', { name: 'Try saving again' }).click()
  await expect(storageError(page)).toBeHidden()
  const shown = await contentOf(answer)
  await page.reload()
  await expect(messages(page)).toHaveCount(2)
  await expectStatus(lastAnswer(page), 'done')
  expect(await contentOf(lastAnswer(page))).toBe(shown)
  await expectCleanPage(page)
})

// Issue 4 part 2 / threat model 26: a rename in one tab must survive a stale copy in another tab.
// Tab A hears about changes late (its BroadcastChannel delivery is delayed 3 s, as for a busy or
// throttled tab); B renames the conversation; A then asks a follow-up in it.
test('a follow-up sent from a tab that has not heard of a rename yet does not undo the rename', async ({ context, page: a }) => {
  await a.addInitScript(() => {
    const Original = BroadcastChannel
    // Counts the messages held back, so the test can wait until A has heard them all.
    const w = window as unknown as { __feedHeld: number }
    w.__feedHeld = 0
    window.BroadcastChannel = class extends Original {
      set onmessage(fn: ((event: MessageEvent) => void) | null) {
        super.onmessage = (event: MessageEvent) => {
          w.__feedHeld++
          setTimeout(() => {
            w.__feedHeld--
            fn?.(event)
          }, 3000)
        }
      }
      get onmessage(): ((event: MessageEvent) => void) | null {
        return super.onmessage
      }
    }
  })
  await configure(a)
  await expectStatus(await send(a, 'Original title'), 'done')
  const b = await context.newPage()
  await b.goto('/')
  const row = b.getByTestId('conversation-item').filter({ hasText: 'Original title' })
  await row.hover()
  await row.getByTestId('conversation-rename').click()
  await b.getByTestId('conversation-rename-input').fill('Renamed in B')
  await b.getByTestId('conversation-rename-input').press('Enter')
  await expect(b.getByTestId('conversation-item').filter({ hasText: 'Renamed in B' })).toBeVisible()
  await expectStatus(await send(a, 'Follow-up from A'), 'done')
  // A's delayed feed has caught up: every held-back message was delivered, and A shows the rename
  // it finally heard of (so the follow-up's write did not undo it, in storage or on A's screen).
  await expect.poll(() => a.evaluate(() => (window as unknown as { __feedHeld: number }).__feedHeld), { timeout: 10_000 }).toBe(0)
  await expect(a.getByTestId('conversation-item')).toHaveText(['Renamed in B'])
  for (const tab of [a, b]) {
    await tab.reload()
    await expect(tab.getByTestId('conversation-item')).toHaveText(['Renamed in B'])
  }
})

// Nothing the user typed is ever lost: a question being written survives a reload.
test('a half-written question is still in the composer after a reload', async ({ page }) => {
  await watchPage(page)
  await configure(page)
  await page.getByTestId('composer-input').fill('a long question I have not sent yet\nsecond line')
  await expect
    .poll(() => page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('inkstream')
      open.onsuccess = () => {
        const get = open.result.transaction('kv').objectStore('kv').get('draft')
        get.onsuccess = () => { resolve(get.result); open.result.close() }
      }
    })))
    .toBe('a long question I have not sent yet\nsecond line')
  await page.reload()
  await expect(page.getByTestId('composer-input')).toHaveValue('a long question I have not sent yet\nsecond line')
  await expectCleanPage(page)
})
