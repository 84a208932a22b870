// Issue 9: model lists, the connection test, usage and cost, balance. Everything against the
// loopback mock; "a server without CORS headers" is the mock's `nocors` mode, and the closed port
// is one the test itself bound and released.
import { createServer } from 'node:net'
import { test, expect, type Page } from '@playwright/test'
import { MOCK_ORIGIN, configure, expectCleanPage, expectStatus, mockLog, mockTag, openSettings, closeSettings, send, watchPage } from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

function modeUrl(mode: string): string {
  return `${MOCK_ORIGIN}/t/${mockTag()}/m/${mode}/v1`
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function runTest(page: Page): Promise<string> {
  await openSettings(page)
  await page.getByTestId('connection-test').click()
  const result = page.getByTestId('connection-result')
  await expect(result).not.toHaveAttribute('data-state', 'running', { timeout: 10_000 })
  await expect(result).toBeVisible()
  return (await result.textContent()) ?? ''
}

test('model-refresh fills the suggestions from /models, with capability badges; free text stays allowed', async ({ page }) => {
  const { apiKey } = await configure(page)
  await openSettings(page)
  await page.getByTestId('model-refresh').click()
  await expect(page.getByTestId('model-refresh-status')).toContainText('4 models')
  const options = await page.locator('#settings-model-suggestions option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))
  expect(options).toEqual(expect.arrayContaining(['mock-model', 'mock-reasoner', 'deepseek-flash', 'deepseek-v4-pro']))
  const listing = (await mockLog()).find((e) => e.method === 'GET' && e.path === '/v1/models')
  expect(listing?.headers.authorization).toBe(`Bearer ${apiKey}`)

  await page.getByTestId('settings-model').fill('deepseek-flash')
  await expect(page.getByTestId('model-badges')).toContainText('thinking')
  await expect(page.getByTestId('model-badges')).toContainText('vision')
  await expect(page.getByTestId('model-badges')).toContainText('1M context')
  await page.getByTestId('settings-model').fill('my-own-model')
  await expect(page.getByTestId('settings-model')).toHaveValue('my-own-model')

  // Cached per endpoint: after a reload the list is there without a new request.
  await closeSettings(page)
  await page.reload()
  await openSettings(page)
  await expect(page.getByTestId('model-refresh-status')).toContainText('4 models')
})

test('a failing model list says why and never blocks chatting', async ({ page }) => {
  await configure(page, { baseUrl: modeUrl('nocors') })
  await openSettings(page)
  await page.getByTestId('model-refresh').click()
  await expect(page.getByTestId('model-refresh-status')).toContainText('CORS (跨域)')
  await page.getByTestId('settings-base-url').fill(`${MOCK_ORIGIN}/t/${mockTag()}/v1`)
  await closeSettings(page)
  const answer = await send(page, 'still chatting')
  await expectStatus(answer, 'done')
})

test('connection test: all is well, with the latency', async ({ page }) => {
  await configure(page)
  const text = await runTest(page)
  expect(text).toMatch(/All is well: mock-model answered in \d+ ms\./)
})

for (const [provider, fix] of [
  ['custom', /OLLAMA_ORIGINS.*Enable CORS.*--allowed-origins/],
  ['ollama', /OLLAMA_ORIGINS="http:\/\/127\.0\.0\.1:\d+"/],
  ['lmstudio', /Enable CORS/],
  ['vllm', /--allowed-origins '\["http:\/\/127\.0\.0\.1:\d+"\]'/],
] as const) {
  test(`connection test: a server without CORS headers is named CORS, with the ${provider} fix`, async ({ page }) => {
    const { apiKey } = await configure(page, { provider, baseUrl: modeUrl('nocors') })
    const text = await runTest(page)
    expect(text).toContain('CORS (跨域)')
    expect(text).toMatch(fix)
    expect(text).not.toContain(apiKey)
    if (provider === 'ollama') {
      await page.getByTestId('language-select').selectOption('zh-CN')
      await expect(page.getByTestId('connection-result')).toContainText('CORS (跨域)')
      await expect(page.getByTestId('connection-result')).toContainText('被浏览器拦截')
    }
  })
}

test('connection test: a closed port is a network problem, not CORS', async ({ page }) => {
  const port = await closedPort()
  await configure(page, { baseUrl: `http://127.0.0.1:${port}/v1` })
  const text = await runTest(page)
  expect(text).toContain(`Could not reach http://127.0.0.1:${port}/v1`)
  expect(text).not.toContain('CORS (跨域)')
})

for (const [mode, expected] of [
  ['401', /The API key was rejected \(HTTP 401\)/],
  ['402', /Insufficient balance \(HTTP 402\)/],
  ['429', /Rate limited by the provider \(HTTP 429\)\. Retry in 7 s\./],
] as const) {
  test(`connection test: HTTP ${mode} is named`, async ({ page }) => {
    const { apiKey } = await configure(page, { baseUrl: modeUrl(mode) })
    const text = await runTest(page)
    expect(text).toMatch(expected)
    expect(text).not.toContain(apiKey)
  })
}

test('connection test: an unknown model is named with the close matches from /models', async ({ page }) => {
  await configure(page, { baseUrl: modeUrl('strict'), model: 'deepseek-chat' })
  const text = await runTest(page)
  expect(text).toContain('The model “deepseek-chat” is not in this endpoint’s model list (HTTP 404)')
  expect(text).toContain('Close matches: deepseek-flash, deepseek-v4-pro.')
})

test('usage with DeepSeek cache fields, timing, finish reason and cost from an edited price; totals per conversation', async ({ page }) => {
  await configure(page)
  await openSettings(page)
  await page.getByTestId('price-input').fill('1')
  await page.getByTestId('price-input').blur()
  await page.getByTestId('price-cached').fill('0.1')
  await page.getByTestId('price-cached').blur()
  await page.getByTestId('price-output').fill('2')
  await page.getByTestId('price-output').blur()
  await closeSettings(page)

  const answer = await send(page, 'cached please mock:cache')
  await expectStatus(answer, 'done')
  const usage = answer.getByTestId('message-usage')
  await expect(usage).toContainText('1200 prompt')
  await expect(usage).toContainText('1024 cached')
  await expect(usage).toContainText('10 completion')
  await expect(usage).toContainText('1210 total')
  await expect(usage).toContainText(/first token \d+\.\d\d s/)
  await expect(usage).toContainText(/\d+(\.\d)? tokens\/s/)
  await expect(usage).toContainText('finish: stop')
  // 176 fresh × 1 + 1024 cached × 0.1 + 10 × 2 per million tokens.
  await expect(usage).toContainText('cost 0.000298 USD')
  await expect(usage).not.toContainText('estimated')
  // Usage is its own line, outside the answer's text.
  expect(await answer.getByTestId('message-content').textContent()).not.toContain('1200')

  const second = await send(page, 'openai style mock:cache-openai')
  await expectStatus(second, 'done')
  await expect(second.getByTestId('message-usage')).toContainText('1536 cached')
  await expect(page.getByTestId('conversation-usage')).toContainText('This conversation: 3220 tokens')
  await expect(page.getByTestId('conversation-usage')).toContainText('USD')

  const third = await send(page, 'no usage mock:nousage')
  await expectStatus(third, 'done')
  await expect(third.getByTestId('message-usage')).toContainText('estimated')
  await expect(third.getByTestId('message-usage')).toHaveAttribute('data-estimated', 'true')

  const cut = await send(page, 'cut mock:length')
  await expectStatus(cut, 'done')
  await expect(cut.getByTestId('message-usage')).toContainText('cut off by max tokens')

  // Kept with the answer: a reload shows the same line.
  await page.reload()
  await expect(page.getByTestId('message-usage').first()).toContainText('1024 cached')
})

for (const [provider, amount] of [
  ['deepseek', 'Balance: 110.25 CNY'],
  ['siliconflow', 'Balance: 88.88 CNY'],
  ['openrouter', 'Balance: 20.25 USD'],
] as const) {
  test(`balance in Settings: ${provider}`, async ({ page }) => {
    const { apiKey } = await configure(page, { provider })
    await openSettings(page)
    await page.getByTestId('balance-check').click()
    await expect(page.getByTestId('balance-result')).toHaveText(amount)
    const request = (await mockLog()).find((e) => e.method === 'GET' && /\/(user\/balance|user\/info|credits)$/.test(e.path))
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`)
  })
}

test('a 402 answer offers to check the balance', async ({ page }) => {
  await configure(page, { provider: 'deepseek' })
  const answer = await send(page, 'pay up mock:402')
  await expectStatus(answer, 'error')
  await expect(answer.getByTestId('message-error')).toContainText('HTTP 402')
  await answer.getByTestId('balance-check').click()
  await expect(answer.getByTestId('balance-result')).toContainText('110.25 CNY')
})

test('balance errors are specific and never show the key', async ({ page }) => {
  const { apiKey } = await configure(page, { provider: 'deepseek', baseUrl: modeUrl('401') })
  await openSettings(page)
  await page.getByTestId('balance-check').click()
  await expect(page.getByTestId('balance-result')).toContainText('The API key was rejected (HTTP 401)')
  expect(await page.getByTestId('balance-result').textContent()).not.toContain(apiKey)
})
