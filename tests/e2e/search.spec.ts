import { test, expect, type Page } from '@playwright/test'
import { chatRequests, closeSettings, configure, expectCleanPage, expectStatus, messages, openSettings, send, settleSaves, watchPage } from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

const items = (page: Page) => page.getByTestId('conversation-item')
const results = (page: Page) => page.getByTestId('search-result')
const headings = (page: Page) => page.getByTestId('conversation-group')

async function newConversation(page: Page, question: string): Promise<void> {
  await page.getByTestId('conversation-new').click()
  await expect(messages(page)).toHaveCount(0)
  await expectStatus(await send(page, question), 'done')
}

test('search finds text in an answer of a conversation that is not open, and opens it at the hit', async ({ page }) => {
  await configure(page)
  await newConversation(page, 'Zebra quartz lamp')
  // More turns after it, so the matching answer is well above the end of the conversation.
  for (const n of [1, 2, 3, 4]) await expectStatus(await send(page, `Filler turn ${n}`), 'done')
  await newConversation(page, 'Something unrelated')
  await settleSaves(page)

  // The mock's answer quotes the question after "asked:": only the answer has `"zebra`.
  await page.getByTestId('search-input').fill('asked: "ZEBRA')
  await expect(results(page)).toHaveCount(1)
  const hit = results(page).first()
  await expect(hit).toContainText('Zebra quartz lamp')
  await expect(hit.locator('mark')).toHaveText(['asked:', '"Zebra'])
  await expect(items(page).first()).toBeHidden()

  await hit.click()
  await expect(page.getByTestId('conversation-item').filter({ hasText: 'Zebra quartz lamp' })).toHaveAttribute('data-active', 'true')
  await expect(messages(page)).toHaveCount(10)
  const target = page.locator('[data-testid="message"][data-search-hit="true"]')
  await expect(target).toHaveCount(1)
  await expect(target).toHaveAttribute('data-role', 'assistant')
  await expect(target).toHaveAttribute('data-message-id', /.+/)
  await expect(target).toContainText('You asked: "Zebra quartz lamp"')
  await expect(target).toBeInViewport()
  await expect(messages(page).last()).not.toBeInViewport()

  // Clearing the search brings the list back; Chinese text is found just as English is.
  await page.getByTestId('search-input').fill('你好')
  await expect(results(page).first()).toBeVisible()
  await expect(results(page).first().locator('mark').first()).toHaveText('你好')
  await page.getByTestId('search-input').fill('')
  await expect(items(page)).toHaveCount(2)
  await expect(items(page).first()).toBeVisible()
})

test('a hostile payload in an answer shows in search results as text', async ({ page }) => {
  await configure(page)
  const payload = `<img src=x onerror="__pwn('search')"><b>bold</b>`
  await newConversation(page, `Payload ${payload}`)
  await newConversation(page, 'Another one')
  await page.getByTestId('search-input').fill('onerror')
  await expect(results(page)).toHaveCount(3)
  for (const result of await results(page).all()) {
    await expect(result).toContainText(payload)
    await expect(result.locator('img, b')).toHaveCount(0)
    await expect(result.locator('mark')).toHaveText('onerror')
  }
})

