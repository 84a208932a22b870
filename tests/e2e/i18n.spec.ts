import { test, expect, type Page } from '@playwright/test'
import { closeSettings, configure, expectCleanPage, lastAnswer, openSettings, partText, send, watchPage } from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

async function chooseLanguage(page: Page, language: 'zh-CN' | 'en'): Promise<void> {
  await openSettings(page)
  await page.getByTestId('language-select').selectOption(language)
  await closeSettings(page)
}

test('the language follows a Chinese browser, with no choice made', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  await watchPage(page)
  await page.goto('/')
  await expect(page.getByTestId('conversation-new')).toHaveText('+ 新对话')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByTestId('composer-input')).toHaveAttribute('placeholder', '想问什么都可以。Enter 发送，Shift+Enter 换行。')
  await expectCleanPage(page)
  await context.close()
})

test('language-select switches every label at once, is remembered, and errors read Chinese', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('conversation-new')).toHaveText('+ New chat')
  await chooseLanguage(page, 'zh-CN')
  await expect(page.getByTestId('conversation-new')).toHaveText('+ 新对话')
  await expect(page.getByTestId('settings-open')).toHaveText('⚙ 设置')
  await expect(page.getByTestId('composer-send')).toHaveText('发送')

  // A problem found before sending: no key yet.
  await page.getByTestId('composer-input').fill('你好')
  await page.getByTestId('composer-send').click()
  await expect(page.getByTestId('composer-error')).toHaveText('请在设置中填写你的 API 密钥。')

  await page.reload()
  await expect(page.getByTestId('conversation-new')).toHaveText('+ 新对话')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await openSettings(page)
  await expect(page.getByTestId('language-select')).toHaveValue('zh-CN')
  await expect(page.locator('#settings-title')).toHaveText('设置')
  await page.getByTestId('language-select').selectOption('en')
  await expect(page.locator('#settings-title')).toHaveText('Settings')
  await closeSettings(page)
  await expect(page.getByTestId('conversation-new')).toHaveText('+ New chat')
})

test('a stored error reads in the language on screen, and the server’s words stay as they were', async ({ page }) => {
  await configure(page)
  await chooseLanguage(page, 'zh-CN')
  const answer = await send(page, 'balance? mock:402')
  await expect(answer).toHaveAttribute('data-status', 'error')
  await expect(answer.getByTestId('message-error')).toContainText('余额不足（HTTP 402）')
  const chinese = await partText(answer, 'message-error')
  expect(chinese).toContain('Insufficient Balance')

  await chooseLanguage(page, 'en')
  await expect(lastAnswer(page).getByTestId('message-error')).toContainText('Insufficient balance (HTTP 402). Top up your account')
  await page.reload()
  await expect(lastAnswer(page).getByTestId('message-error')).toContainText('Insufficient balance (HTTP 402)')
  await chooseLanguage(page, 'zh-CN')
  await expect(lastAnswer(page).getByTestId('message-error')).toHaveText(chinese)
})
