import { test, expect, type Page } from '@playwright/test'
import {
  configure,
  expectCleanPage,
  expectStatus,
  exportTxt,
  lastQuestion,
  reloadAndWait,
  send,
  settleSaves,
  waitForChatRequests,
  watchPage,
  type ChatBody,
} from './helpers'

// Issue 8, parts 4–6: per-conversation settings, context control, long pastes and text files.

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

async function lastBody(count: number): Promise<ChatBody> {
  const requests = await waitForChatRequests(count)
  return requests[count - 1]!.body as ChatBody
}

async function openConversationSettings(page: Page): Promise<void> {
  await page.getByTestId('conversation-settings').click()
  await expect(page.getByTestId('conversation-settings-dialog')).toBeVisible()
}

async function closeConversationSettings(page: Page): Promise<void> {
  await page.getByTestId('conversation-settings-close').click()
  await expect(page.getByTestId('conversation-settings-dialog')).toBeHidden()
}

/** Pastes text into the composer as a user would (a real paste event with clipboard data). */
async function paste(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').focus()
  await page.getByTestId('composer-input').evaluate((el, value) => {
    const data = new DataTransfer()
    data.setData('text/plain', value)
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, text)
}

test('a conversation’s own model, prompt, sampling and extra JSON go into its requests only', async ({ page }) => {
  await configure(page, { systemPrompt: 'Global prompt' })
  await expectStatus(await send(page, 'first'), 'done')

  await openConversationSettings(page)
  await expect(page.getByTestId('conversation-model')).toHaveAttribute('placeholder', /mock-model/)
  await page.getByTestId('conversation-model').fill('other-model')
  await page.getByTestId('conversation-system-prompt').fill('Talk like a pirate.')
  await page.getByTestId('conversation-param-temperature').fill('0.2')
  await page.getByTestId('conversation-extra').fill('{"presence_penalty": 0.4, "metadata": {"from": "inkstream"}}')
  await expect(page.getByTestId('conversation-extra-error')).toHaveCount(0)
  await closeConversationSettings(page)
  // The header names the model in use.
  await expect(page.getByTestId('chat-model')).toHaveText('other-model')

  await expectStatus(await send(page, 'second'), 'done')
  const body = await lastBody(2)
  expect(body.model).toBe('other-model')
  expect(body.temperature).toBe(0.2)
  expect(body.top_p).toBe(0.7)
  expect(body.presence_penalty).toBe(0.4)
  expect(body.metadata).toEqual({ from: 'inkstream' })
  expect(body.messages[0]).toEqual({ role: 'system', content: 'Talk like a pirate.' })

  // It survives a reload, and a new conversation starts from Settings again.
  await reloadAndWait(page, 4)
  await expect(page.getByTestId('chat-model')).toHaveText('other-model')
  await page.getByTestId('conversation-new').click()
  await expect(page.getByTestId('chat-model')).toHaveText('mock-model')
  await expectStatus(await send(page, 'third'), 'done')
  const fresh = await lastBody(3)
  expect(fresh.model).toBe('mock-model')
  expect(fresh.temperature).toBe(0.7)
  expect(fresh.presence_penalty).toBeUndefined()
  expect(fresh.messages[0]).toEqual({ role: 'system', content: 'Global prompt' })
})

test('the header’s model opens the model field, and bad extra JSON stops the send with a clear message', async ({ page }) => {
  await configure(page)
  await expectStatus(await send(page, 'hello'), 'done')
  await page.getByTestId('chat-model').click()
  await expect(page.getByTestId('conversation-model')).toBeFocused()
  await page.getByTestId('conversation-extra').fill('{"stream": false}')
  await expect(page.getByTestId('conversation-extra-error')).toContainText('“stream” cannot be set here')
  await page.getByTestId('conversation-extra').fill('{"a": ')
  await expect(page.getByTestId('conversation-extra-error')).toContainText('not valid JSON')
  await closeConversationSettings(page)

  await page.getByTestId('composer-input').fill('will not go')
  await page.getByTestId('composer-send').click()
  await expect(page.getByTestId('composer-error')).toContainText('extra request fields')
  await expect(page.getByTestId('composer-error')).toContainText('Conversation settings')
  await expect(page.getByTestId('composer-input')).toHaveValue('will not go')
  expect((await waitForChatRequests(1)).length).toBe(1)
})

test('thinking on/off and effort map to the provider’s fields; ignored parameters are marked', async ({ page }) => {
  await configure(page, { provider: 'deepseek' })
  await expectStatus(await send(page, 'hi'), 'done')
  await openConversationSettings(page)
  // DeepSeek thinks by default and then ignores temperature.
  await expect(page.getByTestId('conversation-param-ignored-temperature')).toBeVisible()
  await page.getByTestId('conversation-thinking').selectOption('off')
  await expect(page.getByTestId('conversation-param-ignored-temperature')).toHaveCount(0)
  await closeConversationSettings(page)
  await expectStatus(await send(page, 'no thinking'), 'done')
  expect((await lastBody(2)).thinking).toEqual({ type: 'disabled' })

  await openConversationSettings(page)
  await page.getByTestId('conversation-thinking').selectOption('on')
  await page.getByTestId('conversation-effort').selectOption('max')
  await closeConversationSettings(page)
  await expectStatus(await send(page, 'think hard'), 'done')
  const body = await lastBody(3)
  expect(body.thinking).toEqual({ type: 'enabled' })
  expect(body.reasoning_effort).toBe('max')
})

test('a context break keeps earlier messages on screen but out of the request; removing it brings them back', async ({ page }) => {
  await configure(page, { systemPrompt: 'Sys' })
  await expectStatus(await send(page, 'one'), 'done')
  await expectStatus(await send(page, 'two'), 'done')
  await page.getByTestId('context-break').click()
  await expect(page.getByTestId('context-break-marker')).toBeVisible()
  await expect(page.getByTestId('context-break')).toBeDisabled()

  await page.getByTestId('composer-input').fill('three')
  await expect(page.getByTestId('composer-context')).toContainText('Sends 1 message')
  await page.getByTestId('composer-send').click()
  await expectStatus(page.locator('[data-testid="message"][data-role="assistant"]').nth(2), 'done')
  expect((await lastBody(3)).messages).toEqual([
    { role: 'system', content: 'Sys' },
    { role: 'user', content: 'three' },
  ])
  await expect(page.getByTestId('message')).toHaveCount(6)

  await settleSaves(page)
  await reloadAndWait(page, 6)
  await expect(page.getByTestId('context-break-marker')).toHaveCount(1)
  await page.getByTestId('context-break-remove').click()
  await expect(page.getByTestId('context-break-marker')).toHaveCount(0)
  await expectStatus(await send(page, 'four'), 'done')
  expect((await lastBody(4)).messages.map((m) => m.content)).toEqual(['Sys', 'one', expect.any(String), 'two', expect.any(String), 'three', expect.any(String), 'four'])
})

test('a history limit trims in steps, keeps the system prompt, and the composer shows what will be sent', async ({ page }) => {
  await configure(page, { systemPrompt: 'Sys' })
  await expectStatus(await send(page, 'q0'), 'done')
  await openConversationSettings(page)
  await page.getByTestId('conversation-history-limit').selectOption('messages')
  await page.getByTestId('conversation-history-value').fill('4')
  await closeConversationSettings(page)

  const firsts: string[] = []
  for (let i = 1; i <= 5; i++) {
    await page.getByTestId('composer-input').fill(`q${i}`)
    await expect(page.getByTestId('composer-context')).toContainText(/Sends \d+ messages? · about \d+ tokens/)
    await page.getByTestId('composer-send').click()
    const body = await lastBody(i + 1)
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Sys' })
    expect(body.messages.length - 1).toBeLessThanOrEqual(4)
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: `q${i}` })
    expect(body.messages[1]?.role).toBe('user')
    firsts.push(String(body.messages[1]?.content))
    await expectStatus(page.locator('[data-testid="message"][data-role="assistant"]').nth(i), 'done')
  }
  // Not one oldest message per request: the first message sent repeats between jumps.
  expect(new Set(firsts).size).toBeLessThan(firsts.length)
  await expect(page.getByTestId('message')).toHaveCount(12)
})

