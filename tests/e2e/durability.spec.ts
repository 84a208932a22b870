// Issue 4, "Done when": crash safety, rapid reloads, an upgrade with an old tab open, a tiny quota and
// storage that cannot open, proven in Chromium. Threat model tests 17–23 and 27.
// Multi-tab consistency lives in tabs.spec.ts.
import { readFile } from 'node:fs/promises'
import { test, expect, type BrowserContext, type Locator, type Page } from '@playwright/test'
import {
  answers,
  APP_ORIGIN,
  chatRequests,
  closeSettings,
  configure,
  contentOf,
  expectCleanPage,
  expectSameText,
  expectStatus,
  lastAnswer,
  messages,
  openSettings,
  send,
  settleSaves,
  snapshotMessage,
  userMessages,
  visibleText,
  watchPage,
} from './helpers'

/** The app checkpoints a growing answer every 300 ms; allow one interval plus the commit. */
const MAX_LOSS_MS = 500

const items = (page: Page) => page.getByTestId('conversation-item')
const storageError = (page: Page) => page.getByTestId('storage-error')

/** Opens the app and waits until history has loaded (the composer is disabled until then). */
async function openApp(page: Page): Promise<void> {
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeEnabled()
}

interface DbDump {
  version: number
  conversations: Array<Record<string, unknown>>
  messages: Array<Record<string, unknown>>
  kv: Array<[IDBValidKey, unknown]>
}

/**
 * Everything in the app's database, read straight from IndexedDB in the page (a second connection,
 * closed at once). Only call it once the app has created the database: opening without a version
 * would otherwise create an empty one.
 */
async function dumpDb(page: Page): Promise<DbDump> {
  return page.evaluate(async () => {
    const req = <T,>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
    const open = indexedDB.open('inkstream')
    open.onupgradeneeded = () => open.transaction?.abort()
    const db = await req(open)
    try {
      const tx = db.transaction(['conversations', 'messages', 'kv'], 'readonly')
      const [conversations, messages, keys, values] = await Promise.all([
        req(tx.objectStore('conversations').getAll()),
        req(tx.objectStore('messages').getAll()),
        req(tx.objectStore('kv').getAllKeys()),
        req(tx.objectStore('kv').getAll()),
      ])
      return {
        version: db.version,
        conversations: conversations as Array<Record<string, unknown>>,
        messages: messages as Array<Record<string, unknown>>,
        kv: keys.map((k, i) => [k, values[i]] as [IDBValidKey, unknown]),
      }
    } finally {
      db.close()
    }
  })
}

/** Every conversation (sidebar order) with a snapshot of each of its messages, as the UI shows them. */
async function everything(page: Page) {
  const out = []
  const count = await items(page).count()
  for (let i = 0; i < count; i++) {
    await items(page).nth(i).click()
    await expect(items(page).nth(i)).toHaveAttribute('data-active', 'true')
    await expect(messages(page).first()).toBeVisible()
    const title = (await items(page).nth(i).innerText()).trim()
    // The list shows this conversation's messages once its first question is the one the title came from.
    await expect(userMessages(page).first()).toContainText(title.slice(0, 10))
    out.push({ title, messages: await Promise.all((await messages(page).all()).map(snapshotMessage)) })
  }
  return out
}

async function newConversationWith(page: Page, question: string): Promise<void> {
  if ((await messages(page).count()) > 0) {
    await page.getByTestId('conversation-new').click()
    await expect(messages(page)).toHaveCount(0)
  }
  await expectStatus(await send(page, question), 'done')
}

// ---------------------------------------------------------------------------------------------
// 1. Crash safety (threat model 23)
// ---------------------------------------------------------------------------------------------

interface Sample {
  /** When the text was certainly on screen (after the read returned). */
  at: number
  text: string
}

const words = (text: string) => (text.match(/\S+/g) ?? []).length

/**
 * Reads the streaming answer until at least `minChunks` of its one-word chunks are shown and it has
 * been read with text for longer than the allowed loss; returns every reading with the time it was on
 * screen.
 */
