// `npm run first-render`: how long a stored 200-message conversation takes to show, in this machine's
// Chromium, on the production build (dist/, built first unless --no-build).
//
// The conversation enters the way a user's would: a classic conversation.txt of 100 turns (Markdown
// answers with headings, lists, code and a table) imported through Settings → Your data. Then the
// page is reloaded RUNS times; each reload is timed from navigation start to the first frame in
// which all 200 messages are in the page and the newest answer is rendered as Markdown.
// The second load is the first measured one, so the service worker (installed by the first) serves
// the app as it does for a returning visitor. Exits 1 above the 1 s budget (median).
// Usage: npm run first-render [-- --no-build] [--runs 5]
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import { readFile, mkdtemp, writeFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { tmpdir } from 'node:os'
import { chromium } from '@playwright/test'

const BUDGET_MS = 1000
const MESSAGES = 200
const args = process.argv.slice(2)
const runs = Number(args[args.indexOf('--runs') + 1]) || 5
const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')

if (!args.includes('--no-build')) execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/index.html is missing: build first')

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json' }
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  const file = normalize(join(dist, path.endsWith('/') ? `${path}index.html` : path))
  if (!file.startsWith(dist)) return res.writeHead(403).end()
  try {
    const body = await readFile(file)
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' }).end(body)
  } catch {
    res.writeHead(404).end('not found')
  }
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

/** A classic conversation.txt (the format README documents) of MESSAGES / 2 turns. */
function transcript() {
  let text = ''
  for (let turn = 0; turn < MESSAGES / 2; turn++) {
    const time = new Date(Date.UTC(2026, 0, 1, 8, 0, turn * 7)).toISOString().slice(0, 19).replace('T', ' ')
    const answer = [
      `## Step ${turn + 1}`,
      '',
      `Here is a **worked answer** to question ${turn + 1}, with a list and some \`inline code\`:`,
      '',
      '- first, read the input carefully and check every field;',
      '- then transform it, keeping the original order of the records;',
      '- finally, write the result and report what was skipped.',
      '',
      '```python',
      'def transform(records):',
      '    return [r for r in records if r.get("ok")]',
      '```',
      '',
      '| field | meaning |',
      '| --- | --- |',
      `| id | ${turn} |`,
      '',
      'That is all there is to it; ask again if a step is unclear.',
    ].join('\n')
    text += `\n[${time}] Question:\nQuestion number ${turn + 1}: how do I transform these records?\n\n[${time}] Answer:\n${answer}\n`
    text += `${'-'.repeat(40)}\n`
  }
  return text
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
})
const work = await mkdtemp(join(tmpdir(), 'inkstream-first-render-'))
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  // Records, in the page, the first frame in which the whole conversation is there and rendered.
  await page.addInitScript((expected) => {
    const check = () => {
      const shown = document.querySelectorAll('[data-testid="message"]')
      const last = shown[shown.length - 1]?.querySelector('[data-testid="message-content"]')
      if (shown.length === expected && last && !last.classList.contains('md-plain') && last.querySelector('h2, table')) {
        window.__firstRender = performance.now()
        return
      }
      requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  }, MESSAGES)
  await page.goto(`${origin}/`)
  await page.getByTestId('composer-input').waitFor()
  const file = join(work, 'conversation.txt')
  await writeFile(file, transcript())
  await page.getByTestId('settings-open').click()
  await page.getByTestId('import-file').setInputFiles(file)
  await page.getByText(`Imported 1 conversation, ${MESSAGES} messages`).waitFor()
  await page.getByTestId('settings-close').click()
  await page.getByTestId('conversation-item').first().click()
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length === n, MESSAGES)
  await page.evaluate(() => navigator.serviceWorker?.ready)

  const times = []
  for (let i = 0; i < runs; i++) {
    await page.reload()
    await page.waitForFunction(() => window.__firstRender !== undefined, undefined, { timeout: 20_000 })
    times.push(await page.evaluate(() => window.__firstRender))
  }
  const sorted = [...times].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]
  console.log(`First render of a stored ${MESSAGES}-message conversation (${runs} reloads, Chromium ${browser.version()}):`)
  console.log(`  runs   ${times.map((t) => `${Math.round(t)} ms`).join(', ')}`)
  console.log(`  median ${Math.round(median)} ms (budget ${BUDGET_MS} ms), worst ${Math.round(sorted.at(-1))} ms`)
  if (median > BUDGET_MS) {
    console.error('Over budget.')
    process.exitCode = 1
  }
} finally {
  await browser.close()
  server.close()
  await rm(work, { recursive: true, force: true })
}
