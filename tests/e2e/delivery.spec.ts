// Issue 11: the hosted page from any static host and path, offline after a first visit, updates that
// never cut an answer off, and the single file (dist-single/index.html) from file:// and from a host.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test, expect, type Page } from '@playwright/test'
import {
  MOCK_ORIGIN,
  answers,
  closeSettings,
  configure,
  expectCleanPage,
  expectStatus,
  messages,
  openSettings,
  send,
  watchOf,
  watchPage,
} from './helpers'
import { serveStatic, type StaticHost } from './staticServer'

const DIST = resolve(import.meta.dirname, '../../dist')
const SINGLE = resolve(import.meta.dirname, '../../dist-single/index.html')
const SUB_PATH = '/team/tools/inkstream/'

let host: StaticHost
let opened: StaticHost | undefined
test.afterEach(async () => {
  await opened?.close()
  opened = undefined
})

async function serve(root: string, prefix: string): Promise<StaticHost> {
  opened = host = await serveStatic(root, prefix)
  return host
}

/** Opens the app at `url` and points it at the mock. */
async function openAndConfigure(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await expect(page.getByTestId('composer-input')).toBeEnabled()
  await configure(page, { goto: false })
}

/** Waits until the service worker of this page's scope is active (its precache complete). */
async function workerReady(page: Page): Promise<string> {
  return page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
}

async function hasWaitingWorker(page: Page): Promise<boolean> {
  return page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))
}

test('served from a sub-path of a plain static host (no SPA fallback), the app chats and reloads', async ({ page }) => {
  await serve(DIST, SUB_PATH)
  await watchPage(page)
  await openAndConfigure(page, host.url)
  await expectStatus(await send(page, 'Hello from a sub-path'), 'done')
  await page.reload()
  await expect(messages(page)).toHaveCount(2)
  await expectStatus(answers(page).last(), 'done')

  // Everything came from under the sub-path, and the worker's scope is that folder, not the host.
  expect(host.requested.length).toBeGreaterThan(3)
  expect(await workerReady(page)).toBe(host.url)
  const manifest = await page.locator('link[rel="manifest"]').getAttribute('href')
  const parsed = (await (await page.request.get(new URL(manifest ?? '', host.url).href)).json()) as { start_url: string; icons: unknown[] }
  expect(parsed.start_url).toBe('./')
  expect(parsed.icons.length).toBeGreaterThanOrEqual(2)
  await expectCleanPage(page)
})

test('after a first visit, an offline reload shows the app with its history, and sending says it needs a connection', async ({ context, page }) => {
  await serve(DIST, SUB_PATH)
  await watchPage(page)
  await openAndConfigure(page, host.url)
  const answer = await send(page, 'Show me Markdown mock:markdown')
  await expectStatus(answer, 'done')
  await workerReady(page)

  await context.setOffline(true)
  await expect(page.getByTestId('offline-notice')).toContainText('sending a question needs a connection')
  // (Chromium's offline emulation does not carry navigator.onLine into the reloaded document, so the
  // notice is checked above; what a reload must show is the app and its history.)
  await page.reload()
  await expect(messages(page)).toHaveCount(2)
  // The lazy chunks come from the worker's cache: Markdown, a highlighted language, math, Settings.
  const content = answers(page).last().getByTestId('message-content')
  await expect(content.locator('h2')).toHaveText('Fibonacci 斐波那契')
  await expect(content.locator('.md-code[data-lang="python"] code .hljs-keyword').first()).toHaveText('def')
  await expect(content.locator('.katex')).toHaveCount(2)
  await openSettings(page)
  await expect(page.getByTestId('backup-export')).toBeVisible()
  await closeSettings(page)

  // Sending cannot work: the question stays and the answer says why.
  const failed = await send(page, 'Are you there?')
  await expectStatus(failed, 'error')
  await expect(failed.getByTestId('message-error')).toContainText('Could not reach')
  await expect(messages(page)).toHaveCount(4)

  await context.setOffline(false)
  await expect(page.getByTestId('offline-notice')).toBeHidden()
  await expectCleanPage(page)
})