async function sampleUntil(answer: Locator, minChunks: number): Promise<Sample[]> {
  const samples: Sample[] = []
  const deadline = Date.now() + 15_000
  for (;;) {
    const text = await contentOf(answer)
    const at = Date.now()
    samples.push({ at, text })
    const firstWithText = samples.find((s) => words(s.text) > 0)
    if (words(text) >= minChunks && firstWithText && at - firstWithText.at > MAX_LOSS_MS + 100) return samples
    expect(at, `${minChunks} chunks shown in time`).toBeLessThan(deadline)
    expect(await answer.getAttribute('data-status'), 'the answer is still streaming').toBe('streaming')
  }
}

/** The latest reading taken at least MAX_LOSS_MS before `killedAt`: what must survive. */
function mustSurvive(samples: Sample[], killedAt: number): string {
  const before = samples.filter((s) => s.at <= killedAt - MAX_LOSS_MS)
  const last = before.at(-1)
  expect(last, `a reading at least ${MAX_LOSS_MS} ms before the crash`).toBeDefined()
  expect(visibleText(last!.text).length, 'the answer had text by then (the bound is not vacuous)').toBeGreaterThan(0)
  return last!.text
}

async function expectRecovered(context: BrowserContext, question: string, survive: string): Promise<Page> {
  const next = await context.newPage()
  await watchPage(next)
  await openApp(next)
  await expect(items(next)).toHaveCount(1)
  await expect(messages(next)).toHaveCount(2)
  expect(await contentOf(userMessages(next).first()), 'the question was saved before the request left').toBe(question)
  const answer = lastAnswer(next)
  // The dead tab's stream lock is released by the browser; until then the answer may still show as live.
  await expectStatus(answer, 'interrupted', 10_000)
  const kept = visibleText(await contentOf(answer))
  expect(kept.startsWith(visibleText(survive)), `kept text (${kept.length} chars) holds everything shown ${MAX_LOSS_MS} ms before the end (${visibleText(survive).length} chars)`).toBe(true)
  const [request] = await chatRequests()
  expect(visibleText(request?.sent.content ?? '').startsWith(kept), 'kept text is a prefix of what the mock sent').toBe(true)
  expect(request?.finished, 'the stream did not finish (the test killed it mid-way)').toBe(false)

  // No orphaned or duplicated records; the list and the message store agree.
  const db = await dumpDb(next)
  expect(db.conversations).toHaveLength(1)
  const id = db.conversations[0]!.id
  const records = [...db.messages].sort((a, b) => Number(a.seq) - Number(b.seq))
  expect(records.map((m) => [m.conversationId, m.seq, m.role, m.status])).toEqual([
    [id, 0, 'user', 'done'],
    [id, 1, 'assistant', 'interrupted'],
  ])
  return next
}

test('a renderer crash mid-stream keeps the question and the answer up to the last save, marked interrupted', async ({ context, page }) => {
  await configure(page)
  const question = 'Crash in the middle mock:slow:200:50'
  const answer = await send(page, question)
  const samples = await sampleUntil(answer, 20)

  const cdp = await context.newCDPSession(page)
  const crashed = page.waitForEvent('crash')
  const killedAt = Date.now()
  void cdp.send('Page.crash').catch(() => {})
  await crashed
  const survive = mustSurvive(samples, killedAt)

  const next = await expectRecovered(context, question, survive)
  await expectCleanPage(next)
})

test('closing the tab mid-stream keeps the question and the answer up to the last save, marked interrupted', async ({ context, page }) => {
  await configure(page)
  const question = 'Close in the middle mock:slow:200:50'
  const answer = await send(page, question)
  const samples = await sampleUntil(answer, 20)

  const killedAt = Date.now()
  await page.close({ runBeforeUnload: false })
  const survive = mustSurvive(samples, killedAt)

  const next = await expectRecovered(context, question, survive)
  await expectCleanPage(next)
})

