// `npm run size`: the gzip size of what the built page (dist/) loads first, JS and CSS, and of every
// chunk it loads on demand. Fails when the first load is over budget. Run after `vite build`.
// "First load" is what dist/index.html references: its module script, the chunks it preloads and
// its stylesheets. Sizes are gzip at zlib's default level 6, as a typical static host sends them.
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

const KIB = 1024
/** Budgets for the first load (issue 11): JS ≤ 90 KiB gzip; CSS kept small too. */
const BUDGET = { js: 90 * KIB, css: 16 * KIB }

const dist = join(import.meta.dirname, '..', 'dist')
if (!existsSync(join(dist, 'index.html'))) {
  console.error('dist/index.html is missing: run `vite build` first (npm run size does).')
  process.exit(1)
}

const html = readFileSync(join(dist, 'index.html'), 'utf8')
const referenced = (pattern) => [...html.matchAll(pattern)].map((m) => m[1].replace(/^\.\//, ''))
const initialJs = new Set([
  ...referenced(/<script[^>]*\stype="module"[^>]*\ssrc="([^"]+)"/g),
  ...referenced(/<link[^>]*\srel="modulepreload"[^>]*\shref="([^"]+)"/g),
])
const initialCss = new Set(referenced(/<link[^>]*\srel="stylesheet"[^>]*\shref="([^"]+)"/g))
if (initialJs.size === 0) {
  console.error('dist/index.html loads no module script: cannot measure the first load.')
  process.exit(1)
}
// A chunk that an initial chunk imports statically loads first too, preloaded or not (`import("…")`,
// with its parenthesis, is a lazy load and is not followed).
for (const chunk of initialJs) {
  const code = readFileSync(join(dist, chunk), 'utf8')
  for (const [, spec] of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\.?\/[^"']+\.js)["']/g)) {
    initialJs.add(join(chunk, '..', spec).split('\\').join('/'))
  }
}

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

function measure(path) {
  const bytes = readFileSync(join(dist, path))
  return { path, raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length }
}

const kib = (n) => `${(n / KIB).toFixed(1)} KiB`
const row = ({ path, raw, gzip }) => `  ${kib(gzip).padStart(10)}  ${`(${kib(raw)} raw)`.padStart(16)}  ${path}`
const sum = (list) => list.reduce((total, f) => total + f.gzip, 0)

const all = files(dist).map((f) => relative(dist, f).split('\\').join('/'))
const js = [...initialJs].map(measure)
const css = [...initialCss].map(measure)
const lazy = all
  .filter((f) => f.startsWith('assets/') && /\.(js|css)$/.test(f) && !initialJs.has(f) && !initialCss.has(f))
  .map(measure)
  .sort((a, b) => b.gzip - a.gzip)
const worker = all.filter((f) => /^(sw|workbox-[\w-]+)\.js$/.test(f)).map(measure)

const jsTotal = sum(js)
const cssTotal = sum(css)
console.log('First load (gzip, level 6):')
for (const f of [...js, ...css]) console.log(row(f))
console.log(`  initial JS  ${kib(jsTotal)} of ${kib(BUDGET.js)} budget`)
console.log(`  initial CSS ${kib(cssTotal)} of ${kib(BUDGET.css)} budget`)
console.log(`\nLoaded on demand (${lazy.length} chunks, ${kib(sum(lazy))} gzip in all):`)
for (const f of lazy) console.log(row(f))
if (worker.length > 0) {
  console.log('\nService worker (loaded by the browser after the page, not by it):')
  for (const f of worker) console.log(row(f))
}

const over = []
if (jsTotal > BUDGET.js) over.push(`initial JS is ${kib(jsTotal)}, over its ${kib(BUDGET.js)} budget`)
if (cssTotal > BUDGET.css) over.push(`initial CSS is ${kib(cssTotal)}, over its ${kib(BUDGET.css)} budget`)
if (over.length > 0) {
  console.error(`\nSize budget exceeded: ${over.join('; ')}. Load what the chat does not need on demand.`)
  process.exit(1)
}
console.log('\nWithin budget.')