test('a pin survives a reload, and the list is grouped by date in both languages', async ({ page }) => {
  await configure(page)
  const day = 86_400_000
  const now = Date.now()
  const conversation = (id: string, title: string, age: number, pinned?: boolean) => ({
    id,
    title,
    createdAt: now - age,
    updatedAt: now - age,
    ...(pinned ? { pinned: true } : {}),
    messages: [{ id: `${id}-m0`, seq: 0, role: 'user', content: `${title} question`, reasoning: '', status: 'done', createdAt: now - age, updatedAt: now - age }],
  })
  const backup = {
    format: 'inkstream-backup',
    version: 1,
    exportedAt: new Date(now).toISOString(),
    conversations: [
      conversation('c-yesterday', 'From yesterday', day),
      conversation('c-week', 'Three days ago', 3 * day),
      conversation('c-older', 'Last month', 30 * day),
      conversation('c-pinned', 'Pinned long ago', 90 * day, true),
    ],
  }
  await openSettings(page)
  await page.getByTestId('backup-import').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(backup)) })
  await expect(page.getByTestId('data-notice')).toContainText('4')
  await closeSettings(page)
  await newConversation(page, 'Asked today')

  await expect(items(page)).toHaveText([/Pinned long ago/, /Asked today/, /From yesterday/, /Three days ago/, /Last month/])
  await expect(headings(page)).toHaveText(['Pinned', 'Today', 'Yesterday', 'Last 7 days', 'Older'])

  // Pin the conversation of today; unpin the imported one.
  const today = items(page).filter({ hasText: 'Asked today' })
  await today.getByTestId('conversation-pin').click()
  await expect(today.getByTestId('conversation-pin')).toHaveAttribute('aria-pressed', 'true')
  const old = items(page).filter({ hasText: 'Pinned long ago' })
  await old.getByTestId('conversation-pin').click()
  await expect(old.getByTestId('conversation-pin')).toHaveAttribute('aria-pressed', 'false')
  await expect(items(page).first()).toContainText('Asked today')
  await settleSaves(page)

  await page.reload()
  await expect(items(page)).toHaveCount(5)
  await expect(items(page).first()).toContainText('Asked today')
  await expect(items(page).first().getByTestId('conversation-pin')).toHaveAttribute('aria-pressed', 'true')
  await expect(items(page).last()).toContainText('Pinned long ago')
  await expect(headings(page).first()).toHaveText('Pinned')
  await expect(headings(page).last()).toHaveText('Older')

  await openSettings(page)
  await page.getByTestId('language-select').selectOption('zh-CN')
  await closeSettings(page)
  await expect(headings(page).first()).toHaveText('已置顶')
  await expect(headings(page).filter({ hasText: '最近 7 天' })).toHaveCount(1)
  await expect(headings(page).last()).toHaveText('更早')
  await expect(page.getByTestId('search-input')).toHaveAttribute('placeholder', '搜索对话')
  await page.getByTestId('search-input').fill('不存在的内容')
  await expect(page.getByTestId('search-status')).toHaveText('没有找到“不存在的内容”。')
})

test('the model-written title is off by default; turned on, one more request to the same endpoint renames a new conversation', async ({ page }) => {
  const { apiKey } = await configure(page)
  await openSettings(page)
  await expect(page.getByTestId('settings-auto-title')).not.toBeChecked()
  await closeSettings(page)
  await newConversation(page, 'Plain title question')
  await settleSaves(page)
  expect(await chatRequests()).toHaveLength(1)
  await expect(items(page).first()).toContainText('Plain title question')

  await openSettings(page)
  await page.getByTestId('settings-auto-title').check()
  await closeSettings(page)
  // The mock obeys the last directive in a request, and its default answer names a few (mock:429…):
  // this answer repeats the question's directive instead, so the title request is answered too.
  await newConversation(page, 'Titled question mock:slow:5:10')
  await expect.poll(async () => (await chatRequests()).length).toBe(3)
  const [, , titleRequest] = await chatRequests()
  expect(titleRequest!.headers.authorization).toBe(`Bearer ${apiKey}`)
  expect(JSON.stringify(titleRequest!.body)).toContain('Write a title of at most 8 words')
  // The mock answers a title request like any question: its first line becomes the title.
  const modelTitle = 'Sentence 1 of a deliberately slow answer to "Question:"'
  await expect(items(page).first()).toContainText(modelTitle)
  await settleSaves(page)
  await page.reload()
  await expect(items(page).first()).toContainText(modelTitle)
  await openSettings(page)
  await expect(page.getByTestId('settings-auto-title')).toBeChecked()
})
