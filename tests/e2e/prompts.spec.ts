import { readFile } from 'node:fs/promises'
import { test, expect, type Page } from '@playwright/test'
import { closeSettings, configure, expectCleanPage, messages, mockLog, openSettings, watchPage } from './helpers'

test.use({ timezoneId: 'Asia/Shanghai' })

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

async function addPrompt(page: Page, title: string, text: string): Promise<void> {
  const rows = await page.getByTestId('prompt-row').count()
  await page.getByTestId('prompt-title-input').fill(title)
  await page.getByTestId('prompt-text-input').fill(text)
  await page.getByTestId('prompt-save').click()
  await expect(page.getByTestId('prompt-row')).toHaveCount(rows + 1)
}

function file(name: string, content: unknown): { name: string; mimeType: string; buffer: Buffer } {
  const text = typeof content === 'string' ? content : JSON.stringify(content)
  return { name, mimeType: 'application/json', buffer: Buffer.from(text) }
}

test.describe('in English', () => {
  test.use({ locale: 'en-US' })

  test('/ lists saved prompts, filters as you type, fills variables and inserts without sending', async ({ page }) => {
    await configure(page)
    await openSettings(page)
    await addPrompt(page, 'Translate', 'Translate into {{language}} ({{date}}):\n')
    await addPrompt(page, '周报总结', 'Summarise my week in {{ 风格 }} style')
    await addPrompt(page, 'Plain', 'No variables here')
    await closeSettings(page)

    const composer = page.getByTestId('composer-input')
    const items = page.getByTestId('prompt-item')
    await composer.pressSequentially('/')
    await expect(page.getByTestId('prompt-menu')).toHaveAttribute('role', 'listbox')
    await expect(items).toHaveText([/Translate/, /周报总结/, /Plain/])
    await composer.pressSequentially('周')
    await expect(items).toHaveText([/周报总结/])
    await composer.press('Backspace')
    await composer.pressSequentially('WEEK')
    // Matches the text too, not only the title.
    await expect(items).toHaveText([/周报总结/])
    await composer.press('Escape')
    await expect(page.getByTestId('prompt-menu')).toBeHidden()
    await expect(composer).toHaveValue('/WEEK')

    await composer.fill('')
    await composer.pressSequentially('/')
    await composer.press('ArrowDown')
    await composer.press('ArrowDown')
    await expect(items.nth(2)).toHaveAttribute('aria-selected', 'true')
    await composer.press('ArrowUp')
    await composer.press('ArrowUp')
    await composer.press('Enter')
    const variable = page.getByTestId('prompt-variable')
    await expect(variable).toHaveCount(1)
    await expect(variable).toBeFocused()
    await variable.fill('French')
    await variable.press('Enter')
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(new Date())
    await expect(composer).toHaveValue(`Translate into French (${today}):\n`)
    await expect(composer).toBeFocused()
    await expect(page.getByTestId('prompt-menu')).toBeHidden()

    // A prompt without variables goes straight in, replacing the /query; nothing is sent.
    await composer.fill('')
    await composer.pressSequentially('/pla')
    await composer.press('Enter')
    await expect(composer).toHaveValue('No variables here')
    await expect(messages(page)).toHaveCount(0)
    expect((await mockLog()).filter((e) => e.method === 'POST')).toEqual([])

    // A slash later in a message, or typed into text, opens nothing.
    await composer.pressSequentially(' /x')
    await expect(page.getByTestId('prompt-menu')).toBeHidden()
  })

  test('prompts export and import as JSON; a bad file names the field and imports nothing; they survive a reload', async ({ page }) => {
    await configure(page)
    await openSettings(page)
    await addPrompt(page, 'One', 'first {{x}}')
    await addPrompt(page, 'Two', 'second')

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('prompt-export').click()])
    expect(download.suggestedFilename()).toBe('inkstream-prompts.json')
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as { format: string; version: number; prompts: Array<{ title: string; text: string }> }
    expect(exported.format).toBe('inkstream-prompts')
    expect(exported.version).toBe(1)
    expect(exported.prompts.map((p) => [p.title, p.text])).toEqual([['One', 'first {{x}}'], ['Two', 'second']])

    const importer = page.getByTestId('prompt-import')
    await importer.setInputFiles(file('bad.json', { format: 'inkstream-prompts', version: 1, prompts: [{ title: 'Three', text: 'ok' }, { title: 3, text: 'x' }] }))
    await expect(page.getByTestId('prompt-error')).toHaveText('Nothing was imported: prompts[1].title must be text.')
    await expect(page.getByTestId('prompt-row')).toHaveCount(2)
    await importer.setInputFiles(file('broken.json', '{"format": "inkstream-prompts",'))
    await expect(page.getByTestId('prompt-error')).toHaveText('Nothing was imported: the file is not valid JSON.')

    await importer.setInputFiles(file('good.json', [{ title: 'Three', text: 'third' }, ...exported.prompts]))
    await expect(page.getByTestId('prompt-notice')).toHaveText('Imported: 1 new, 0 updated.')
    await expect(page.getByTestId('prompt-error')).toBeHidden()
    await expect(page.getByTestId('prompt-row')).toHaveText([/One/, /Two/, /Three/])

    // Edit and delete (delete asks once more).
    await page.getByTestId('prompt-edit').first().click()
    await expect(page.getByTestId('prompt-title-input')).toHaveValue('One')
    await page.getByTestId('prompt-title-input').fill('One, edited')
    await page.getByTestId('prompt-save').click()
    await page.getByTestId('prompt-delete').nth(1).click()
    await page.getByTestId('prompt-delete-confirm').click()
    await expect(page.getByTestId('prompt-row')).toHaveText([/One, edited/, /Three/])

    await page.reload()
    await expect(page.getByTestId('composer-input')).toBeEnabled()
    await openSettings(page)
    await expect(page.getByTestId('prompt-row')).toHaveText([/One, edited/, /Three/])
  })
})

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' })

  test('the menu and the import errors read Chinese; the date is filled in Chinese', async ({ page }) => {
    await configure(page)
    const composer = page.getByTestId('composer-input')
    await composer.pressSequentially('/')
    await expect(page.getByTestId('prompt-menu')).toHaveText('没有匹配的提示词。提示词在设置中管理。')
    await composer.press('Escape')

    await openSettings(page)
    await page.getByTestId('prompt-import').setInputFiles(file('p.json', [{ title: '日报', text: '今天是 {{date}}' }, { title: '', text: 'x' }]))
    await expect(page.getByTestId('prompt-error')).toHaveText('未导入任何内容：[1].title 为空。')
    await page.getByTestId('prompt-import').setInputFiles(file('p.json', [{ title: '日报', text: '今天是 {{date}}' }]))
    await expect(page.getByTestId('prompt-notice')).toHaveText('已导入：新增 1 条，更新 0 条。')
    await closeSettings(page)

    await composer.fill('')
    await composer.pressSequentially('/日')
    await composer.press('Enter')
    const today = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(new Date())
    await expect(composer).toHaveValue(`今天是 ${today}`)
  })
})
