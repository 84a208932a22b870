import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { test, expect, type Browser, type Download, type Page } from '@playwright/test'
import {
  answers,
  APP_ORIGIN,
  closeSettings,
  configure,
  expectCleanPage,
  expectSameText,
  expectStatus,
  messages,
  openSettings,
  send,
  settleSaves,
  snapshotMessage,
  userMessages,
  watchPage,
} from './helpers'

// Transcript timestamps are local time: pin the zone so the exported text is exact.
test.use({ timezoneId: 'Asia/Shanghai' })

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

const CLASSIC = fileURLToPath(new URL('../unit/importers/fixtures/classic-conversation.txt', import.meta.url))
const DASHES = '-'.repeat(40)

const items = (page: Page) => page.getByTestId('conversation-item')
const notice = (page: Page) => page.getByTestId('data-notice')
const dataError = (page: Page) => page.getByTestId('data-error')

async function download(page: Page, testid: 'backup-export' | 'export-all-txt'): Promise<{ download: Download; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()])
  return { download: file, text: await readFile(await file.path(), 'utf8') }
}

/** Every conversation (sidebar order) with a snapshot of each of its messages. */
async function everything(page: Page): Promise<Array<{ title: string; messages: Awaited<ReturnType<typeof snapshotMessage>>[] }>> {
  const out = []
  const count = await items(page).count()
  for (let i = 0; i < count; i++) {
    await items(page).nth(i).click()
    await expect(items(page).nth(i)).toHaveAttribute('data-active', 'true')
    const title = (await items(page).nth(i).innerText()).trim()
    // Wait for the open conversation's messages to be the ones of this item.
    await expect(messages(page).first()).toBeVisible()
    out.push({ title, messages: await Promise.all((await messages(page).all()).map(snapshotMessage)) })
  }
  return out
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: APP_ORIGIN, timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  const page = await context.newPage()
  await watchPage(page)
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeVisible()
  return page
}

test('backup-export, then backup-import into an empty browser, restores the same conversations and messages', async ({ page, browser }) => {
  // Two browser contexts, eight messages and three file round trips: more than one default budget.
  test.setTimeout(60_000)
  const { apiKey, baseUrl } = await configure(page)
  await expectStatus(await send(page, 'First conversation, first question'), 'done')
  await expectStatus(await send(page, 'And a follow-up with reasoning mock:reasoning:5:10'), 'done')
  await page.getByTestId('conversation-new').click()
  await expect(messages(page)).toHaveCount(0)
  await expectStatus(await send(page, 'Second conversation 第二个'), 'done')
  await expectStatus(await send(page, 'This one is refused mock:402'), 'error')
  await settleSaves(page)
  const before = await everything(page)
  expect(before.map((c) => c.messages.length)).toEqual([4, 4])

  await openSettings(page)
  await expect(page.getByTestId('storage-last-backup')).toHaveText('never')
  const { download: file, text } = await download(page, 'backup-export')
  expect(file.suggestedFilename()).toMatch(/^inkstream-backup-\d{4}-\d{2}-\d{2}-\d{6}\.json$/)
  expect(text).not.toContain(apiKey)
  const backup = JSON.parse(text)
  expect(backup).toMatchObject({ format: 'inkstream-backup', version: 1 })
  expect(backup.conversations).toHaveLength(2)
  expect(backup.conversations[0].messages[3]).toMatchObject({ role: 'assistant', status: 'done', model: 'mock-model' })
  expect(backup.conversations[0].messages[3].reasoning.length).toBeGreaterThan(0)
  await expect(notice(page)).toContainText('2 conversations, 8 messages. Your API key is not in it.')
  await expect(page.getByTestId('storage-last-backup')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)

  // A new browser profile: nothing stored.
  const restored = await freshPage(browser)
  await expect(items(restored)).toHaveCount(0)
  await openSettings(restored)
  await restored.getByTestId('backup-import').setInputFiles(await file.path())
  await expect(notice(restored)).toHaveText(
    'Imported 2 conversations, 8 messages from an Inkstream backup. Settings from the backup were applied, except the endpoint: provider, base URL, model and API key stay as set in this browser.',
  )
  // A restore never moves the endpoint (issue 12): the fresh browser keeps its default base URL.
  await expect(restored.getByTestId('settings-base-url')).not.toHaveValue(baseUrl)
  await expect(restored.getByTestId('settings-provider')).toHaveValue('siliconflow')
  await expect(restored.getByTestId('settings-api-key')).toHaveValue('')

  // Importing the same backup again duplicates nothing.
  await restored.getByTestId('backup-import').setInputFiles(await file.path())
  await expect(notice(restored)).toHaveText('Imported 2 conversations, 8 messages from an Inkstream backup. All of them were already here, and nothing changed.')
  await closeSettings(restored)
  await expect(items(restored)).toHaveCount(2)
  expect(await everything(restored)).toEqual(before)

  // The restored browser's own backup holds exactly the same records.
  await openSettings(restored)
  const again = JSON.parse((await download(restored, 'backup-export')).text)
  expect(again.conversations).toEqual(backup.conversations)
  await expectCleanPage(restored)
  await restored.context().close()
})

