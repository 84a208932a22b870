// Encrypted sync against real storage servers started here on loopback: s3rver (S3, with a CORS
// rule on its bucket) and webdav-server (Basic auth, CORS headers added in front). Each "device"
// is its own browser context, so its own IndexedDB.
import { createHash } from 'node:crypto'
import http from 'node:http'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Browser, type Page } from '@playwright/test'
import S3rver from 's3rver'
import { v2 as webdav } from 'webdav-server'
import { closeSettings, configure, openSettings, send, userMessages } from './helpers'

const S3_PORT = Number(process.env.E2E_S3_PORT ?? 8821)
const DAV_PORT = Number(process.env.E2E_DAV_PORT ?? 8822)
const PASSPHRASE = 'correct horse battery staple'
const CORS_XML = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>`

test.describe.configure({ mode: 'serial' })

let s3dir = ''
let s3: S3rver | null = null

async function startS3(): Promise<void> {
  s3 = new S3rver({ port: S3_PORT, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: 'inkstream', configs: [CORS_XML] }, { name: 'nocors' }] })
  await s3.run()
}

async function stopS3(): Promise<void> {
  const server = s3
  s3 = null
  await server?.close()
}

/** Every file the S3 server keeps, hashed: to prove a run wrote nothing. */
async function s3Files(dir = s3dir): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out[path] = createHash('sha256').update(await readFile(path)).digest('hex')
  }
  return out
}

test.beforeAll(async () => {
  s3dir = await mkdtemp(join(tmpdir(), 'inkstream-s3-'))
  await startS3()
})

test.afterAll(async () => {
  await stopS3()
  await rm(s3dir, { recursive: true, force: true })
})

async function device(browser: Browser): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await configure(page)
  return page
}

async function setUpS3(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await openSettings(page)
  await page.getByTestId('sync-kind').selectOption('s3')
  await page.getByTestId('sync-endpoint').fill(`http://127.0.0.1:${S3_PORT}`)
  await page.getByTestId('sync-bucket').fill('inkstream')
  await page.getByTestId('sync-region').fill('us-east-1')
  await page.getByTestId('sync-access-key').fill('S3RVER')
  await page.getByTestId('sync-secret-key').fill('S3RVER')
  await page.getByTestId('sync-passphrase').fill(passphrase)
  await page.getByTestId('sync-save').click()
}

/** Clicks Sync now and waits for that run (not an earlier one) to end in `state`. */
async function syncNow(page: Page, state: 'idle' | 'error' = 'idle'): Promise<void> {
  await openSettings(page)
  const status = page.getByTestId('sync-status')
  await expect(page.getByTestId('sync-now')).toBeEnabled({ timeout: 15_000 })
  const before = Number(await status.getAttribute('data-runs'))
  await page.getByTestId('sync-now').click()
  await expect.poll(async () => Number(await status.getAttribute('data-runs')), { timeout: 15_000 }).toBeGreaterThan(before)
  await expect(status).toHaveAttribute('data-state', state)
}

async function titles(page: Page): Promise<string[]> {
  const list = await page.getByTestId('conversation-item').allInnerTexts()
  return list.map((s) => s.trim()).sort()
}

async function newChat(page: Page, question: string): Promise<void> {
  await page.keyboard.press('Control+Shift+O')
  await send(page, question)
}