test('a long paste becomes an attachment chip that is sent, kept and exported as its text', async ({ page }) => {
  await configure(page)
  const long = `${'Line of pasted text 粘贴。\n'.repeat(200)}END`
  await paste(page, long)
  await expect(page.getByTestId('attachment-chip')).toHaveCount(1)
  await expect(page.getByTestId('composer-input')).toHaveValue('')
  await page.getByTestId('attachment-view').click()
  await expect(page.getByTestId('attachment-viewer-text')).toHaveText(long)
  await page.getByTestId('attachment-viewer-close').click()

  // The draft's attachment survives a reload before sending.
  await page.getByTestId('composer-input').fill('What is in it?')
  await settleSaves(page)
  await page.reload()
  await expect(page.getByTestId('attachment-chip')).toHaveCount(1)
  await expect(page.getByTestId('composer-input')).toHaveValue('What is in it?')

  await page.getByTestId('composer-send').click()
  const answer = page.locator('[data-testid="message"][data-role="assistant"]').first()
  await expectStatus(answer, 'done')
  await expect(page.locator('.composer').getByTestId('attachment-chip')).toHaveCount(0)
  const body = await lastBody(1)
  const question = String(body.messages.at(-1)?.content)
  expect(question.startsWith('What is in it?\n\nAttachment: pasted-1.txt\n```\n')).toBe(true)
  expect(question).toContain(long)
  await expect(lastQuestion(page).getByTestId('attachment-chip')).toHaveCount(1)

  await settleSaves(page)
  await reloadAndWait(page, 2)
  await expect(lastQuestion(page).getByTestId('attachment-name')).toHaveText('pasted-1.txt')
  const { text } = await exportTxt(page)
  expect(text).toContain(`Question:\nWhat is in it?\n\nAttachment: pasted-1.txt\n\`\`\`\n${long}\n\`\`\`\n`)
})