test('import-file reads a classic conversation.txt into one conversation with the right turns', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await openSettings(page)
  await page.getByTestId('import-file').setInputFiles(CLASSIC)
  await expect(notice(page)).toHaveText('Imported 1 conversation, 12 messages from a conversation.txt.')
  await closeSettings(page)

  await expect(items(page)).toHaveCount(1)
  await expect(items(page).first()).toContainText('你好，介绍一下你自己')
  await expect(messages(page)).toHaveCount(12)
  expect(await userMessages(page).allInnerTexts()).toEqual([
    '你好，介绍一下你自己',
    '写一个Python函数计算斐波那契数列',
    '继续',
    '什么是量子计算？',
    '再试一次：什么是量子计算？',
    'Thanks! 🙏',
  ].map((q) => expect.stringContaining(q)))
  const shown = await Promise.all((await answers(page).all()).map(snapshotMessage))
  expect(shown.map((a) => a.status)).toEqual(['done', 'done', 'error', 'error', 'interrupted', 'done'])
  expectSameText(shown[0]!.content, '你好！我是 DeepSeek-V3，一个由深度求索公司开发的智能助手。\n\n我可以帮你：\n- 回答问题\n- 写代码\n', 'first answer')
  expect(shown[2]!.error).toContain('402 Client Error: Payment Required')
  expectSameText(shown[3]!.content, '量子计算是一种利用量子力学原理进行计算的方式，', 'answer cut by a connection error')
  expect(shown[3]!.error).toContain('Connection broken')
  expectSameText(shown[4]!.content, '量子计算利用量子比特（qubit）的叠加和纠缠', 'answer of a killed script')

  // It survives a reload: it was written to storage, not just shown.
  await page.reload()
  await expect(messages(page)).toHaveCount(12)
})