test('S3: two devices edit offline and both end with the union; a delete propagates; a wrong passphrase reads and writes nothing; a server killed mid-sync loses nothing', async ({ browser }) => {
  test.setTimeout(120_000)
  const a = await device(browser)
  const b = await device(browser)
  await send(a, 'Shared question from A')
  await setUpS3(a)
  await expect(a.getByTestId('sync-status')).toHaveAttribute('data-state', 'idle', { timeout: 15_000 })
  await expect(a.getByTestId('sync-last')).not.toContainText('never')
  await closeSettings(a)
  await setUpS3(b)
  await expect(b.getByTestId('sync-status')).toHaveAttribute('data-state', 'idle', { timeout: 15_000 })
  await closeSettings(b)
  await expect(b.getByTestId('conversation-item')).toHaveCount(1)
  await expect(b.getByTestId('conversation-item')).toContainText('Shared question from A')

  // Offline: the storage is down while both devices write.
  await stopS3()
  await send(a, 'A offline in the shared chat')
  await newChat(a, 'Alpha offline')
  await b.getByTestId('conversation-item').first().click()
  await send(b, 'Reply in the shared chat from B')
  await newChat(b, 'Beta offline')
  await syncNow(a, 'error')
  await expect(a.getByTestId('sync-error')).toHaveAttribute('data-kind', 'network')
  await closeSettings(a)
  await startS3()
  await syncNow(a)
  await syncNow(b)
  await syncNow(a)
  await closeSettings(a)
  await closeSettings(b)
  for (const page of [a, b]) {
    await expect(page.getByTestId('conversation-item')).toHaveCount(3)
  }
  expect(await titles(a)).toEqual(await titles(b))
  // Both devices asked a follow-up in the same chat offline: both are kept, as two versions of that question.
  for (const page of [a, b]) {
    await page.getByTestId('conversation-item').filter({ hasText: 'Shared question from A' }).click()
    await expect(page.getByText('Reply in the shared chat from B', { exact: true })).toBeVisible()
    const followUp = userMessages(page).nth(1)
    // The one asked later shows on both devices, numbered last whichever way their random ids sort.
    await expect(followUp.getByTestId('message-version')).toHaveText('2/2')
    await followUp.getByTestId('message-version-prev').click()
    await expect(page.getByText('A offline in the shared chat', { exact: true })).toBeVisible()
  }

  // A delete on A reaches B.
  const beta = a.getByTestId('conversation-item').filter({ hasText: 'Beta offline' })
  await beta.getByTestId('conversation-delete').click()
  await a.getByTestId('confirm-ok').click()
  await syncNow(a)
  await syncNow(b)
  await closeSettings(b)
  await expect(b.getByTestId('conversation-item').filter({ hasText: 'Beta offline' })).toHaveCount(0)
  await expect(b.getByTestId('conversation-item')).toHaveCount(2)

  // A third device with the wrong passphrase: nothing read into it, nothing written to the storage.
  const c = await device(browser)
  await send(c, 'Only on C')
  const before = await s3Files()
  await setUpS3(c, 'not the right passphrase')
  await expect(c.getByTestId('sync-status')).toHaveAttribute('data-state', 'error', { timeout: 15_000 })
  await expect(c.getByTestId('sync-error')).toHaveAttribute('data-kind', 'passphrase')
  expect(await s3Files()).toEqual(before)
  await closeSettings(c)
  expect(await titles(c)).toHaveLength(1)

  // The server dies right after the first object of a run is written: nothing is lost, and the next run completes.
  await closeSettings(a)
  await newChat(a, 'Gamma before the crash')
  let killed = false
  await a.route(`http://127.0.0.1:${S3_PORT}/**`, async (route) => {
    const req = route.request()
    // A keep-alive connection would outlive the server's close, so what follows the kill is refused here too.
    if (killed) return route.abort('connectionrefused')
    if (req.method() === 'PUT' && /\/c-[0-9a-f]+$/.test(new URL(req.url()).pathname)) {
      killed = true
      await route.continue()
      await stopS3()
      return
    }
    await route.continue()
  })
  await syncNow(a, 'error')
  expect(killed).toBe(true)
  await a.unroute(`http://127.0.0.1:${S3_PORT}/**`)
  await closeSettings(a)
  await expect(a.getByTestId('conversation-item').filter({ hasText: 'Gamma before the crash' })).toHaveCount(1)
  await startS3()
  await syncNow(a)
  await syncNow(b)
  await closeSettings(b)
  await expect(b.getByTestId('conversation-item').filter({ hasText: 'Gamma before the crash' })).toHaveCount(1)
  // The storage holds no plain text.
  const stored = (await Promise.all(Object.keys(await s3Files()).map((p) => readFile(p, 'latin1')))).join('\n')
  for (const secret of ['Shared question', 'Alpha offline', 'Gamma before']) expect(stored).not.toContain(secret)
})

