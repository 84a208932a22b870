// `npm run bench`: builds the app if its sources changed, then measures the production build and the
// floor pages in Chromium against the loopback server (bench/server.mjs), prints a Markdown report and
// writes it to bench-results/latest.md (raw figures in bench-results/latest.json).
//
//   npm run bench                          # every scenario, median of 3 runs
//   npm run bench -- --runs 1 --only S1    # quick look (--only takes a comma list: S1,S3)
//   npm run bench -- --no-build            # measure the existing build as is
//   npm run bench -- --app-dir dist        # measure another build directory (implies --no-build)
//   npm run bench -- --pages app,split     # only these pages (app, pre, split); ratios need the floors
//
// Exits non-zero only when the harness itself fails (build, browser, server, a page that never becomes
// ready). Missed targets are reported as FAIL in the output, never as an exit code.

import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { answerTokens, question } from './doc.mjs'
import { SCENARIOS, modelFor } from './scenarios.mjs'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
const ROOT = resolve(BENCH_DIR, '..')
const RESULTS_DIR = join(ROOT, 'bench-results')
const PROBE = join(BENCH_DIR, 'probe.js')

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/**
 * Frame gaps are whole multiples of the 16.7 ms vsync; even an idle page here sometimes misses one
 * frame (a 33.3 ms gap). A gap is "over 33 ms" when it exceeds two vsync intervals (the probe counts
 * those itself), "over 50 ms" when it exceeds three.
 */
const OVER_50 = 50.1

/** After the answer ends, its text must stay unchanged this long before the run is measured. */
const QUIET_MS = 500

class HarnessError extends Error {}

function parseArgs(argv) {
  const opts = { runs: 3, only: Object.keys(SCENARIOS), build: true, appDir: join(RESULTS_DIR, 'app') }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]
      if (v === undefined) throw new HarnessError(`${arg} needs a value`)
      return v
    }
    if (arg.startsWith('--runs')) opts.runs = Math.max(1, Number.parseInt(value(), 10) || 1)
    else if (arg.startsWith('--only')) {
      opts.only = value()
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean)
      const unknown = opts.only.filter((s) => !SCENARIOS[s])
      if (unknown.length) throw new HarnessError(`unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`)
    } else if (arg.startsWith('--pages')) {
      opts.pages = value()
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
    } else if (arg === '--no-build') opts.build = false
    else if (arg.startsWith('--app-dir')) {
      opts.appDir = resolve(value())
      opts.build = false
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 13).join('\n') + '\n')
      process.exit(0)
    } else throw new HarnessError(`unknown option ${arg}`)
  }
  return opts
}

// ---------------------------------------------------------------------------------------------
// Build

function listFiles(dir) {
  if (!existsSync(dir)) return []
  const out = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listFiles(full))
    else if (entry.isFile()) out.push(full)
  }
  return out
}

/** A hash of everything the production build is made from. */
function sourceHash() {
  const files = [
    ...['index.html', 'vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json'].map((f) => join(ROOT, f)),
    ...listFiles(join(ROOT, 'src')),
    ...listFiles(join(ROOT, 'public')),
  ]
    .filter((f) => existsSync(f))
    .sort()
  const hash = createHash('sha256')
  for (const f of files) hash.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0')
  return hash.digest('hex')
}