test('export-all-txt writes every conversation in the classic format, oldest first, exactly', async ({ page }) => {
  const at = (ts: string) => Date.parse(`${ts.replace(' ', 'T')}+08:00`)
  const message = (conversationId: string, seq: number, content: string, ts: string, extra: object = {}) => ({
    id: `${conversationId}-${seq}`, seq, role: seq % 2 === 0 ? 'user' : 'assistant', content, reasoning: '', status: 'done',
    createdAt: at(ts), updatedAt: at(ts), ...extra,
  })
  const backup = {
    format: 'inkstream-backup',
    version: 1,
    exportedAt: '2025-03-02T00:00:00.000Z',
    conversations: [
      { id: 'newest', title: 'March', createdAt: at('2025-03-01 08:00:00'), updatedAt: at('2025-03-01 08:00:09'), messages: [
        message('newest', 0, 'Stop early', '2025-03-01 08:00:00'),
        message('newest', 1, 'Partial', '2025-03-01 08:00:00', { status: 'stopped', reasoning: 'not exported by default' }),
      ] },
      { id: 'oldest', title: 'June', createdAt: at('2024-06-01 12:30:00'), updatedAt: at('2024-06-01 12:31:00'), messages: [
        message('oldest', 0, 'Hello\nthere', '2024-06-01 12:30:00'),
        message('oldest', 1, 'Hi! 你好', '2024-06-01 12:30:00'),
        message('oldest', 2, 'Fail please', '2024-06-01 12:31:00'),
        message('oldest', 3, '', '2024-06-01 12:31:00', { status: 'error', error: { kind: 'http', message: 'Insufficient Balance', status: 402 } }),
      ] },
    ],
  }
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await openSettings(page)
  await page.getByTestId('import-file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(backup)) })
  await expect(notice(page)).toHaveText('Imported 2 conversations, 6 messages from an Inkstream backup.')
  await page.getByTestId('import-file').setInputFiles(CLASSIC)
  await expect(notice(page)).toHaveText('Imported 1 conversation, 12 messages from a conversation.txt.')

  const { download: file, text } = await download(page, 'export-all-txt')
  expect(file.suggestedFilename()).toBe('conversation.txt')
  await expect(notice(page)).toHaveText('Downloaded conversation.txt with 3 conversations, oldest first.')
  const classic = (await readFile(CLASSIC, 'utf8'))
    // Our writer puts an error on its own line and marks an answer cut off by a killed script.
    .replace('的方式，请求错误:', '的方式，\n请求错误:')
    .replace('的叠加和纠缠\n', `的叠加和纠缠\n[interrupted: the connection ended before the answer was complete]\n${DASHES}\n\n`)
  expect(text).toBe(
    '\n[2024-06-01 12:30:00] Question:\nHello\nthere\n\n[2024-06-01 12:30:00] Answer:\nHi! 你好\n' + DASHES + '\n' +
    '\n[2024-06-01 12:31:00] Question:\nFail please\n\n[2024-06-01 12:31:00] Answer:\n请求错误: Insufficient Balance\n' +
    classic +
    '\n[2025-03-01 08:00:00] Question:\nStop early\n\n[2025-03-01 08:00:00] Answer:\nPartial\n[stopped by user]\n' + DASHES + '\n',
  )
})

test('a malformed file shows where it is wrong and creates nothing', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await openSettings(page)
  const classic = await readFile(CLASSIC, 'utf8')

  await page.getByTestId('import-file').setInputFiles({ name: 'conversation.txt', mimeType: 'text/plain', buffer: Buffer.from(`\n[2025-01-20 21:14:05] Answer:\norphan\n${DASHES}\n${classic}`) })
  await expect(dataError(page)).toHaveText(
    "conversation.txt: conversation.txt line 2: an 'Answer:' header without a 'Question:' header before it. Nothing was imported.",
  )
  await expect(notice(page)).toHaveCount(0)

  const truncated = JSON.stringify({ format: 'inkstream-backup', version: 1, exportedAt: 'x', conversations: [{ id: 'a', title: 'A', createdAt: 1, updatedAt: 2, messages: [] }] }, null, 2).slice(0, 120)
  await page.getByTestId('backup-import').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(truncated) })
  await expect(dataError(page)).toContainText('backup.json: Inkstream backup, line ')
  await expect(dataError(page)).toContainText('the JSON ends too early, so the file is probably truncated')

  const wrongType = { format: 'inkstream-backup', version: 1, exportedAt: 'x', conversations: [
    { id: 'a', title: 'A', createdAt: 1, updatedAt: 2, messages: [{ id: 'm', seq: 0, role: 'user', content: 'hi', reasoning: '', status: 'done', createdAt: 1, updatedAt: 1 }] },
    { id: 'b', title: 'B', createdAt: 1, updatedAt: 2, messages: [{ id: 'n', seq: 0, role: 'robot', content: 'hi', reasoning: '', status: 'done', createdAt: 1, updatedAt: 1 }] },
  ] }
  await page.getByTestId('import-file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wrongType)) })
  await expect(dataError(page)).toHaveText(
    'backup.json: Inkstream backup, conversations[1].messages[0].role: expected one of "user", "assistant", got the string "robot". Nothing was imported.',
  )

  await closeSettings(page)
  await expect(items(page)).toHaveCount(0)
  await page.reload()
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await expect(items(page)).toHaveCount(0)
})

test('storage-status shows persistence, space and the last backup, and can ask to persist', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await openSettings(page)
  const status = page.getByTestId('storage-status')
  await expect(status).toBeVisible()
  await expect(page.getByTestId('storage-persisted')).toHaveText(/^(persistent|not persistent)/)
  await expect(page.getByTestId('storage-usage')).toHaveText(/^\d+(\.\d)? (bytes|KB|MB|GB) used of \d+(\.\d)? (bytes|KB|MB|GB|TB) available$/)
  await expect(page.getByTestId('storage-last-backup')).toHaveText('never')
  const ask = page.getByTestId('storage-persist')
  if (await ask.isVisible()) {
    await ask.click()
    await expect(notice(page)).toHaveText(/^The browser (will keep|declined)/)
  }
})

test('an import shows up in another open tab of the app', async ({ page }) => {
  const other = await page.context().newPage()
  await watchPage(other)
  await other.goto('/')
  await expect(other.getByTestId('composer-input')).toBeVisible()
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await openSettings(page)
  await page.getByTestId('import-file').setInputFiles(CLASSIC)
  await expect(notice(page)).toHaveText('Imported 1 conversation, 12 messages from a conversation.txt.')
  await expect(items(other)).toHaveCount(1, { timeout: 2_000 })
  await expect(items(other).first()).toContainText('你好，介绍一下你自己')
  await expectCleanPage(other)
})