// Issue 4 part 1 / threat model 23: "a one-click continue/retry is offered" on an interrupted answer.
test('an answer interrupted by a crash offers Retry, which keeps the cut-off text as an earlier version', async ({ context, page }) => {
  await configure(page)
  const answer = await send(page, 'Retry after a crash mock:slow:200:20')
  await sampleUntil(answer, 10) // shown for longer than one save interval
  const cdp = await context.newCDPSession(page)
  const crashed = page.waitForEvent('crash')
  void cdp.send('Page.crash').catch(() => {})
  await crashed

  const next = await context.newPage()
  await watchPage(next)
  await openApp(next)
  await expectStatus(lastAnswer(next), 'interrupted', 10_000)
  const cut = await contentOf(lastAnswer(next))
  const retry = lastAnswer(next).getByTestId('message-retry')
  await expect(retry, 'a Retry control on the interrupted answer').toBeVisible()
  await retry.click()
  await expectStatus(lastAnswer(next), 'done', 15_000)
  expect(await chatRequests()).toHaveLength(2)
  await expect(messages(next)).toHaveCount(2)
  const versions = await next.evaluate(async () => {
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error) })
    const db = await req(indexedDB.open('inkstream'))
    const all = (await req(db.transaction('messages').objectStore('messages').getAll())) as Array<{ role: string; seq: number; status: string; content: string }>
    db.close()
    return all.filter((m) => m.role === 'assistant').sort((a, b) => a.seq - b.seq).map((m) => ({ status: m.status, content: m.content }))
  })
  expect(versions.map((v) => v.status)).toEqual(['interrupted', 'done'])
  expect(visibleText(versions[0]!.content)).toBe(visibleText(cut))
  // The cut-off text is the older version of the answer, one click away.
  await expect(lastAnswer(next).getByTestId('message-version')).toHaveText('2/2')
  await lastAnswer(next).getByTestId('message-version-prev').click()
  await expectStatus(lastAnswer(next), 'interrupted')
  expect(await contentOf(lastAnswer(next))).toBe(cut)
  await expectCleanPage(next)
})

// ---------------------------------------------------------------------------------------------
// 2. Rapid reloads never wipe history (threat model 17)
// ---------------------------------------------------------------------------------------------

/**
 * Reloads a page that may itself still be loading. Chromium sometimes reports the page as detached
 * while the previous navigation swaps documents ("Not attached to an active page"): that is the
 * protocol catching up, not the app, so the reload is simply issued again. A reload issued while
 * another is committing can also never report its commit (seen on a loaded machine); it is
 * issued again after a few seconds rather than waiting out the whole test.
 */
async function reloadDuringLoad(page: Page): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await page.reload({ waitUntil: 'commit', timeout: 5_000 })
      return
    } catch (error) {
      if (attempt >= 3 || !/not attached|detached|interrupted|destroyed|timeout/i.test(String(error))) throw error
      await page.waitForTimeout(50)
    }
  }
}

test('three quick reloads and a tab closed while loading change nothing that was saved', async ({ context, page }) => {
  // Five page loads and three conversations: about 10 s alone, three times that beside a heavy test on 2 cores.
  test.setTimeout(60_000)
  await watchPage(page)
  await configure(page)
  await newConversationWith(page, 'First saved conversation')
  await newConversationWith(page, 'Second saved conversation')
  await expectStatus(await send(page, 'Second, follow-up'), 'done')
  await newConversationWith(page, 'Third saved conversation')
  await settleSaves(page)
  const shown = await everything(page)
  expect(shown.map((c) => c.messages.length).sort()).toEqual([2, 2, 4])
  const before = await dumpDb(page)
  expect(before.conversations).toHaveLength(3)
  expect(before.messages).toHaveLength(8)

  // Each reload cuts the previous load short.
  for (let i = 0; i < 3; i++) await reloadDuringLoad(page)
  // Another tab closed while it is still loading.
  const other = await context.newPage()
  await other.goto('/', { waitUntil: 'commit' })
  await other.close({ runBeforeUnload: false })
  await reloadDuringLoad(page)
  await expect(page.getByTestId('composer-input')).toBeEnabled()

  await expect(items(page)).toHaveCount(3)
  expect(await dumpDb(page), 'the database is exactly as before, settings included').toEqual(before)
  expect(await everything(page)).toEqual(shown)
  await expectCleanPage(page)
})

