// `npm run screenshots`: the main screens as PNGs in docs/screenshots/, in English with the light
// theme and in Chinese with the dark theme, on a desktop and on a phone. Drives the production build
// (dist/, built first unless --no-build) in this machine's Chromium against the loopback mock
// provider, so the pictures can be made again whenever the UI changes. Nothing leaves 127.0.0.1.
// Usage: npm run screenshots [-- --no-build]
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdir, readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { chromium } from '@playwright/test'
import { startMockServer } from '../tests/mock/server.mjs'

const root = join(import.meta.dirname, '..')

// Chinese text needs a CJK font on this machine, or the zh-CN pictures show empty boxes.
try {
  if (execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() === '') {
    console.warn('No Chinese font found: install one first (Debian: apt-get install -y fonts-wqy-microhei).')
  }
} catch {
  // No fontconfig to ask: take the pictures anyway.
}
const dist = join(root, 'dist')
const out = join(root, 'docs', 'screenshots')

if (!process.argv.includes('--no-build')) execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/index.html is missing: build first')

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json' }
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  const file = normalize(join(dist, path.endsWith('/') ? `${path}index.html` : path))
  if (!file.startsWith(dist)) return res.writeHead(403).end()
  try {
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file))
  } catch {
    res.writeHead(404).end('not found')
  }
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`
const mock = await startMockServer({ port: 0, host: '127.0.0.1', quiet: true })

/** Each set: its language, theme and the questions asked (mock directives choose the answers). */
const SETS = [
  {
    name: 'en-light',
    locale: 'en',
    theme: 'light',
    older: 'Plan a weekend in Hangzhou',
    questions: ['How do I compute Fibonacci numbers? mock:markdown', 'Summarise that in one line'],
  },
  {
    name: 'zh-CN-dark',
    locale: 'zh-CN',
    theme: 'dark',
    older: '帮我规划杭州周末两日游',
    questions: ['怎样计算斐波那契数？mock:markdown', '用一句话总结一下'],
  },
]

async function ask(page, text) {
  const answers = page.locator('[data-testid="message"][data-role="assistant"]')
  const before = await answers.count()
  await page.getByTestId('composer-input').fill(text)
  await page.getByTestId('composer-send').click()
  await answers.nth(before).and(page.locator('[data-status="done"]')).waitFor({ timeout: 15_000 })
}

async function shot(page, file) {
  // Let the last frame (fonts, KaTeX, highlighting) settle.
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(out, file) })
  console.log(`  docs/screenshots/${file}`)
}

await mkdir(out, { recursive: true })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--font-render-hinting=none'],
})
try {
  for (const set of SETS) {
    const context = await browser.newContext({ locale: set.locale, colorScheme: set.theme, viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' })
    const page = await context.newPage()
    await page.goto(`${origin}/`)
    await page.getByTestId('composer-input').waitFor()
    await page.getByTestId('settings-open').click()
    await page.getByTestId('theme-select').selectOption(set.theme)
    await page.getByTestId('settings-provider').selectOption('custom')
    await page.getByTestId('settings-base-url').fill(mock.baseUrl)
    await page.getByTestId('settings-model').fill('deepseek-chat')
    await page.getByTestId('settings-api-key').fill('sk-screenshot')
    await page.getByTestId('settings-close').click()
    await ask(page, set.older)
    await page.getByTestId('conversation-new').click()
    for (const question of set.questions) await ask(page, question)
    await page.locator('.message-list').evaluate((el) => el.scrollTo(0, 0))
    await page.locator('.katex').first().waitFor()

    await shot(page, `${set.name}-desktop-chat.png`)
    await page.getByTestId('settings-open').click()
    await page.getByTestId('theme-select').waitFor()
    await shot(page, `${set.name}-desktop-settings.png`)
    await page.getByTestId('settings-close').click()
    await page.getByTestId('shortcuts-open').click()
    await page.getByTestId('shortcuts-help').waitFor()
    await shot(page, `${set.name}-desktop-shortcuts.png`)
    await page.getByTestId('shortcuts-close').click()

    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('.message-list').evaluate((el) => el.scrollTo(0, 0))
    await shot(page, `${set.name}-phone-chat.png`)
    await page.getByTestId('sidebar-toggle').click()
    await page.locator('.layout[data-drawer="open"]').waitFor()
    await page.waitForTimeout(300)
    await shot(page, `${set.name}-phone-drawer.png`)
    await context.close()
  }
} finally {
  await browser.close()
  server.close()
  await mock.close()
}
