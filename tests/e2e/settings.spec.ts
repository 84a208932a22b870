import { test, expect } from '@playwright/test'
import { canaryKey, closeSettings, expectCleanPage, MOCK_ORIGIN, openSettings, watchPage } from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

const PRESETS: Array<{ id: string; baseUrl: RegExp; model: RegExp }> = [
  { id: 'siliconflow', baseUrl: /^https:\/\/api\.siliconflow\.(cn|com)\/v1\/?$/, model: /\S/ },
  { id: 'deepseek', baseUrl: /^https:\/\/api\.deepseek\.com(\/v1)?\/?$/, model: /^deepseek-/ },
  { id: 'openai', baseUrl: /^https:\/\/api\.openai\.com\/v1\/?$/, model: /\S/ },
  { id: 'openrouter', baseUrl: /^https:\/\/openrouter\.ai\/api\/v1\/?$/, model: /\S/ },
  { id: 'ollama', baseUrl: /^http:\/\/(localhost|127\.0\.0\.1):11434\/v1\/?$/, model: /\S/ },
]

test('choosing a preset fills base URL and model', async ({ page }) => {
  await page.goto('/')
  await openSettings(page)
  const provider = page.getByTestId('settings-provider')
  const baseUrl = page.getByTestId('settings-base-url')
  const model = page.getByTestId('settings-model')
  for (const preset of PRESETS) {
    await provider.selectOption(preset.id)
    await expect(baseUrl, `base URL of ${preset.id}`).toHaveValue(preset.baseUrl)
    await expect(model, `model of ${preset.id}`).toHaveValue(preset.model)
  }
  // Each preset really changed the fields (not one value matching several patterns).
  await provider.selectOption('deepseek')
  const deepseekModel = await model.inputValue()
  await provider.selectOption('openai')
  await expect(model).not.toHaveValue(deepseekModel)
})

test('settings persist across a reload', async ({ page }) => {
  const key = canaryKey()
  await page.goto('/')
  await openSettings(page)
  await page.getByTestId('settings-provider').selectOption('custom')
  await page.getByTestId('settings-base-url').fill(`${MOCK_ORIGIN}/v1`)
  await page.getByTestId('settings-model').fill('mock-model')
  await page.getByTestId('settings-api-key').fill(key)
  await page.getByTestId('settings-system-prompt').fill('You are terse.\n用中文回答。')
  await page.getByTestId('settings-idle-timeout').fill('17')
  const exportReasoning = page.getByTestId('settings-export-reasoning')
  const wasChecked = await exportReasoning.isChecked()
  await exportReasoning.setChecked(!wasChecked)
  await closeSettings(page)

  await page.reload()
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await openSettings(page)
  await expect(page.getByTestId('settings-provider')).toHaveValue('custom')
  await expect(page.getByTestId('settings-base-url')).toHaveValue(`${MOCK_ORIGIN}/v1`)
  await expect(page.getByTestId('settings-model')).toHaveValue('mock-model')
  await expect(page.getByTestId('settings-api-key')).toHaveValue(key)
  await expect(page.getByTestId('settings-api-key')).toHaveAttribute('type', 'password')
  await expect(page.getByTestId('settings-system-prompt')).toHaveValue('You are terse.\n用中文回答。')
  await expect(page.getByTestId('settings-idle-timeout')).toHaveValue('17')
  await expect(exportReasoning).toBeChecked({ checked: !wasChecked })

  // The reveal button shows the key as text and hides it again.
  await page.getByTestId('settings-api-key-reveal').click()
  await expect(page.getByTestId('settings-api-key')).toHaveAttribute('type', 'text')
  await page.getByTestId('settings-api-key-reveal').click()
  await expect(page.getByTestId('settings-api-key')).toHaveAttribute('type', 'password')
})