// ---------------------------------------------------------------------------------------------
// 4. Upgrade with an old tab open (threat model 18, 19)
// ---------------------------------------------------------------------------------------------

test('a newer build upgrading the database is not blocked by an open tab, which asks to reload; the old build then says the history is newer', async ({ context, page }) => {
  await watchPage(page)
  await configure(page)
  await expectStatus(await send(page, 'Saved before the upgrade'), 'done')
  await settleSaves(page)
  const before = await dumpDb(page)

  // A newer build in another tab (any document of the same origin) opens the database one version up.
  const newer = await context.newPage()
  await newer.goto('/favicon.svg')
  const upgrade = await newer.evaluate(async () => {
    const events: string[] = []
    const outcome = await new Promise<{ version?: number; error?: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ error: 'hung: the open never finished' }), 5000)
      const request = indexedDB.open('inkstream', 4)
      request.onblocked = () => events.push('blocked')
      request.onupgradeneeded = (event) => {
        events.push(`upgrade ${event.oldVersion}→${event.newVersion}`)
        request.result.createObjectStore('added-in-v4')
      }
      request.onsuccess = () => {
        clearTimeout(timer)
        const db = request.result
        const version = db.version
        db.close()
        resolve({ version })
      }
      request.onerror = () => {
        clearTimeout(timer)
        resolve({ error: String(request.error) })
      }
    })
    return { ...outcome, events }
  })
  expect(upgrade, 'the upgrade went through at once: the old tab let go of its connection').toEqual({ version: 4, events: ['upgrade 3→4'] })

  // The old tab says why it stopped saving and offers a reload; what it shows is still there.
  await expect(storageError(page)).toBeVisible()
  await expect(storageError(page)).toContainText(/updated in another tab/i)
  await expect(storageError(page)).toContainText(/reload/i)
  await expect(messages(page)).toHaveCount(2)
  const reload = storageError(page).getByRole('button', { name: 'Reload' })
  await expect(reload).toBeVisible()

  // This build (schema 3) now meets a database of schema 4: a clear message, not a silent empty history.
  await reload.click()
  await expect(storageError(page)).toBeVisible()
  await expect(storageError(page)).toContainText(/newer version of Inkstream/i)
  await expect(storageError(page)).toContainText(/will not be saved/i)
  await expect(page.getByTestId('composer-input')).toBeEnabled()

  // Nothing was lost on the way.
  const after = await dumpDb(newer)
  expect(after.version).toBe(4)
  expect(after.conversations).toEqual(before.conversations)
  expect(after.messages).toEqual(before.messages)
  await expectCleanPage(page)
})

// ---------------------------------------------------------------------------------------------
// 5. Tiny quota (threat model 20)
// ---------------------------------------------------------------------------------------------

