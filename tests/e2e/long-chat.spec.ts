import { test, expect } from '@playwright/test'
import { answers, configure, expectCleanPage, expectStatus, send, watchPage } from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

// Issue 3 part 3: in a long chat, answers far above the reader are kept as plain text (a handful of
// elements) and rendered as Markdown only when scrolled near.
test('old answers render as Markdown when scrolled near, and only then', async ({ page }) => {
  test.setTimeout(90_000)
  await configure(page)
  const turns = 14
  for (let i = 0; i < turns; i++) await expectStatus(await send(page, `question ${i} mock:markdown`), 'done')
  await page.reload()
  await expect(answers(page)).toHaveCount(turns)

  const first = answers(page).first().getByTestId('message-content')
  // Far above the end of the chat: not rendered yet, its text still all there.
  await expect(first).toHaveClass(/md-plain/)
  await expect(first.locator('h1, h2, h3, table, pre')).toHaveCount(0)
  const rawLength = ((await first.textContent()) ?? '').length
  expect(rawLength).toBeGreaterThan(100)
  // Nor are its toolbar and usage line: the few elements of a far message are its text.
  await expect(answers(page).first().getByTestId('message-copy')).toHaveCount(0)
  await expect(answers(page).first().getByTestId('message-usage')).toHaveCount(0)
  await expect(answers(page).last().getByTestId('message-copy')).toHaveCount(1)
  // The newest answer is rendered at once.
  await expect(answers(page).last().getByTestId('message-content').locator('h1, h2, h3').first()).toBeVisible()

  await page.locator('.message-list').evaluate((el) => {
    el.scrollTop = 0
  })
  await expect(first).not.toHaveClass(/md-plain/)
  await expect(first.locator('h1, h2, h3').first()).toBeVisible()
  await expect(answers(page).first().getByTestId('message-copy')).toHaveCount(1)
  await expect(answers(page).first().getByTestId('message-usage')).toBeVisible()
})
