import { test, expect } from '@playwright/test'
import {
  closeSettings,
  configure,
  expectCleanPage,
  expectStatus,
  exportTxt,
  MOCK_ORIGIN,
  mockLog,
  openSettings,
  partText,
  send,
  watchOf,
  watchPage,
} from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

test('the API key never shows in the DOM, the export, logs or any request but the Authorization header', async ({ page }) => {
  const { apiKey } = await configure(page)
  await expectStatus(await send(page, 'Hello there'), 'done')
  // A server that echoes the whole key in its error message must not get it onto the screen.
  const echoed = await send(page, 'Echo my key mock:401echo')
  await expectStatus(echoed, 'error')
  expect(await partText(echoed, 'message-error')).toContain('Incorrect API key provided')
  await expectStatus(await send(page, 'Fail politely mock:401'), 'error')
  await openSettings(page)
  await closeSettings(page)

  const html = await page.evaluate(() => document.documentElement.outerHTML)
  const text = await page.evaluate(() => document.body.innerText + '\n' + document.title)
  expect(html).not.toContain(apiKey)
  expect(text).not.toContain(apiKey)
  // Not even a recognisable part of it.
  expect(html).not.toContain(apiKey.slice(10, 30))

  const { text: exported } = await exportTxt(page)
  expect(exported).not.toContain(apiKey)
  expect(exported).not.toContain(apiKey.slice(10, 30))

  const log = await mockLog()
  expect(log.length).toBeGreaterThan(0)
  for (const entry of log) {
    const { authorization, ...otherHeaders } = entry.headers
    if (authorization !== undefined) expect(authorization).toBe(`Bearer ${apiKey}`)
    expect(JSON.stringify({ ...entry, headers: otherHeaders, sent: null })).not.toContain(apiKey)
  }
  expect(log.filter((e) => e.method === 'POST').every((e) => e.headers.authorization === `Bearer ${apiKey}`)).toBe(true)

  const watch = watchOf(page)
  for (const request of watch.requests) {
    const { authorization, ...otherHeaders } = request.headers
    const toMock = request.url.startsWith(`${MOCK_ORIGIN}/`)
    if (authorization !== undefined) {
      expect(toMock, `Authorization sent to ${request.url}`).toBe(true)
    }
    expect(request.url).not.toContain(apiKey)
    expect(request.postData ?? '').not.toContain(apiKey)
    expect(JSON.stringify(otherHeaders)).not.toContain(apiKey)
  }
  expect(watch.console.join('\n')).not.toContain(apiKey)
})

test('markup in questions, answers and error pages is shown as text, never run', async ({ page }) => {
  await configure(page)
  const payload = '<img src=x onerror="__pwn(\'img\')"><script>__pwn("script")</script>'
  const answer = await send(page, `Echo this ${payload}`)
  await expectStatus(answer, 'done')
  expect(await partText(page.getByTestId('message').first(), 'message-content')).toBe(`Echo this ${payload}`)
  // The mock echoes the question's first line inside its answer.
  expect(await partText(answer, 'message-content')).toContain(payload)
  await expect(page.locator('[data-testid="message"] img, [data-testid="message"] script')).toHaveCount(0)
  const page502 = await send(page, 'Gateway page mock:502html')
  await expectStatus(page502, 'error')
  expect(await partText(page502, 'message-error')).not.toContain('<')
  // expectCleanPage (afterEach) fails the test if any __pwn() ran.
})