// The quota override is not reported by navigator.storage.estimate(), so the app cannot know to skip
// its offline copy (as it does when real storage is nearly full), and the service worker's first
// download would take the 60 kB before the history could. This test is about the history.
test.describe('with a tiny quota', () => {
  test.use({ serviceWorkers: 'block' })

  test('a full storage is reported, the answer stays usable and exportable in memory, nothing saved before changes, and saving can be retried', async ({ context, page }) => {
    await watchPage(page)
    // Chromium's IndexedDB caches the space the quota manager grants a bucket for up to 30 s
    // (BucketContext::kBucketSpaceCacheTimeLimit), so a quota lowered after the first write is only
    // enforced once that grant runs out. The tiny quota is therefore set before anything is stored:
    // room for settings and a short conversation (~20 KB), not for a 10 000-word answer (~70 KB a save).
    const cdp = await context.newCDPSession(page)
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: APP_ORIGIN, quotaSize: 60_000 })
    await configure(page)
    await expectStatus(await send(page, 'Saved before the disk filled up'), 'done')
    await settleSaves(page)
    await expect(storageError(page), 'the first conversation fits').toBeHidden()
    const before = await dumpDb(page)
    const firstShown = await everything(page)

    await page.getByTestId('conversation-new').click()
    await expect(messages(page)).toHaveCount(0)
    const question = 'Fill the disk mock:long:10000'
    const answer = await send(page, question)
    await expectStatus(answer, 'done', 20_000)
    await expect(storageError(page)).toBeVisible()
    await expect(storageError(page)).toContainText(/storage .*is full/i)
    await expect(storageError(page)).toContainText(/nothing saved before is lost/i)
    const request = (await chatRequests()).at(-1)
    expect(request?.finished, 'the long answer arrived whole').toBe(true)
    const sent = request?.sent.content ?? ''
    expect(sent.endsWith('w10000 ')).toBe(true)
    expectSameText(await contentOf(answer), sent, 'the whole answer is shown')

    // The banner's download holds the conversation that could not be saved.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      storageError(page).getByRole('button', { name: 'Download conversation.txt' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('conversation.txt')
    const text = await readFile(await download.path(), 'utf8')
    expect(text).toContain(question)
    expect(text).toContain(sent.trimEnd())

    // Space is freed: “Try saving again” writes what failed and the warning goes away.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: APP_ORIGIN })
    await storageError(page).getByRole('button', { name: 'Try saving again' }).click()
    await expect(storageError(page)).toBeHidden()

    await page.reload()
    await expect(page.getByTestId('composer-input')).toBeEnabled()
    await expect(items(page)).toHaveCount(2)
    const after = await dumpDb(page)
    const firstId = before.conversations[0]!.id
    expect(after.conversations.find((c) => c.id === firstId), 'the earlier conversation is unchanged').toEqual(before.conversations[0])
    expect(after.messages.filter((m) => m.conversationId === firstId)).toEqual(before.messages)
    await items(page).filter({ hasText: 'Fill the disk' }).click()
    await expect(messages(page)).toHaveCount(2)
    await expectStatus(lastAnswer(page), 'done')
    expectSameText(await contentOf(lastAnswer(page)), sent, 'the answer saved on retry')
    await items(page).filter({ hasText: 'Saved before' }).click()
    await expect(messages(page)).toHaveCount(2)
    expect(await Promise.all((await messages(page).all()).map(snapshotMessage))).toEqual(firstShown[0]!.messages)

    // The app still starts, with its history, when storage is already full.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: APP_ORIGIN, quotaSize: 1 })
    await page.reload()
    await expect(page.getByTestId('composer-input')).toBeEnabled()
    await expect(items(page)).toHaveCount(2)
    await expect(messages(page).first()).toBeVisible()
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: APP_ORIGIN })
    await expectCleanPage(page)
  })
})

// ---------------------------------------------------------------------------------------------
// Site data cleared while running (threat model 22, 27)
// ---------------------------------------------------------------------------------------------

test('site data cleared mid-stream: the tab says so, keeps the conversation exportable, and a reload starts clean', async ({ context, page }) => {
  await watchPage(page)
  await configure(page)
  await expectStatus(await send(page, 'Before the wipe'), 'done')
  const answer = await send(page, 'During the wipe mock:slow:40:40')
  await expect.poll(async () => (await contentOf(answer)).length).toBeGreaterThan(20)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Storage.clearDataForOrigin', { origin: APP_ORIGIN, storageTypes: 'all' })

  await expect(storageError(page)).toContainText(/site data may have been cleared/i)
  await expect(storageError(page).getByRole('button', { name: 'Reload' })).toBeVisible()
  await expectStatus(answer, 'done', 10_000)
  await expect(messages(page)).toHaveCount(4)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    storageError(page).getByRole('button', { name: 'Download conversation.txt' }).click(),
  ])
  const text = await readFile(await download.path(), 'utf8')
  expect(text).toContain('Before the wipe')
  expect(text).toContain('During the wipe')

  // Nothing stale is written back: the next start is clean and empty, and saving works again.
  await page.reload()
  await expect(page.getByTestId('composer-input')).toBeEnabled()
  await expect(items(page)).toHaveCount(0)
  await expect(messages(page)).toHaveCount(0)
  await expect(storageError(page)).toBeHidden()
  await configure(page, { goto: false })
  await expectStatus(await send(page, 'After the wipe'), 'done')
  await settleSaves(page)
  await page.reload()
  await expect(items(page)).toHaveCount(1)
  await expect(messages(page)).toHaveCount(2)
  await expectCleanPage(page)
})

