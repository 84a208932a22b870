// Shared steps for the e2e specs. The app is driven only through its data-testid contract; the
// mock provider (tests/mock/server.mjs) is reached over HTTP so its log can be asserted on.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { expect, test, type Download, type Locator, type Page } from '@playwright/test'

// Ports come from the environment so two checkouts can run their suites side by side.
export const APP_ORIGIN = `http://127.0.0.1:${process.env.E2E_APP_PORT ?? '4173'}`
export const MOCK_ORIGIN = `http://127.0.0.1:${process.env.E2E_MOCK_PORT ?? '8787'}`
export const MOCK_HOST = MOCK_ORIGIN.slice('http://'.length)

/** One request as recorded by the mock (see tests/mock/server.mjs). */
export interface MockLogEntry {
  id: number
  tag: string | null
  time: string
  method: string
  path: string
  url: string
  headers: Record<string, string>
  body: unknown
  rawBody: string | null
  scenario: string | null
  status: number | null
  sent: { content: string; reasoning: string }
  finished: boolean
  aborted: boolean
  closedAt: string | null
}

/** The body fields the specs look at. */
export interface ChatBody {
  model?: unknown
  stream?: unknown
  stream_options?: { include_usage?: unknown }
  top_k?: unknown
  messages: Array<{ role: string; content: unknown }>
  [key: string]: unknown
}

/**
 * The mock files requests made through `/t/<tag>/v1` under <tag>; each test uses its own tag so two
 * workers sharing one mock never see each other's requests.
 */
export function mockTag(): string {
  const info = test.info()
  return `${RUN}-${info.testId}-r${info.retry}-x${info.repeatEachIndex}`.replace(/[^A-Za-z0-9_-]/g, '_')
}

/** Per worker process: two runs of the suite sharing one mock (reuseExistingServer) stay apart too. */
const RUN = randomBytes(4).toString('hex')

/** Base URL of the mock for the running test. */
export function mockBaseUrl(): string {
  return `${MOCK_ORIGIN}/t/${mockTag()}/v1`
}

/** Everything the mock recorded for the running test (OPTIONS preflights included). */
export async function mockLog(): Promise<MockLogEntry[]> {
  const res = await fetch(`${MOCK_ORIGIN}/__log?tag=${encodeURIComponent(mockTag())}`)
  expect(res.ok, 'mock /__log answers').toBe(true)
  return (await res.json()) as MockLogEntry[]
}

/** Forget what the mock recorded for the running test. */
export async function mockReset(): Promise<void> {
  const res = await fetch(`${MOCK_ORIGIN}/__reset?tag=${encodeURIComponent(mockTag())}`, { method: 'POST' })
  expect(res.ok, 'mock /__reset answers').toBe(true)
}

/** The POST /v1/chat/completions requests the mock received for the running test. */
export async function chatRequests(): Promise<MockLogEntry[]> {
  return (await mockLog()).filter((e) => e.method === 'POST' && e.path === '/v1/chat/completions')
}

/** Waits until the mock has received `count` chat requests, and returns them. */
export async function waitForChatRequests(count: number): Promise<MockLogEntry[]> {
  await expect.poll(async () => (await chatRequests()).length, { message: `mock received ${count} chat request(s)` }).toBeGreaterThanOrEqual(count)
  return chatRequests()
}

/** A fresh random API key that leak checks can grep for. */
export function canaryKey(): string {
  return `sk-canary-${randomBytes(12).toString('hex')}`
}

export interface ConfigureOptions {
  provider?: string
  baseUrl?: string
  model?: string
  /** The API key; '' leaves the field empty. Default: a fresh canary. */
  apiKey?: string
  systemPrompt?: string
  idleTimeoutSeconds?: number
  exportReasoning?: boolean
  /** Navigate to the app first (default true). */
  goto?: boolean
}

export interface Configured {
  apiKey: string
  baseUrl: string
}

export async function openSettings(page: Page): Promise<void> {
  const provider = page.getByTestId('settings-provider')
  if (await provider.isVisible()) return
  // On a phone the Settings button is in the conversation drawer.
  if (!(await page.getByTestId('settings-open').isVisible())) await page.getByTestId('sidebar-toggle').click()
  await page.getByTestId('settings-open').click()
  await expect(provider).toBeVisible()
}

