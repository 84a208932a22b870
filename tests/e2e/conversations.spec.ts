import { test, expect, type Page } from '@playwright/test'
import {
  chatRequests,
  configure,
  contentOf,
  expectCleanPage,
  expectStatus,
  lastAnswer,
  messages,
  reloadAndWait,
  send,
  settleSaves,
  snapshotMessage,
  visibleText,
  watchPage,
} from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

const items = (page: Page) => page.getByTestId('conversation-item')
const activeItem = (page: Page) => page.locator('[data-testid="conversation-item"][data-active="true"]')

async function newConversation(page: Page, question: string): Promise<void> {
  await page.getByTestId('conversation-new').click()
  await expect(messages(page)).toHaveCount(0)
  await expectStatus(await send(page, question), 'done')
  await expect(activeItem(page)).toContainText(question.split('\n')[0] ?? '')
}

test('reload keeps conversations, the open one, messages and statuses', async ({ page }) => {
  await configure(page)
  await newConversation(page, 'Alpha conversation')
  await newConversation(page, 'Beta conversation')
  await expectStatus(await send(page, 'Beta follow-up'), 'done')
  // Switch back to the first conversation; it becomes the open one.
  await items(page).filter({ hasText: 'Alpha conversation' }).click()
  await expect(activeItem(page)).toContainText('Alpha conversation')
  await expect(messages(page)).toHaveCount(2)
  // Add a stopped answer so statuses other than done are covered.
  const stopped = await send(page, 'Alpha slow mock:slow')
  await expect.poll(async () => (await contentOf(stopped)).length).toBeGreaterThan(10)
  await page.getByTestId('composer-stop').click()
  await expectStatus(stopped, 'stopped')

  const before = await Promise.all((await messages(page).all()).map(snapshotMessage))
  expect(before.map((m) => m.status)).toEqual(['done', 'done', 'done', 'stopped'])
  await settleSaves(page)
  await reloadAndWait(page, 4)

  await expect(items(page)).toHaveCount(2)
  await expect(activeItem(page)).toHaveCount(1)
  await expect(activeItem(page)).toContainText('Alpha conversation')
  const after = await Promise.all((await messages(page).all()).map(snapshotMessage))
  expect(after).toEqual(before)

  await items(page).filter({ hasText: 'Beta conversation' }).click()
  // Alpha also has 4 messages: wait for Beta's to replace them, not just for the count.
  await expect(activeItem(page)).toContainText('Beta conversation')
  await expect(messages(page)).toHaveCount(4)
  await expect.poll(() => contentOf(messages(page).nth(2))).toBe('Beta follow-up')
  await expectStatus(lastAnswer(page), 'done')
})

test('a reload in the middle of a stream keeps the partial answer as interrupted', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Long one mock:slow')
  await expect.poll(async () => (await contentOf(answer)).length).toBeGreaterThan(40)
  // The app saves a streaming answer a few times a second: wait past one save.
  await page.waitForTimeout(800)
  await page.reload()
  await expect(messages(page)).toHaveCount(2)
  const reloaded = lastAnswer(page)
  await expectStatus(reloaded, 'interrupted')
  const kept = await contentOf(reloaded)
  expect(kept.length).toBeGreaterThan(40)
  const [request] = await chatRequests()
  expect(visibleText(request?.sent.content ?? '').startsWith(visibleText(kept)), 'kept text is a prefix of what was sent').toBe(true)
  expect(await contentOf(messages(page).first())).toBe('Long one mock:slow')
})

test('rename a conversation; it stays renamed after a reload', async ({ page }) => {
  await configure(page)
  await newConversation(page, 'Name me later')
  const item = activeItem(page)
  await item.hover()
  await item.getByTestId('conversation-rename').click()
  const input = page.getByTestId('conversation-rename-input')
  await expect(input).toBeVisible()
  await input.fill('Renamed: 重命名 ✓')
  await input.press('Enter')
  await expect(input).toBeHidden()
  await expect(activeItem(page)).toContainText('Renamed: 重命名 ✓')
  await expect(activeItem(page)).not.toContainText('Name me later')
  await settleSaves(page)
  await reloadAndWait(page, 2)
  await expect(activeItem(page)).toContainText('Renamed: 重命名 ✓')
})

test('delete asks for confirmation; cancel keeps, OK deletes for good', async ({ page }) => {
  await configure(page)
  await newConversation(page, 'Keep this one')
  await newConversation(page, 'Delete this one')
  await expect(items(page)).toHaveCount(2)

  const doomed = items(page).filter({ hasText: 'Delete this one' })
  await doomed.hover()
  await doomed.getByTestId('conversation-delete').click()
  await expect(page.getByTestId('confirm-cancel')).toBeVisible()
  await page.getByTestId('confirm-cancel').click()
  await expect(page.getByTestId('confirm-ok')).toBeHidden()
  await expect(items(page)).toHaveCount(2)

  await doomed.hover()
  await doomed.getByTestId('conversation-delete').click()
  await page.getByTestId('confirm-ok').click()
  await expect(items(page)).toHaveCount(1)
  await expect(items(page)).toContainText('Keep this one')
  await expect(page.getByText('Delete this one')).toHaveCount(0)

  await settleSaves(page)
  await page.reload()
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await expect(items(page)).toHaveCount(1)
  await expect(items(page)).toContainText('Keep this one')
  await expect(page.getByText('Delete this one')).toHaveCount(0)
})