test('WebDAV: two devices end with the union and a delete propagates', async ({ browser }) => {
  test.setTimeout(90_000)
  const users = new webdav.SimpleUserManager()
  const user = users.addUser('alice', 'wonderland', false)
  const privileges = new webdav.SimplePathPrivilegeManager()
  privileges.setRights(user, '/', ['all'])
  const dav = new webdav.WebDAVServer({ httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'inkstream'), privilegeManager: privileges })
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, PUT, DELETE, PROPFIND, MKCOL, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, depth',
  }
  // webdav-server sends no CORS headers; this front answers preflights and adds them, as a CORS-enabled server would.
  const front = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v)
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end()
      return
    }
    dav.executeRequest(req, res)
  })
  await new Promise<void>((resolve) => front.listen(DAV_PORT, '127.0.0.1', resolve))
  try {
    const setUp = async (page: Page): Promise<void> => {
      await openSettings(page)
      await page.getByTestId('sync-kind').selectOption('webdav')
      await page.getByTestId('sync-url').fill(`http://127.0.0.1:${DAV_PORT}/inkstream/`)
      await page.getByTestId('sync-username').fill('alice')
      await page.getByTestId('sync-password').fill('wonderland')
      await page.getByTestId('sync-passphrase').fill(PASSPHRASE)
      await page.getByTestId('sync-test').click()
      await expect(page.getByTestId('sync-test-result')).toContainText(/ms/, { timeout: 15_000 })
      await page.getByTestId('sync-save').click()
      await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'idle', { timeout: 15_000 })
      await closeSettings(page)
    }
    const a = await device(browser)
    const b = await device(browser)
    await send(a, 'Written on A')
    await send(b, 'Written on B')
    await setUp(a)
    await setUp(b)
    await syncNow(a)
    await closeSettings(a)
    for (const page of [a, b]) await expect(page.getByTestId('conversation-item')).toHaveCount(2)

    // Automatic: a change on B syncs by itself a moment later; A then finds it.
    await openSettings(b)
    const runsBefore = Number(await b.getByTestId('sync-status').getAttribute('data-runs'))
    await closeSettings(b)
    await send(b, 'Sent later on B')
    await openSettings(b)
    await expect.poll(async () => Number(await b.getByTestId('sync-status').getAttribute('data-runs')), { timeout: 15_000 }).toBeGreaterThan(runsBefore)
    await expect(b.getByTestId('sync-status')).toHaveAttribute('data-state', 'idle')
    await closeSettings(b)
    await syncNow(a)
    await closeSettings(a)
    await a.getByTestId('conversation-item').filter({ hasText: 'Written on B' }).click()
    await expect(a.getByText('Sent later on B', { exact: true })).toBeVisible()
    const onB = a.getByTestId('conversation-item').filter({ hasText: 'Written on B' })
    await onB.getByTestId('conversation-delete').click()
    await a.getByTestId('confirm-ok').click()
    await syncNow(a)
    await syncNow(b)
    await closeSettings(b)
    await expect(b.getByTestId('conversation-item')).toHaveCount(1)
    await expect(b.getByTestId('conversation-item')).toContainText('Written on A')
  } finally {
    await new Promise((resolve) => front.close(resolve))
  }
})

test('S3 connection test names CORS (with the rule to paste) and refused credentials', async ({ browser }) => {
  const page = await device(browser)
  await openSettings(page)
  await page.getByTestId('sync-kind').selectOption('s3')
  await page.getByTestId('sync-endpoint').fill(`http://127.0.0.1:${S3_PORT}`)
  await page.getByTestId('sync-bucket').fill('nocors')
  await page.getByTestId('sync-region').fill('us-east-1')
  await page.getByTestId('sync-access-key').fill('S3RVER')
  await page.getByTestId('sync-secret-key').fill('S3RVER')
  await page.getByTestId('sync-passphrase').fill(PASSPHRASE)
  await page.getByTestId('sync-test').click()
  await expect(page.getByTestId('sync-test-result')).toContainText('CORS', { timeout: 15_000 })
  const help = page.getByTestId('sync-cors-help')
  await expect(help).toContainText('"AllowedOrigins"')
  await expect(help).toContainText(new URL(page.url()).origin)

  await page.getByTestId('sync-bucket').fill('inkstream')
  // s3rver checks the access key id (not every signature), so the refused credential is the key id.
  await page.getByTestId('sync-access-key').fill('NOT-A-KEY')
  await page.getByTestId('sync-test').click()
  await expect(page.getByTestId('sync-test-result')).toContainText('The storage refused the credentials', { timeout: 15_000 })
  await expect(help).toBeHidden()
})