// ---------------------------------------------------------------------------------------------
// 6. Storage that cannot open (threat model 21)
// ---------------------------------------------------------------------------------------------

async function chatsInMemory(page: Page, question: string): Promise<void> {
  await configure(page, { goto: false })
  const answer = await send(page, question)
  await expectStatus(answer, 'done')
  expect(visibleText(await contentOf(answer))).toContain(visibleText(question))
  await expect(storageError(page)).toBeVisible()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    storageError(page).getByRole('button', { name: 'Download conversation.txt' }).click(),
  ])
  const text = await readFile(await download.path(), 'utf8')
  expect(text).toContain(question)
  expect(text).toContain('You asked')
  expect(await page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls), 'no persistence is asked for storage that is not used').toBe(0)
}

async function countPersistCalls(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __persistCalls: number }
    w.__persistCalls = 0
    const original = StorageManager.prototype.persist
    StorageManager.prototype.persist = function persist(this: StorageManager) {
      w.__persistCalls += 1
      return original.call(this)
    }
  })
}

test('storage that refuses to open is explained, and chatting and exporting still work in memory', async ({ page }) => {
  await watchPage(page)
  await countPersistCalls(page)
  await page.addInitScript(() => {
    indexedDB.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError')
    }
  })
  await openApp(page)
  await expect(storageError(page)).toBeVisible()
  await expect(storageError(page)).toContainText(/does not allow saving history/i)
  await expect(storageError(page)).toContainText(/will not be saved/i)
  await chatsInMemory(page, 'Remember me only here')
  await expectCleanPage(page)
})

test('storage that never finishes opening times out with a message instead of spinning forever', async ({ page }) => {
  await watchPage(page)
  await countPersistCalls(page)
  await page.addInitScript(() => {
    indexedDB.open = () => new EventTarget() as IDBOpenDBRequest
  })
  await page.clock.install()
  await page.goto('/')
  await expect(page.getByTestId('composer-input')).toBeVisible()
  await expect(storageError(page)).toBeHidden()
  // The repository gives up after 10 s.
  await page.clock.runFor(10_500)
  await expect(storageError(page)).toBeVisible()
  await expect(storageError(page)).toContainText(/did not open saved history in time/i)
  await expect(page.getByTestId('composer-input')).toBeEnabled()
  await chatsInMemory(page, 'Still answered without storage')
  await expectCleanPage(page)
})

// ---------------------------------------------------------------------------------------------
// 7. Storage status and persistence (threat model 27)
// ---------------------------------------------------------------------------------------------

test('persistence is asked for once, after the first finished answer, and storage-status tells the truth', async ({ page }) => {
  await watchPage(page)
  await countPersistCalls(page)
  await configure(page)
  const calls = () => page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls)
  expect(await calls(), 'not asked on start-up or while configuring').toBe(0)
  await expectStatus(await send(page, 'First real history'), 'done')
  await expect.poll(calls, { message: 'asked after the first finished answer' }).toBe(1)
  await expectStatus(await send(page, 'Second answer'), 'done')
  await settleSaves(page)
  expect(await calls(), 'asked once per tab').toBe(1)

  await openSettings(page)
  await expect(page.getByTestId('storage-status')).toBeVisible()
  const persisted = await page.evaluate(() => navigator.storage.persisted())
  await expect(page.getByTestId('storage-persisted')).toHaveText(persisted ? /^persistent/ : /^not persistent/)
  const usage = page.getByTestId('storage-usage')
  await expect(usage).toHaveText(/^\d+(\.\d)? (bytes|KB|MB|GB) used of \d+(\.\d)? (bytes|KB|MB|GB|TB) available$/)
  await expect(usage).not.toHaveText(/^0 bytes/)
  await closeSettings(page)
  await expect(answers(page)).toHaveCount(2)
  await expectCleanPage(page)
})