export async function closeSettings(page: Page): Promise<void> {
  await page.getByTestId('settings-close').click()
  await expect(page.getByTestId('settings-provider')).toBeHidden()
}

/**
 * Opens the app and points it at the mock: provider `custom`, the test's own mock base URL,
 * model `mock-model`, a canary API key. Clears the mock log afterwards.
 */
export async function configure(page: Page, opts: ConfigureOptions = {}): Promise<Configured> {
  const apiKey = opts.apiKey ?? canaryKey()
  const baseUrl = opts.baseUrl ?? mockBaseUrl()
  if (opts.goto !== false) {
    await page.goto('/')
    await expect(page.getByTestId('composer-input')).toBeVisible()
  }
  await openSettings(page)
  await page.getByTestId('settings-provider').selectOption(opts.provider ?? 'custom')
  await page.getByTestId('settings-base-url').fill(baseUrl)
  await page.getByTestId('settings-model').fill(opts.model ?? 'mock-model')
  await page.getByTestId('settings-api-key').fill(apiKey)
  if (opts.systemPrompt !== undefined) await page.getByTestId('settings-system-prompt').fill(opts.systemPrompt)
  if (opts.idleTimeoutSeconds !== undefined) await page.getByTestId('settings-idle-timeout').fill(String(opts.idleTimeoutSeconds))
  if (opts.exportReasoning !== undefined) await page.getByTestId('settings-export-reasoning').setChecked(opts.exportReasoning)
  await closeSettings(page)
  await mockReset()
  return { apiKey, baseUrl }
}

export function messages(page: Page): Locator {
  return page.getByTestId('message')
}

export function userMessages(page: Page): Locator {
  return page.locator('[data-testid="message"][data-role="user"]')
}

export function answers(page: Page): Locator {
  return page.locator('[data-testid="message"][data-role="assistant"]')
}

/** The newest answer in the open conversation. */
export function lastAnswer(page: Page): Locator {
  return answers(page).last()
}

export function lastQuestion(page: Page): Locator {
  return userMessages(page).last()
}

/**
 * Types `text` into the composer and clicks Send; waits until the question and its answer are
 * shown. Returns the answer, pinned by position (it stays that answer after later sends).
 */
export async function send(page: Page, text: string): Promise<Locator> {
  const before = await userMessages(page).count()
  await page.getByTestId('composer-input').fill(text)
  await page.getByTestId('composer-send').click()
  await expect(userMessages(page)).toHaveCount(before + 1)
  await expect(answers(page)).toHaveCount(before + 1)
  return answers(page).nth(before)
}

/** Exact text of a part of a message (`message-content`, `message-reasoning`, `message-error`). */
export async function partText(message: Locator, part: 'message-content' | 'message-reasoning' | 'message-error'): Promise<string> {
  const el = message.getByTestId(part)
  if ((await el.count()) === 0) return ''
  return el.evaluate((node) => node.textContent ?? '')
}

export async function contentOf(message: Locator): Promise<string> {
  return partText(message, 'message-content')
}

/**
 * The characters of a text as a reader sees them, Markdown syntax and all whitespace removed, so a
 * rendered answer (paragraphs, lists, bold, code) compares equal to the raw text the mock sent. Raw
 * text is compared exactly where it is observable as such: request bodies and conversation.txt.
 */
