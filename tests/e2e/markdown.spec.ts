import { test, expect } from '@playwright/test'
import { APP_ORIGIN, configure, contentOf, expectCleanPage, expectStatus, MOCK_HOST, mockLog, reloadAndWait, send, settleSaves, watchPage } from './helpers'

test.beforeEach(async ({ page }) => {
  await watchPage(page)
})
test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
})

const sinkRequests = async () => (await mockLog()).filter((e) => e.path.startsWith('/__sink/'))

test('a Markdown answer renders headings, lists, tables, highlighted code and math', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Show me Markdown mock:markdown')
  const content = answer.getByTestId('message-content')
  await expectStatus(answer, 'done')

  await expect(content.locator('h2')).toHaveText('Fibonacci 斐波那契')
  await expect(content.locator('table tbody tr')).toHaveCount(2)
  await expect(content.locator('li.md-task input[type="checkbox"][disabled]')).toBeChecked()
  await expect(content.locator('s')).toHaveText('no')
  // Highlighting arrives once the fence closed and the language chunk loaded.
  await expect(content.locator('.md-code[data-lang="python"] code .hljs-keyword').first()).toHaveText('def')
  // Inline and display math, typeset by the lazily loaded KaTeX.
  await expect(content.locator('.katex')).toHaveCount(2)
  await expect(content.locator('.katex-display')).toHaveCount(1)

  const link = content.locator('a', { hasText: 'link' })
  await expect(link).toHaveAttribute('href', 'https://example.com/docs')
  await expect(link).toHaveAttribute('target', '_blank')
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer')

  // message-content holds the answer's text only: no button labels, language names or URLs.
  const text = await contentOf(answer)
  expect(text).toContain('Here is a short answer with inline code, a link and no math')
  expect(text).toContain('def fib(n):\n    a, b = 0, 1')
  expect(text).not.toMatch(/copy|python|__sink|chart|load image/i)
})

test('the copy button puts exactly the code on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_ORIGIN })
  await configure(page)
  const answer = await send(page, 'Code please mock:markdown')
  await expectStatus(answer, 'done')
  const block = answer.locator('.md-code').first()
  await block.locator('.md-copy').click()
  await expect(block.locator('.md-copy')).toHaveAttribute('data-copied', 'true')
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied).toBe('def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n')
})

test('a remote image is not requested until its placeholder is clicked', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Draw a chart mock:markdown')
  await expectStatus(answer, 'done')
  const placeholder = answer.locator('button.md-image')
  await expect(placeholder).toHaveAttribute('data-host', MOCK_HOST)
  await expect(placeholder).toHaveAttribute('aria-label', new RegExp(`chart.*${MOCK_HOST.replace(/\./g, '\\.')}`))
  await expect(answer.locator('img')).toHaveCount(0)

  // Nothing is fetched on render, hover or idle.
  await placeholder.hover()
  await page.waitForTimeout(800)
  expect(await sinkRequests()).toEqual([])

  await placeholder.click()
  const image = answer.locator('img.md-image-loaded')
  await expect(image).toHaveAttribute('src', /^blob:/)
  await expect(image).toHaveAttribute('alt', 'chart')
  const requests = await sinkRequests()
  expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /__sink/img.png'])
  expect(requests[0]?.headers.cookie).toBeUndefined()
  expect(requests[0]?.headers.referer).toBeUndefined()
})

test('raw HTML and script links in an answer are shown as text and never run', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Be evil mock:xss')
  await expectStatus(answer, 'done')
  const content = answer.getByTestId('message-content')
  await expect(content).toContainText('<img src=x onerror="window.__pwn(\'img\')">')
  await expect(content).toContainText('<script>window.__pwn("script")</script>')
  await expect(content).toContainText('[click me](javascript:window.__pwn("link"))')
  await expect(page.locator('.message-list').locator('script, img, iframe, object, embed, svg:not(.md-copy svg)')).toHaveCount(0)
  await expect(content.locator('a')).toHaveCount(0)

  // The stored answer renders the same way after a reload.
  await settleSaves(page)
  await reloadAndWait(page, 2)
  await expect(page.getByTestId('message-content').last()).toContainText('<script>window.__pwn("script")</script>')
  await expect(page.locator('.message-list').locator('script, img, iframe, object, embed')).toHaveCount(0)
  await page.waitForTimeout(300)
})

test('an answer streams as Markdown: earlier blocks stay in place while the tail grows', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Slow Markdown mock:markdown:120:40')
  // Tag the heading the moment it is final (a direct child, no longer inside the open tail);
  // had it been rendered again later, the tag would be lost.
  const statusWhenTagged = await page.waitForFunction(() => {
    const message = [...document.querySelectorAll('[data-testid="message"][data-role="assistant"]')].at(-1)
    const heading = message?.querySelector('[data-testid="message-content"] > h2')
    if (!message || !heading) return null
    heading.setAttribute('data-kept', 'yes')
    return message.getAttribute('data-status')
  }, undefined, { polling: 'raf' })
  expect(await statusWhenTagged.jsonValue()).toBe('streaming')
  await expectStatus(answer, 'done', 15_000)
  await expect(answer.locator('h2[data-kept="yes"]')).toHaveCount(1)
  await expect(answer.locator('.md-tail')).toHaveCount(0)
})