test('text files attach, can be removed, and a binary file is refused with a reason', async ({ page }) => {
  await configure(page)
  const picker = page.getByTestId('composer-attach')
  await picker.setInputFiles([
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Notes\nremember this') },
    { name: 'data.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
  ])
  await expect(page.getByTestId('attachment-chip')).toHaveCount(2)
  await page.getByTestId('attachment-remove').nth(1).click()
  await expect(page.getByTestId('attachment-chip')).toHaveCount(1)

  await picker.setInputFiles([{ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]) }])
  await expect(page.getByTestId('composer-attach-error')).toContainText('“photo.png” is not a text file')
  await picker.setInputFiles([{ name: 'fake.txt', mimeType: 'text/plain', buffer: Buffer.from([0x41, 0, 0, 0x42]) }])
  await expect(page.getByTestId('composer-attach-error')).toContainText('“fake.txt” looks binary')
  await expect(page.getByTestId('attachment-chip')).toHaveCount(1)

  // A question made only of a file is allowed; the conversation is titled from the file.
  await page.getByTestId('composer-send').click()
  await expectStatus(page.locator('[data-testid="message"][data-role="assistant"]').first(), 'done')
  const question = String((await lastBody(1)).messages.at(-1)?.content)
  expect(question).toBe('Attachment: notes.md\n```\n# Notes\nremember this\n```')
  await expect(page.locator('[data-testid="conversation-item"][data-active="true"]')).toContainText('notes.md')
})

test('the composer stays responsive after a 1 MB paste', async ({ page }) => {
  await configure(page)
  await paste(page, 'x'.repeat(1024 * 1024))
  await expect(page.getByTestId('attachment-chip')).toHaveCount(1)
  const input = page.getByTestId('composer-input')
  await input.pressSequentially('typing after a big paste', { delay: 5 })
  await expect(input).toHaveValue('typing after a big paste')
})

test('context tools read in Chinese', async ({ page }) => {
  await configure(page)
  await openSettingsLanguage(page)
  await expectStatus(await send(page, '你好'), 'done')
  await expect(page.getByTestId('context-break')).toHaveText('新上下文')
  await page.getByTestId('context-break').click()
  await expect(page.getByTestId('context-break-marker')).toContainText('上面的消息不会发送')
  await page.getByTestId('composer-input').fill('下一个问题')
  await expect(page.getByTestId('composer-context')).toContainText('将发送')
  await page.getByTestId('conversation-settings').click()
  await expect(page.getByTestId('conversation-settings-dialog')).toContainText('发送的历史')
})

async function openSettingsLanguage(page: Page): Promise<void> {
  await page.getByTestId('settings-open').click()
  await page.getByTestId('language-select').selectOption('zh-CN')
  await page.getByTestId('settings-close').click()
}