export function visibleText(text: string): string {
  return text
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
    .replace(/^[ \t]*[-*+][ \t]+/gm, '')
    .replace(/\*\*|__|`/g, '')
    // Rendered blocks (<p>, <li>, <h2>) sit side by side in textContent with no whitespace between.
    .replace(/\s+/g, '')
}

/** Shown text (from the DOM) matches the raw text, whether the app renders Markdown or not. */
export function expectSameText(shown: string, raw: string | undefined, what = 'shown text'): void {
  expect(raw, `${what}: the raw text exists`).toBeDefined()
  if (shown === raw) return
  expect(visibleText(shown), `${what} (compared as visible words)`).toBe(visibleText(raw ?? ''))
}

export async function expectStatus(message: Locator, status: string, timeout?: number): Promise<void> {
  await expect(message).toHaveAttribute('data-status', status, timeout === undefined ? undefined : { timeout })
}

/**
 * The app saves a streaming answer a few times a second and at its end; give that write time to
 * commit before a reload that is meant to test durability rather than the save throttle.
 */
export async function settleSaves(page: Page): Promise<void> {
  await page.waitForTimeout(400)
}

/** Reload and wait until the open conversation's messages are back. */
export async function reloadAndWait(page: Page, expectedMessages: number): Promise<void> {
  await page.reload()
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await expect(messages(page)).toHaveCount(expectedMessages)
}

/** A snapshot of the visible state of a message, for before/after-reload comparisons. */
export async function snapshotMessage(message: Locator): Promise<{ role: string | null; status: string | null; content: string; reasoning: string; error: string }> {
  return {
    role: await message.getAttribute('data-role'),
    status: await message.getAttribute('data-status'),
    content: await partText(message, 'message-content'),
    reasoning: await partText(message, 'message-reasoning'),
    error: await partText(message, 'message-error'),
  }
}

/** Clicks export-txt and returns the downloaded file. */
export async function exportTxt(page: Page): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-txt').click()])
  const path = await download.path()
  return { download, text: await readFile(path, 'utf8') }
}

/**
 * Records the length of the newest answer's content at every DOM mutation, so a test can prove
 * the text grew in several steps while the status was `streaming`.
 */
export async function recordAnswerGrowth(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __growth: Array<{ len: number; status: string; stop: boolean }> }
    w.__growth = []
    const sample = (): void => {
      const all = document.querySelectorAll('[data-testid="message"][data-role="assistant"]')
      const last = all[all.length - 1]
      if (!last) return
      const content = last.querySelector('[data-testid="message-content"]')
      w.__growth.push({
        len: content?.textContent?.length ?? 0,
        status: last.getAttribute('data-status') ?? '',
        stop: document.querySelector('[data-testid="composer-stop"]') !== null,
      })
    }
    new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
  })
}

export async function answerGrowth(page: Page): Promise<Array<{ len: number; status: string; stop: boolean }>> {
  return page.evaluate(() => (window as unknown as { __growth: Array<{ len: number; status: string; stop: boolean }> }).__growth)
}

interface Watch {
  egress: string[]
  dialogs: string[]
  pageErrors: string[]
  console: string[]
  requests: Array<{ url: string; method: string; headers: Record<string, string>; postData: string | null }>
}

const watches = new WeakMap<Page, Watch>()

/**
 * Starts watching a page: any request leaving 127.0.0.1, any native dialog (the app must use its
 * own confirm dialog) and any call of the `__pwn` canary that injected markup could make.
 */
export async function watchPage(page: Page): Promise<Watch> {
  const watch: Watch = { egress: [], dialogs: [], pageErrors: [], console: [], requests: [] }
  watches.set(page, watch)
  await page.addInitScript(() => {
    const w = window as unknown as { __pwned: string[]; __pwn: (why?: string) => void }
    w.__pwned = []
    w.__pwn = (why?: string) => {
      w.__pwned.push(String(why ?? 'called'))
    }
  })
  page.context().on('request', (req) => {
    const url = req.url()
    watch.requests.push({ url, method: req.method(), headers: req.headers(), postData: req.postData() })
    if (!/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:|about:)/.test(url)) watch.egress.push(url)
  })
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  page.on('pageerror', (err) => watch.pageErrors.push(err.message))
  page.on('console', (msg) => watch.console.push(msg.text()))
  return watch
}

export function watchOf(page: Page): Watch {
  const watch = watches.get(page)
  if (!watch) throw new Error('watchPage(page) was not called')
  return watch
}

/** The checks every spec ends with. */
export async function expectCleanPage(page: Page): Promise<void> {
  const watch = watchOf(page)
  expect(watch.egress, 'requests that left 127.0.0.1').toEqual([])
  expect(watch.dialogs, 'native dialogs opened by the app').toEqual([])
  expect(watch.pageErrors, 'uncaught page errors').toEqual([])
  if (!page.isClosed()) {
    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned ?? [])
    expect(pwned, 'injected script ran').toEqual([])
  }
}
