import { test, expect, type Locator, type Page } from '@playwright/test'
import { APP_ORIGIN, configure, contentOf, expectCleanPage, expectStatus, MOCK_HOST, mockLog, reloadAndWait, send, settleSaves, watchOf, watchPage } from './helpers'

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

/**
 * Hover-like event listeners the app's scripts added to `target`, its ancestors, the document or
 * the window (Playwright's own injected scripts listen too; they are told apart by script URL).
 */
async function hoverListeners(page: Page, target: Locator): Promise<string[]> {
  await target.evaluate((el) => {
    const chain: Array<Node | Window> = []
    for (let node: Node | null = el; node; node = node.parentNode) chain.push(node)
    chain.push(window)
    ;(window as unknown as { __hoverChain: unknown[] }).__hoverChain = chain
  })
  const cdp = await page.context().newCDPSession(page)
  const scriptUrls = new Map<string, string>()
  cdp.on('Debugger.scriptParsed', (script) => scriptUrls.set(script.scriptId, script.url))
  try {
    // Enabling the debugger reports every script already parsed.
    await cdp.send('Debugger.enable')
    const found: string[] = []
    const { result: length } = await cdp.send('Runtime.evaluate', { expression: 'window.__hoverChain.length', returnByValue: true })
    for (let i = 0; i < (length.value as number); i++) {
      const { result } = await cdp.send('Runtime.evaluate', { expression: `window.__hoverChain[${i}]` })
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! })
      for (const { type, scriptId } of listeners) {
        const url = scriptUrls.get(scriptId) ?? ''
        if (/^(mouse|pointer)(over|enter|move)$/.test(type) && url.startsWith(APP_ORIGIN)) found.push(`${result.description ?? i}: ${type} (${url})`)
      }
    }
    return found
  } finally {
    await page.evaluate(() => delete (window as unknown as { __hoverChain?: unknown }).__hoverChain)
    await cdp.detach()
  }
}

test('a remote image is not requested until its placeholder is clicked', async ({ page }) => {
  await configure(page)
  const answer = await send(page, 'Draw a chart mock:markdown')
  await expectStatus(answer, 'done')
  const placeholder = answer.locator('button.md-image')
  await expect(placeholder).toHaveAttribute('data-host', MOCK_HOST)
  await expect(placeholder).toHaveAttribute('aria-label', new RegExp(`chart.*${MOCK_HOST.replace(/\./g, '\\.')}`))
  await expect(answer.locator('img')).toHaveCount(0)

  // Nothing is fetched on render, hover or idle. Instead of watching for a while: nothing on the
  // placeholder's path to the window listens for hover at all, so no hover (however long) can
  // start a fetch; and after the hover the page went idle (an idle callback ran) without one.
  expect(await hoverListeners(page, placeholder), 'hover listeners from the placeholder up to the window').toEqual([])
  await placeholder.hover()
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestIdleCallback(() => resolve()))))
  expect(await sinkRequests()).toEqual([])
  expect(watchOf(page).requests.filter((r) => r.url.includes('/__sink/')), 'requests the page issued for the image').toEqual([])

  // The click is the barrier: a fetch started on render, hover or idle left before this one, so
  // once the image is shown the mock would have logged it too.
  await placeholder.click()
  const image = answer.locator('img.md-image-loaded')
  await expect(image).toHaveAttribute('src', /^blob:/)
  await expect(image).toHaveAttribute('alt', 'chart')
  const requests = await sinkRequests()
  expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /__sink/img.png'])
  expect(watchOf(page).requests.filter((r) => r.url.includes('/__sink/')).map((r) => r.method)).toEqual(['GET'])
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

  // The stored answer renders the same way after a reload. Instead of waiting a while for an
  // injected handler to run, wait until the answer is rendered Markdown (not the plain text a
  // message shows before that), then check that nothing in it could run: no script, no element
  // that loads, no link, no inline handler attribute. afterEach then checks __pwn was never called.
  await settleSaves(page)
  await reloadAndWait(page, 2)
  const reloaded = page.getByTestId('message-content').last()
  await expect(reloaded).not.toHaveClass(/md-plain/)
  await expect(reloaded.locator('p').first()).toBeAttached()
  await expect(reloaded).toContainText('<script>window.__pwn("script")</script>')
  await expect(page.locator('.message-list').locator('script, img, iframe, object, embed')).toHaveCount(0)
  await expect(reloaded.locator('a')).toHaveCount(0)
  const handlers = await page.locator('.message-list').evaluate((list) =>
    [...list.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`)),
  )
  expect(handlers, 'inline event handler attributes in the message list').toEqual([])
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