/** `vite build` into the bench's own directory (never touches dist/), unless the sources are unchanged. */
function buildIfNeeded(appDir) {
  const stamp = join(appDir, '.bench-source-hash')
  const hash = sourceHash()
  if (existsSync(join(appDir, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    log(`build: ${relative(ROOT, appDir)} is up to date`)
    return
  }
  log(`build: vite build → ${relative(ROOT, appDir)}`)
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  const result = spawnSync(process.execPath, [vite, 'build', '--outDir', appDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (result.status !== 0) throw new HarnessError(`vite build failed (exit ${result.status})`)
  writeFileSync(stamp, hash)
}

// ---------------------------------------------------------------------------------------------
// Server

async function startServerProcess(appDir) {
  const child = spawn(process.execPath, [join(BENCH_DIR, 'server.mjs'), '--app-dir', appDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const origins = await new Promise((resolveOrigins, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(new HarnessError('bench server did not start within 10 s')), 10_000)
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      const line = buffer.split('\n')[0]
      if (buffer.includes('\n')) {
        clearTimeout(timer)
        try {
          resolveOrigins(JSON.parse(line))
        } catch {
          reject(new HarnessError(`bench server printed ${line}`))
        }
      }
    })
    child.on('exit', (code) => reject(new HarnessError(`bench server exited (${code})`)))
  })
  return { ...origins, stop: () => child.kill('SIGTERM') }
}

async function getJson(url) {
  const res = await fetch(url)
  if (!res.ok) throw new HarnessError(`GET ${url}: HTTP ${res.status}`)
  return res.json()
}

// ---------------------------------------------------------------------------------------------
// One measured run

function log(message) {
  process.stderr.write(`${message}\n`)
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics')
  return Object.fromEntries(list.map((m) => [m.name, m.value]))
}

/** Points the app at the bench server through the Settings data-testid contract. */
async function configureApp(page, baseUrl, model) {
  await page.getByTestId('settings-open').click()
  await page.getByTestId('settings-provider').selectOption('custom')
  await page.getByTestId('settings-base-url').fill(baseUrl)
  await page.getByTestId('settings-model').fill(model)
  await page.getByTestId('settings-api-key').fill('sk-bench-local')
  await page.getByTestId('settings-close').click()
  await page.getByTestId('settings-provider').waitFor({ state: 'hidden' })
}

/** The newest stored answer, read straight from the app's IndexedDB. */
async function storedAnswer(page) {
  return page.evaluate(async () => {
    const db = await new Promise((res, rej) => {
      const req = indexedDB.open('inkstream')
      req.onsuccess = () => res(req.result)
      req.onerror = () => rej(req.error)
    })
    try {
      const all = await new Promise((res, rej) => {
        const req = db.transaction('messages').objectStore('messages').getAll()
        req.onsuccess = () => res(req.result)
        req.onerror = () => rej(req.error)
      })
      const answers = all.filter((m) => m.role === 'assistant').sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq)
      const last = answers[answers.length - 1]
      return last ? { status: last.status, content: last.content } : null
    } finally {
      db.close()
    }
  })
}

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}

/** Figures of opening the page: time from navigation to all earlier messages in the DOM, long tasks until then. */
async function openedFigures(page) {
  return page.evaluate(() => window.__bench.opened())
}

/**
 * Pastes the scenario's text into the composer the way the e2e tests do (a paste event carrying
 * clipboard data), then waits, polling each frame, until the attachment chip is on screen.
 */
async function pasteText(page, s, inputSelector, chipSelector) {
  const text = answerTokens(Math.ceil(s.pasteChars / 2.5), 8).join('').slice(0, s.pasteChars)
  await page.evaluate((value) => {
    window.__benchPaste = value
  }, text)
  return page.evaluate(
    ({ inputSelector, chipSelector }) =>
      new Promise((resolve) => {
        const el = document.querySelector(inputSelector)
        el.focus()
        const value = window.__benchPaste
        delete window.__benchPaste
        const data = new DataTransfer()
        data.setData('text/plain', value)
        const t0 = performance.now()
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
        const check = () => {
          const chip = chipSelector ? document.querySelector(chipSelector) : true
          if (chip || performance.now() - t0 > 10_000) resolve({ ms: performance.now() - t0, chip: Boolean(chip), chars: value.length })
          else requestAnimationFrame(check)
        }
        requestAnimationFrame(check)
      }),
    { inputSelector, chipSelector },
  )
}

/** Scrolls the chat from the end to the top and back with the mouse wheel, measuring frames and long tasks. */
async function scrollThrough(page, armOpts) {
  const viewport = page.viewportSize()
  await page.mouse.move(viewport.width * 0.6, viewport.height * 0.4)
  await page.evaluate((opts) => window.__bench.arm(opts), armOpts)
  const position = () =>
    page.evaluate(() => {
      const list = document.querySelector('.message-list')
      const el = list && list.scrollHeight > list.clientHeight ? list : document.scrollingElement
      return { top: el.scrollTop, max: el.scrollHeight - el.clientHeight }
    })
  // 2,000 px a wheel step, 60 steps a second at most: a fast flick, the way a reader looks for an old turn.
  for (const direction of [-1, 1]) {
    for (let i = 0; i < 2000; i++) {
      await page.mouse.wheel(0, direction * 2000)
      await page.waitForTimeout(16)
      if (i % 5 === 4) {
        const { top, max } = await position()
        if (direction < 0 ? top <= 0 : top >= max - 1) break
      }
    }
    await page.waitForTimeout(300)
  }
  const probe = await page.evaluate(() => window.__bench.collect())
  await page.waitForTimeout(300)
  return probe
}

async function measure(browser, server, scenario, variant, runIndex) {
  const s = SCENARIOS[scenario]
  const runId = `${scenario}-${variant}-${runIndex}-${Math.random().toString(36).slice(2, 8)}`
  const baseUrl = `${server.api}/r/${runId}/v1`
  const model = modelFor(scenario)
  const isApp = variant === 'app'
  // No service worker: its first install (precaching the whole app) would run during the measurement,
  // and the floor pages have none.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' })
  const pageErrors = []
  try {
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.addInitScript({ path: PROBE })
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable')

    const turns = s.historyTurns ?? 0
    let opened = null
    let input
    let send
    if (isApp) {
      if (turns > 0) {
        await page.goto(`${server.app}/bench/seed.html?api=${encodeURIComponent(server.api)}&turns=${turns}&tokens=${s.historyTokens}`)
        await page.waitForFunction(() => document.body.dataset.seeded)
        const seeded = await page.evaluate(() => document.body.dataset.seeded)
        if (seeded !== String(turns * 2)) throw new HarnessError(`seeding IndexedDB failed: ${seeded}`)
      }
      await page.goto(`${server.app}/`)
      input = page.getByTestId('composer-input')
      send = page.getByTestId('composer-send')
      await input.waitFor()
      if (turns > 0) await page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length >= n, turns * 2, { polling: 'raf' })
      opened = await openedFigures(page)
      await configureApp(page, baseUrl, model)
    } else {
      const query = `api=${encodeURIComponent(baseUrl)}&model=${model}&turns=${turns}&tokens=${s.historyTokens ?? 0}`
      await page.goto(`${server.app}/bench/floor-${variant}.html?${query}`)
      await page.waitForFunction(() => document.body.dataset.ready, undefined, { polling: 'raf' })
      opened = await openedFigures(page)
      const ready = await page.evaluate(() => document.body.dataset.ready)
      if (ready !== '1') throw new HarnessError(`floor page failed: ${ready}`)
      input = page.locator('#input')
      send = page.locator('#send')
    }
    const sendSelector = isApp ? '[data-testid="composer-send"]' : '#send'

    if (s.typing) await input.click()
    else await input.fill(question(scenario))
    const box = s.typing ? null : await send.boundingBox()
    if (!s.typing && !box) throw new HarnessError('send button has no box')
    // Let loading, settings saves and layout settle, then start from a collected heap.
    await page.waitForTimeout(400)
    const armOpts = { mode: isApp ? 'app' : 'floor', sendSelector }

    let scrolled = null
    if (s.scroll) scrolled = await scrollThrough(page, armOpts)

    // Typing: first without the probe (Event Timing alone: no rAF loop, no MutationObserver), then
    // the same text again with it, so the probe's own cost shows as the difference.
    let quietKeys = null
    if (s.typing && !s.pasteChars) {
      // Typing starts once the page is quiet (lazy chunks and the first Markdown renders done).
      await page.waitForTimeout(1500)
      await page.evaluate(() => window.__bench.quietStart())
      await page.keyboard.type(s.typing, { delay: s.keyDelayMs })
      await page.waitForTimeout(QUIET_MS)
      quietKeys = await page.evaluate(() => window.__bench.quietKeys())
      await input.fill('')
      await page.waitForTimeout(400)
    }

    await cdp.send('HeapProfiler.collectGarbage')
    const before = await metrics(cdp)
    await page.evaluate((opts) => window.__bench.arm(opts), armOpts)

    let done
    let pasted = null
    if (s.pasteChars) {
      pasted = await pasteText(page, s, isApp ? '[data-testid="composer-input"]' : '#input', isApp ? '[data-testid="attachment-chip"]' : null)
      await page.waitForTimeout(QUIET_MS)
    }
    if (s.typing) {
      await page.keyboard.type(s.typing, { delay: s.keyDelayMs })
      await page.waitForTimeout(QUIET_MS)
      done = { status: pasted && !pasted.chip ? 'no chip' : 'typed', timedOut: false }
    } else {
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
      const timeoutMs = s.rate > 0 ? (s.tokens / s.rate) * 1000 + 30_000 : (s.timeoutMs ?? 60_000)
      done = await page.evaluate((opts) => window.__bench.waitDone(opts), { timeoutMs, quietMs: QUIET_MS })
    }
    const after = await metrics(cdp)
    const probe = await page.evaluate(() => window.__bench.collect())
    await cdp.send('HeapProfiler.collectGarbage')
    const heap = await cdp.send('Runtime.getHeapUsage')

    // After a paste, the same text typed again with the probe dormant (Event Timing alone).
    if (s.pasteChars && s.typing) {
      await input.fill('')
      await page.waitForTimeout(400)
      await page.evaluate(() => window.__bench.quietStart())
      await page.keyboard.type(s.typing, { delay: s.keyDelayMs })
      await page.waitForTimeout(QUIET_MS)
      quietKeys = await page.evaluate(() => window.__bench.quietKeys())
    }

    let stream = null
    if (!s.typing) {
      const records = await getJson(`${server.api}/__bench/streams?run=${runId}`)
      stream = records.at(-1) ?? null
      if (!stream) throw new HarnessError(`${scenario}/${variant}: the server saw no chat request (page errors: ${pageErrors.join('; ') || 'none'})`)
    }

    let stored = null
    if (s.checkStored && isApp && stream?.finished) {
      const sent = await (await fetch(`${server.api}/__bench/streams/${stream.id}/text`)).text()
      let record = await storedAnswer(page)
      for (let i = 0; i < 50 && (!record || record.status === 'streaming'); i++) {
        await page.waitForTimeout(100)
        record = await storedAnswer(page)
      }
      const content = record?.content ?? ''
      const at = firstDifference(content, sent)
      stored = {
        status: record?.status ?? null,
        identical: at < 0,
        storedLength: content.length,
        sentLength: sent.length,
        sentBytes: Buffer.byteLength(sent),
        firstDifference: at,
      }
    }

    const frames = probe.longFrames
    const ownMs = (f) => f.scripts.filter((sc) => sc.own).reduce((a, sc) => a + sc.duration, 0)
    const ownFrames = frames.filter((f) => ownMs(f) > 0)
    const maxOf = (list, fn) => (list.length ? Math.max(...list.map(fn)) : 0)
    const ms = (a, b) => (a === null || b === null || a === undefined || b === undefined ? null : a - b)
    return {
      scenario,
      variant,
      run: runIndex,
      status: done.status,
      timedOut: done.timedOut,
      pageErrors,
      firstToken: ms(probe.firstPaintAt, probe.clickAt),
      renderLag: stream?.lastByteAt ? ms(probe.lastPaintEpoch, stream.lastByteAt) : null,
      longTaskTotal: probe.longTasks.total,
      longTaskMax: probe.longTasks.longest,
      longTaskCount: probe.longTasks.count,
      worstFrameGap: probe.frames.worstGap,
      framesOver33: probe.frames.over33,
      framesOver50: probe.frames.over50,
      mainThread: (after.TaskDuration - before.TaskDuration) * 1000,
      script: (after.ScriptDuration - before.ScriptDuration) * 1000,
      layoutStyle: (after.LayoutDuration - before.LayoutDuration + after.RecalcStyleDuration - before.RecalcStyleDuration) * 1000,
      heapMB: heap.usedSize / (1024 * 1024),
      domElements: probe.domElements,
      keys16: s.typing ? probe.keys.slow16 : null,
      keys50: s.typing ? probe.keys.slow50 : null,
      keyWorst: s.typing ? probe.keys.worst : null,
      quietKeys16: quietKeys ? quietKeys.slow16 : null,
      quietKeys50: quietKeys ? quietKeys.slow50 : null,
      quietKeyWorst: quietKeys ? quietKeys.worst : null,
      openMs: opened && turns > 0 ? opened.at : null,
      openLongTaskMax: opened && turns > 0 ? opened.longTasks.longest : null,
      openLongTaskTotal: opened && turns > 0 ? opened.longTasks.total : null,
      scrollWorstGap: scrolled ? scrolled.frames.worstGap : null,
      scrollOver33: scrolled ? scrolled.frames.over33 : null,
      scrollOver50: scrolled ? scrolled.frames.over50 : null,
      scrollLongTaskMax: scrolled ? scrolled.longTasks.longest : null,
      scrollLongTaskCount: scrolled ? scrolled.longTasks.count : null,
      ownFrameMax: maxOf(ownFrames, (f) => f.duration),
      ownScriptMax: maxOf(frames, (f) => maxOf(f.scripts.filter((sc) => sc.own), (sc) => sc.duration)),
      otherFrameMax: maxOf(frames.filter((f) => ownMs(f) === 0), (f) => f.duration),
      pasteMs: pasted?.ms ?? null,
      pastedChars: pasted?.chars ?? null,
      longFrames: probe.longFrames,
      openLongFrames: opened?.longFrames ?? [],
      scrollLongFrames: scrolled?.longFrames ?? [],
      streamMs: stream ? ms(stream.lastByteAt, stream.firstByteAt) : null,
      tokensSent: stream?.tokensSent ?? null,
      textChanges: probe.textChanges,
      paints: probe.paints,
      answerTextLength: probe.answerTextLength,
      stored,
      probeSupport: { longtask: probe.longTasks.supported, event: probe.keys.supported },
    }
  } finally {
    await context.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return null
  const mid = Math.floor(v.length / 2)
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

const FIGURES = [
  { key: 'firstToken', label: 'first token painted (ms)', fmt: 'ms', stream: true },
  { key: 'renderLag', label: 'render lag: last byte sent → last text painted (ms)', fmt: 'ms', stream: true },
  { key: 'longTaskTotal', label: 'long tasks, total (ms)', fmt: 'ms' },
  { key: 'longTaskMax', label: 'long tasks, longest (ms)', fmt: 'ms' },
  { key: 'longTaskCount', label: 'long tasks, count', fmt: 'n' },
  { key: 'worstFrameGap', label: 'worst frame gap (ms)', fmt: 'ms' },
  { key: 'framesOver33', label: 'frame gaps > 33 ms', fmt: 'n' },
  { key: 'framesOver50', label: 'frame gaps > 50 ms', fmt: 'n' },
  { key: 'keys16', label: 'key presses ≥ 16 ms to paint (of 43)', fmt: 'n', typing: true },
  { key: 'keys50', label: 'key presses ≥ 50 ms to paint', fmt: 'n', typing: true },
  { key: 'keyWorst', label: 'slowest key press (ms)', fmt: 'ms', typing: true },
  { key: 'quietKeys16', label: 'probe-free: key presses ≥ 16 ms (Event Timing alone)', fmt: 'n', typing: true },
  { key: 'quietKeys50', label: 'probe-free: key presses ≥ 50 ms', fmt: 'n', typing: true },
  { key: 'quietKeyWorst', label: 'probe-free: slowest key press (ms)', fmt: 'ms', typing: true },
  { key: 'openMs', label: 'open: navigation → every earlier message in the DOM (ms)', fmt: 'ms', history: true },
  { key: 'openLongTaskMax', label: 'open: longest task (ms)', fmt: 'ms', history: true },
  { key: 'openLongTaskTotal', label: 'open: long tasks, total (ms)', fmt: 'ms', history: true },
  { key: 'scrollWorstGap', label: 'scroll to top and back: worst frame gap (ms)', fmt: 'ms', scroll: true },
  { key: 'scrollOver33', label: 'scroll: frame gaps > 33 ms', fmt: 'n', scroll: true },
  { key: 'scrollOver50', label: 'scroll: frame gaps > 50 ms', fmt: 'n', scroll: true },
  { key: 'scrollLongTaskCount', label: 'scroll: long tasks, count', fmt: 'n', scroll: true },
  { key: 'scrollLongTaskMax', label: 'scroll: longest task (ms)', fmt: 'ms', scroll: true },
  { key: 'ownFrameMax', label: 'longest frame ≥ 50 ms running our scripts (LoAF, ms)', fmt: 'ms', loaf: true },
  { key: 'ownScriptMax', label: '… its longest script of ours (LoAF, ms)', fmt: 'ms', loaf: true },
  { key: 'otherFrameMax', label: 'longest frame ≥ 50 ms with no script of ours (LoAF, ms)', fmt: 'ms', loaf: true },
  { key: 'pasteMs', label: 'paste → attachment chip on screen (ms)', fmt: 'ms', paste: true },
  { key: 'mainThread', label: 'main thread busy (ms)', fmt: 'ms' },
  { key: 'script', label: '… of which script (ms)', fmt: 'ms' },
  { key: 'layoutStyle', label: '… of which style + layout (ms)', fmt: 'ms' },
  { key: 'heapMB', label: 'JS heap after GC (MB)', fmt: 'mb' },
  { key: 'domElements', label: 'DOM elements', fmt: 'n' },
  { key: 'streamMs', label: 'server: first → last byte (ms)', fmt: 'ms', stream: true },
]

function fmt(value, kind) {
  if (value === null || value === undefined) return '–'
  if (kind === 'mb') return value.toFixed(1)
  if (kind === 'n') return String(Math.round(value))
  return Math.abs(value) < 10 ? value.toFixed(1) : String(Math.round(value))
}

function ratio(app, floor) {
  if (app === null || floor === null || app === undefined || floor === undefined) return '–'
  if (floor === 0) return app === 0 ? '=' : '∞'
  return `${(app / floor).toFixed(2)}×`
}

const s7or8 = (scenario) => scenario === 'S7' || scenario === 'S8'

/** Targets of issues 3, 12 and 13, checked against the medians. `floor` A = one <pre>, B = split. */
function targets(scenario, m, runs) {
  const app = m.app ?? {}
  const pre = m.pre ?? {}
  const split = m.split ?? {}
  const checks = []
  const check = (label, ok, detail) => checks.push({ label, ok, detail })
  const le = (v, limit) => (v === null || v === undefined || limit === null || limit === undefined ? null : v <= limit)
  const streamTargets = (heapLimit) => {
    check('first token ≤ floor A + 35 ms', le(app.firstToken, pre.firstToken === undefined ? null : pre.firstToken + 35), `${fmt(app.firstToken)} vs ${fmt(pre.firstToken)} + 35`)
    check('render lag ≤ 33 ms', le(app.renderLag, 33), `${fmt(app.renderLag)} ms`)
    check('no long task', le(app.longTaskCount, 0), `${fmt(app.longTaskCount, 'n')} (longest ${fmt(app.longTaskMax)} ms)`)
    check('at most one frame gap over 33 ms', le(app.framesOver33, 1), `${fmt(app.framesOver33, 'n')} (worst ${fmt(app.worstFrameGap)} ms)`)
    check('main thread ≤ 1.5× floor A', le(app.mainThread, pre.mainThread === undefined ? null : 1.5 * pre.mainThread), `${fmt(app.mainThread)} vs ${fmt(pre.mainThread)} ms (${ratio(app.mainThread, pre.mainThread)})`)
    check(`heap ≤ ${heapLimit} MB`, le(app.heapMB, heapLimit), `${fmt(app.heapMB, 'mb')} MB`)
  }
  if (scenario === 'S1') streamTargets(10)
  if (scenario === 'S2') {
    const appRuns = runs.filter((r) => r.variant === 'app')
    const completed = appRuns.length > 0 && appRuns.every((r) => r.status === 'done' && !r.timedOut)
    check('always completes', completed, appRuns.map((r) => r.status).join(', '))
    const identical = appRuns.length > 0 && appRuns.every((r) => r.stored?.identical)
    check(
      'stored answer byte-identical to the stream',
      identical,
      appRuns.map((r) => (r.stored ? (r.stored.identical ? `identical (${r.stored.sentLength} chars)` : `differs at ${r.stored.firstDifference} (${r.stored.storedLength} vs ${r.stored.sentLength} chars, ${r.stored.status})`) : 'not read')).join('; '),
    )
    check('render lag ≤ 3× floor A', le(app.renderLag, pre.renderLag === undefined ? null : 3 * pre.renderLag), `${fmt(app.renderLag)} vs ${fmt(pre.renderLag)} ms (${ratio(app.renderLag, pre.renderLag)}; floor B ${fmt(split.renderLag)} ms, ${ratio(app.renderLag, split.renderLag)})`)
    check('no task over 150 ms', le(app.longTaskMax, 150), `longest ${fmt(app.longTaskMax)} ms`)
  }
  if (scenario === 'S3') {
    streamTargets(30)
    check('< 4,000 DOM elements', le(app.domElements, 3999), fmt(app.domElements, 'n'))
  }
  if (scenario === 'S4') {
    check('≤ 2 of 43 key presses ≥ 16 ms (probe-free, Event Timing alone)', le(app.quietKeys16, 2), `${fmt(app.quietKeys16, 'n')} (floor A ${fmt(pre.quietKeys16, 'n')}, floor B ${fmt(split.quietKeys16, 'n')})`)
    check('no key press ≥ 50 ms (probe-free)', le(app.quietKeys50, 0), fmt(app.quietKeys50, 'n'))
    check('≤ 2 of 43 key presses ≥ 16 ms (probed)', le(app.keys16, 2), `${fmt(app.keys16, 'n')} (floor A ${fmt(pre.keys16, 'n')}, floor B ${fmt(split.keys16, 'n')})`)
    check('no key press ≥ 50 ms (probed)', le(app.keys50, 0), fmt(app.keys50, 'n'))
  }
  if (scenario === 'S5') {
    check('render lag ≤ 50 ms', le(app.renderLag, 50), `${fmt(app.renderLag)} ms`)
    check('no long task', le(app.longTaskCount, 0), `${fmt(app.longTaskCount, 'n')} (longest ${fmt(app.longTaskMax)} ms)`)
    check('no frame gap over 50 ms', le(app.worstFrameGap, OVER_50), `worst ${fmt(app.worstFrameGap)} ms`)
    check('main thread ≤ 1.5× floor B', le(app.mainThread, split.mainThread === undefined ? null : 1.5 * split.mainThread), `${fmt(app.mainThread)} vs ${fmt(split.mainThread)} ms (${ratio(app.mainThread, split.mainThread)})`)
  }
  if (s7or8(scenario)) {
    const limit = SCENARIOS[scenario].maxTaskMs
    const appRuns = runs.filter((r) => r.variant === 'app')
    if (SCENARIOS[scenario].checkStored) {
      const completed = appRuns.length > 0 && appRuns.every((r) => r.status === 'done' && !r.timedOut)
      check('always completes', completed, appRuns.map((r) => r.status + (r.timedOut ? ' (timed out)' : '')).join(', '))
      const identical = appRuns.length > 0 && appRuns.every((r) => r.stored?.identical)
      check(
        'stored answer byte-identical to the stream',
        identical,
        appRuns
          .map((r) => (r.stored ? (r.stored.identical ? `identical (${r.stored.sentLength.toLocaleString('en')} chars, ${r.stored.sentBytes.toLocaleString('en')} bytes UTF-8)` : `differs at ${r.stored.firstDifference} (${r.stored.storedLength} vs ${r.stored.sentLength} chars, ${r.stored.status})`) : 'not read'))
          .join('; '),
      )
    }
    if (SCENARIOS[scenario].pasteChars) {
      const chips = appRuns.length > 0 && appRuns.every((r) => r.status === 'typed')
      check('the paste became an attachment chip', chips, appRuns.map((r) => `${r.status}, ${fmt(r.pastedChars, 'n')} chars`).join('; '))
      check('no key press ≥ 50 ms after the paste (probed)', le(app.keys50, 0), `${fmt(app.keys50, 'n')} (worst ${fmt(app.keyWorst)} ms; probe-free ${fmt(app.quietKeys50, 'n')}, worst ${fmt(app.quietKeyWorst)} ms)`)
    }
    check(`no task over ${limit} ms`, le(app.longTaskMax, limit), `longest ${fmt(app.longTaskMax)} ms (${fmt(app.longTaskCount, 'n')} long tasks, ${fmt(app.longTaskTotal)} ms in all)`)
    check(
      `no frame over ${limit} ms running our scripts (LoAF)`,
      le(app.ownFrameMax, limit),
      `longest ${fmt(app.ownFrameMax)} ms, its longest script of ours ${fmt(app.ownScriptMax)} ms; longest frame without our scripts ${fmt(app.otherFrameMax)} ms`,
    )
  }
  if (scenario === 'S6') {
    // No targets in the issue: these are the S3/S5 goals applied to 500 turns, reported as figures.
    const info = (label, ok, detail) => checks.push({ label, ok, detail, info: true })
    info('first token ≤ floor B + 35 ms', le(app.firstToken, split.firstToken === undefined ? null : split.firstToken + 35), `${fmt(app.firstToken)} vs ${fmt(split.firstToken)} + 35`)
    info('render lag ≤ 33 ms', le(app.renderLag, 33), `${fmt(app.renderLag)} ms`)
    info('no long task while streaming', le(app.longTaskCount, 0), `${fmt(app.longTaskCount, 'n')} (longest ${fmt(app.longTaskMax)} ms)`)
    info('no long task while scrolling', le(app.scrollLongTaskCount, 0), `${fmt(app.scrollLongTaskCount, 'n')} (longest ${fmt(app.scrollLongTaskMax)} ms)`)
    info('open ≤ 1.5× floor B', le(app.openMs, split.openMs === undefined ? null : 1.5 * split.openMs), `${fmt(app.openMs)} vs ${fmt(split.openMs)} ms (${ratio(app.openMs, split.openMs)})`)
    info('< 4,000 DOM elements', le(app.domElements, 3999), fmt(app.domElements, 'n'))
  }
  return checks
}

/** What the long animation frames (≥ 50 ms) of the app's runs were made of: scripts by source and invoker. */
function longFrameSummary(runs) {
  const lines = []
  for (const [phase, key] of [['open', 'openLongFrames'], ['scroll', 'scrollLongFrames'], ['measured', 'longFrames']]) {
    const frames = runs.flatMap((r) => r[key] ?? [])
    if (frames.length === 0) continue
    const byScript = new Map()
    for (const f of frames) {
      for (const sc of f.scripts) {
        const k = `${sc.source || '?'} (${sc.type}${sc.invoker ? ` ${sc.invoker}` : ''})`.slice(0, 120)
        const e = byScript.get(k) ?? { ms: 0, n: 0 }
        e.ms += sc.duration
        e.n++
        byScript.set(k, e)
      }
    }
    const longest = frames.reduce((a, f) => Math.max(a, f.duration), 0)
    const styleLayout = frames.reduce((a, f) => a + f.styleLayout, 0)
    const top = [...byScript].sort((a, b) => b[1].ms - a[1].ms).slice(0, 4)
    lines.push(
      `- ${phase}: ${frames.length} frame(s) ≥ 50 ms over ${runs.length} run(s), longest ${fmt(longest)} ms, style + layout in them ${fmt(styleLayout)} ms; ` +
        (top.length ? `scripts: ${top.map(([k, e]) => `${k} ${fmt(e.ms)} ms ×${e.n}`).join('; ')}` : 'no script attributed'),
    )
  }
  return lines
}

function report(results, opts, env) {
  const lines = []
  lines.push('# Inkstream streaming benchmark', '')
  lines.push(
    `${env.date} · ${env.chromium} · Node ${process.version} · ${env.cpus} CPUs (load average ${env.load.map((l) => l.toFixed(1)).join(' → ')}) · median of ${opts.runs} run(s) per page · app build \`${env.build}\``,
    '',
    'Floor A = raw text appended to one `<pre>`; floor B = one `<pre>` per paragraph. Ratios are app ÷ floor, measured in the same run.',
    '',
  )
  if (Math.max(...env.load) > env.cpus) {
    lines.push(`> Other work kept this machine busy (load average above ${env.cpus}): absolute figures are noisy; compare ratios.`, '')
  }
  const summary = []
  for (const scenario of opts.only) {
    const s = SCENARIOS[scenario]
    const runs = results.filter((r) => r.scenario === scenario)
    const variants = ['app', ...s.floors]
    const med = {}
    for (const v of variants) {
      med[v] = {}
      const vr = runs.filter((r) => r.variant === v)
      for (const f of FIGURES) med[v][f.key] = median(vr.map((r) => r[f.key]))
    }
    lines.push(`## ${scenario}: ${s.title}`, '')
    const floorHeads = s.floors.map((f) => (f === 'pre' ? 'floor A (pre)' : 'floor B (split)'))
    lines.push(`| figure | app |${floorHeads.map((h) => ` ${h} | ratio |`).join('')}`)
    lines.push(`| --- | ---: |${s.floors.map(() => ' ---: | ---: |').join('')}`)
    for (const f of FIGURES) {
      if (f.typing && !s.typing) continue
      if (f.stream && s.typing) continue
      if (f.history && !s.historyTurns) continue
      if (f.scroll && !s.scroll) continue
      if (f.loaf && !s.maxTaskMs) continue
      if (f.paste && !s.pasteChars) continue
      const cells = s.floors.map((v) => `${fmt(med[v][f.key], f.fmt)} | ${ratio(med.app[f.key], med[v][f.key])}`)
      lines.push(`| ${f.label} | ${fmt(med.app[f.key], f.fmt)} |${cells.map((c) => ` ${c} |`).join('')}`)
    }
    lines.push('')
    const checks = targets(scenario, med, runs)
    lines.push('Targets:', '')
    for (const c of checks) {
      const mark = (c.info ? 'info: ' : '') + (c.ok === null ? 'N/A' : c.ok ? 'PASS' : 'FAIL')
      lines.push(`- **${mark}** ${c.label}: ${c.detail}`)
      summary.push(`| ${scenario} | ${c.label} | ${mark} |`)
    }
    const frameLines = longFrameSummary(runs.filter((r) => r.variant === 'app'))
    if (frameLines.length) lines.push('', 'Long animation frames of the app (script attribution):', '', ...frameLines)
    const problems = runs.filter((r) => r.timedOut || r.pageErrors.length || (r.status !== 'done' && r.status !== 'typed'))
    for (const r of problems) {
      lines.push(`- note: ${r.variant} run ${r.run + 1} ended ${r.status}${r.timedOut ? ' (timed out)' : ''}${r.pageErrors.length ? `; page errors: ${r.pageErrors.join(' | ')}` : ''}`)
    }
    const perRun = variants
      .map((v) => {
        const vr = runs.filter((r) => r.variant === v)
        if (s.typing) return `${v} ${vr.map((r) => `${fmt(r.quietKeys16, 'n')}/${fmt(r.keys16, 'n')}`).join(' ')}`
        return `${v} ${vr.map((r) => fmt(r.renderLag, 'ms')).join('/')}`
      })
      .join(' · ')
    lines.push('', `<sub>per run, ${s.typing ? 'slow keys probe-free/probed' : 'render lag ms'}: ${perRun}</sub>`, '')
  }
  lines.push('## Target summary', '', '| scenario | target | result |', '| --- | --- | --- |', ...summary, '')
  lines.push(`Total bench time ${((Date.now() - env.start) / 1000).toFixed(0)} s. How each figure is measured: bench/README.md.`, '')
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const start = Date.now()
  const loadStart = loadavg()[0]
  const opts = parseArgs(process.argv.slice(2))
  mkdirSync(RESULTS_DIR, { recursive: true })
  if (opts.build) buildIfNeeded(opts.appDir)
  if (!existsSync(join(opts.appDir, 'index.html'))) throw new HarnessError(`no build in ${opts.appDir} (run without --no-build)`)
  const server = await startServerProcess(opts.appDir)
  let browser
  const results = []
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
      headless: true,
    })
    for (const scenario of opts.only) {
      const variants = ['app', ...SCENARIOS[scenario].floors].filter((v) => !opts.pages || opts.pages.includes(v))
      for (let run = 0; run < opts.runs; run++) {
        // Rotate the order each run so slow drift of a noisy machine does not favour one page.
        const order = variants.map((_, i) => variants[(i + run) % variants.length])
        for (const variant of order) {
          const t0 = Date.now()
          const r = await measure(browser, server, scenario, variant, run)
          results.push(r)
          const brief = SCENARIOS[scenario].typing
            ? `slow keys probe-free ${r.quietKeys16}/${r.quietKeys50}, probed ${r.keys16}/${r.keys50}, worst ${fmt(r.keyWorst)} ms`
            : `first ${fmt(r.firstToken)} ms, lag ${fmt(r.renderLag)} ms, longest task ${fmt(r.longTaskMax)} ms, main ${fmt(r.mainThread)} ms`
          log(`${scenario} run ${run + 1}/${opts.runs} ${variant.padEnd(5)} ${r.status.padEnd(5)} ${brief} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
        }
      }
    }
    const env = {
      start,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      chromium: `Chromium ${browser.version()}`,
      cpus: cpus().length,
      load: [loadStart, loadavg()[0]],
      build: relative(ROOT, opts.appDir) || '.',
    }
    const text = report(results, opts, env)
    writeFileSync(join(RESULTS_DIR, 'latest.md'), text)
    writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify({ env, opts, results }, null, 2))
    process.stdout.write(`${text}\n`)
    log(`wrote ${relative(ROOT, join(RESULTS_DIR, 'latest.md'))} and latest.json`)
  } finally {
    await browser?.close()
    server.stop()
  }
}

main().catch((error) => {
  log(`bench: harness error: ${error instanceof HarnessError ? error.message : (error?.stack ?? error)}`)
  process.exit(1)
})