test('the service worker never answers or caches an API request', async ({ page }) => {
  await serve(DIST, SUB_PATH)
  await watchPage(page)
  await openAndConfigure(page, host.url)
  await workerReady(page)
  // A page the worker controls (the first one was loaded before it existed).
  await page.reload()
  await expect(page.getByTestId('composer-input')).toBeEnabled()
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)

  const apiResponses: Array<{ url: string; fromWorker: boolean }> = []
  page.on('response', (response) => {
    if (response.url().startsWith(MOCK_ORIGIN)) apiResponses.push({ url: response.url(), fromWorker: response.fromServiceWorker() })
  })
  await expectStatus(await send(page, 'Through the worker?'), 'done')
  expect(apiResponses.length).toBeGreaterThan(0)
  expect(apiResponses.filter((r) => r.fromWorker)).toEqual([])
  // Nothing the worker fetched itself went to the API, and its caches hold only the app's files.
  const workerRequests = watchOf(page).requests.map((r) => r.url).filter((url) => url.startsWith(MOCK_ORIGIN))
  expect(workerRequests.length).toBe(apiResponses.length)
  const cached = await page.evaluate(async () => {
    const urls: string[] = []
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(request.url)
    return urls
  })
  expect(cached.length).toBeGreaterThan(10)
  expect(cached.filter((url) => !url.startsWith(host.url))).toEqual([])
  await expectCleanPage(page)

  // Another page the host keeps in the same folder is the host's, not replaced by the app.
  const other = await page.goto(`${host.url}notes/readme.html`)
  expect(other?.status()).toBe(404)
  expect(other?.fromServiceWorker()).toBe(false)
})

test('a new version is offered while nothing streams, and waits while an answer streams', async ({ page }) => {
  await serve(DIST, SUB_PATH)
  await watchPage(page)
  await openAndConfigure(page, host.url)
  await workerReady(page)
  // The first visit's page is controlled once the worker is active, so an update has to wait for it.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
  await expect(page.getByTestId('update-prompt')).toBeHidden()

  const answer = await send(page, 'Take your time mock:slow:40:100')
  await expectStatus(answer, 'streaming')
  // A new deployment: a changed sw.js. The page learns of it on its next update check.
  host.override('sw.js', `${await readFile(resolve(DIST, 'sw.js'), 'utf8')}\n// the next deployment\n`)
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update()
  })
  await expect.poll(() => hasWaitingWorker(page), { message: 'the new version is installed and waiting' }).toBe(true)
  await expect(answer).toHaveAttribute('data-status', 'streaming')
  await expect(page.getByTestId('update-prompt')).toBeHidden()

  // The answer ends undisturbed, and only then is the update offered.
  await expectStatus(answer, 'done', 15_000)
  await expect(page.getByTestId('update-prompt')).toContainText('new version')
  const reloaded = page.waitForEvent('load')
  await page.getByTestId('update-reload').click()
  await reloaded
  await expect(messages(page)).toHaveCount(2)
  await expectStatus(answers(page).last(), 'done')
  expect(await hasWaitingWorker(page)).toBe(false)
  await expect(page.getByTestId('update-prompt')).toBeHidden()
  await expectCleanPage(page)
})

test('the single file is self-contained and its policy allows only its own script, by hash', async () => {
  const html = await readFile(SINGLE, 'utf8')
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? ''
  const scriptSrc = /(?:^|; )script-src ([^;]+)/.exec(policy)?.[1] ?? ''
  expect(scriptSrc).toMatch(/^'sha256-[A-Za-z0-9+/=]+'$/)
  expect(policy).not.toContain('unsafe-eval')
  expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/)
  // One script element (the bundled code itself mentions "<script" in its HTML grammars).
  expect(html.match(/<script type="module">/g)).toHaveLength(1)
  expect(html).not.toMatch(/<script[^>]*\ssrc=/)
  // No file to fetch: every src/href of the page's own elements is inline data.
  const markup = html.replace(/<script type="module">[\s\S]*<\/script>/, '').replace(/<style>[\s\S]*<\/style>/, '')
  expect(markup).toContain('<link rel="icon" href="data:image/svg+xml;base64,')
  expect(markup.match(/\s(?:src|href)="(?!data:)[^"]*"/g)).toBeNull()
})

for (const where of ['file://', 'a plain host'] as const) {
  test(`the single file chats with Markdown, code and math when opened from ${where}`, async ({ page }) => {
    let url = pathToFileURL(SINGLE).href
    if (where === 'a plain host') {
      await serve(resolve(SINGLE, '..'), '/anywhere/')
      url = `${host.url}index.html`
    }
    const watch = await watchPage(page)
    await openAndConfigure(page, url)
    const answer = await send(page, 'Show me Markdown mock:markdown')
    await expectStatus(answer, 'done')
    const content = answer.getByTestId('message-content')
    await expect(content.locator('h2')).toHaveText('Fibonacci 斐波那契')
    await expect(content.locator('.md-code[data-lang="python"] code .hljs-keyword').first()).toHaveText('def')
    await expect(content.locator('.katex')).toHaveCount(2)
    await page.reload()
    await expect(messages(page)).toHaveCount(2)

    // The page asked for nothing but itself and the API, and its policy refused nothing.
    expect(watch.requests.map((r) => r.url).filter((u) => u !== url && !u.startsWith(MOCK_ORIGIN) && !u.startsWith('data:'))).toEqual([])
    expect(watch.console.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([])
    expect(watch.pageErrors).toEqual([])
    expect(await page.evaluate(() => navigator.serviceWorker?.controller ?? null)).toBeNull()
  })
}
