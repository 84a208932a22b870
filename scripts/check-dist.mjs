// `node scripts/check-dist.mjs`: the built page can load nothing it does not ship, and runs no
// inline script. Run after `vite build` (and `vite build --mode single` for dist-single/).
//
// dist/ (the hosted build):
//   - every HTML file: no inline <script>, no on* handler attributes, no javascript: URLs, every
//     src/href/srcset/poster/action/refresh target on this origin (relative) or data:/blob:;
//   - index.html carries a CSP with script-src 'self' (no 'unsafe-inline'/'unsafe-eval'),
//     object-src 'none', base-uri 'none', frame-src 'none', img-src without remote hosts;
//   - CSS: every url() and @import is relative or data:;
//   - JS: no remote import()/importScripts()/Worker/src=, and every absolute URL in the code is
//     on a short, explained list (the provider presets a user may choose, XML namespace names,
//     documentation links in library console messages, a placeholder) — never fetched on its own.
// dist-single/ (one HTML file for file://): its inline script and stylesheet are allowed by hash
//   only; otherwise the same rules.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..')

/** Hosts an absolute URL in the built code may name, and why none of them is loaded by the page itself. */
const ALLOWED_HOSTS = new Map([
  // Provider presets (src/core/provider/profiles.ts): requested only when the user sends to them.
  ...presetHosts().map((host) => [host, 'a provider preset']),
  ['api.example.com', 'the base URL placeholder text'],
  ['dav.example.com', 'the WebDAV folder placeholder text in Settings → Sync'],
  ['www.w3.org', 'XML namespace names (SVG, MathML, XLink): identifiers, never fetched'],
  ['github.com', 'highlight.js security wiki link in a console warning'],
  ['vuejs.org', 'Vue error reference link in a console message'],
  ['bit.ly', 'Workbox documentation link in a console warning'],
  ['$', 'markdown-it linkify template (`http://${url}`), not a host'],
])

function presetHosts() {
  const profiles = readFileSync(join(root, 'src/core/provider/profiles.ts'), 'utf8')
  return [...profiles.matchAll(/baseUrl:\s*'(https?:\/\/[^']+)'/g)].map((m) => new URL(m[1]).host)
}

const problems = []
const fail = (file, what) => problems.push(`${relative(root, file)}: ${what}`)

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? walk(path) : [path]
  })
}

const LOCAL = /^(?:\.{0,2}\/(?!\/)|[A-Za-z0-9_-][^:]*$|data:|blob:|#)/

function isLocal(url) {
  const value = url.trim()
  return value === '' || LOCAL.test(value)
}

function sha256(text) {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`
}

function cspOf(html) {
  const meta = html.match(/<meta[^>]+http-equiv=["']Content-Security-Policy["'][^>]*>/i)?.[0]
  if (!meta) return undefined
  const raw = meta.match(/content=(["'])(.*?)\1/i)?.[2] ?? ''
  const content = raw.replace(/&#39;|&#x27;|&apos;/gi, "'").replace(/&quot;/gi, '"').replace(/&amp;/gi, '&')
  return Object.fromEntries(
    content.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
      const [name, ...sources] = d.split(/\s+/)
      return [name.toLowerCase(), sources]
    }),
  )
}

function checkCsp(file, csp, { single }) {
  if (!csp) return fail(file, 'no Content-Security-Policy meta')
  const script = csp['script-src'] ?? csp['default-src'] ?? []
  if (!single && !script.includes("'self'")) fail(file, `script-src is not 'self': ${script.join(' ')}`)
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', 'data:']) {
    if (script.includes(bad)) fail(file, `script-src allows ${bad}`)
  }
  for (const [name, wanted] of [['object-src', "'none'"], ['base-uri', "'none'"], ['frame-src', "'none'"], ['form-action', "'none'"]]) {
    if (!(csp[name] ?? []).includes(wanted)) fail(file, `${name} is not ${wanted}`)
  }
  for (const name of ['img-src', 'font-src', 'media-src', 'style-src']) {
    const sources = csp[name] ?? csp['default-src'] ?? []
    for (const s of sources) if (s === '*' || s === 'http:' || s === 'https:' || /^https?:\/\//.test(s)) fail(file, `${name} admits remote ${s}`)
  }
  if ((csp['style-src'] ?? []).includes("'unsafe-inline'")) fail(file, "style-src allows 'unsafe-inline' (only style attributes may be inline)")
}

function checkHtml(file, { single }) {
  const html = readFileSync(file, 'utf8')
  const csp = cspOf(html)
  if (file.endsWith('index.html')) checkCsp(file, csp, { single })
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attrs, body] = m
    const src = attrs.match(/\ssrc=(["'])(.*?)\1/i)?.[2]
    if (src !== undefined) {
      if (!isLocal(src)) fail(file, `script from another origin: ${src}`)
      continue
    }
    if (!single) fail(file, `inline script: ${body.trim().slice(0, 60)}…`)
    else if (!(csp?.['script-src'] ?? []).includes(sha256(body))) fail(file, 'inline script not allowed by a CSP hash')
  }
  if (single) {
    for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
      if (!(csp?.['style-src'] ?? []).includes(sha256(m[1]))) fail(file, 'inline stylesheet not allowed by a CSP hash')
    }
  }
  // Markup outside script and style bodies.
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script>').replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '<style>')
  for (const m of markup.matchAll(/<[a-z][^>]*\son[a-z]+\s*=/gi)) fail(file, `event handler attribute: ${m[0].slice(0, 60)}`)
  for (const m of markup.matchAll(/\s(src|href|poster|action|formaction|data|srcset)\s*=\s*(["'])(.*?)\2/gi)) {
    const [, name, , value] = m
    const urls = name.toLowerCase() === 'srcset' ? value.split(',').map((c) => c.trim().split(/\s+/)[0]) : [value]
    for (const url of urls) {
      if (/^\s*javascript:/i.test(url)) fail(file, `javascript: URL in ${name}`)
      else if (!isLocal(url)) fail(file, `${name} loads from another origin: ${url}`)
    }
  }
  for (const m of markup.matchAll(/http-equiv=["']refresh["'][^>]*content=(["'])(.*?)\1/gi)) fail(file, `meta refresh: ${m[2]}`)
  // Everything the page inlines (the single file) is checked like the files it would otherwise load.
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) checkCss(file, m[1])
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) checkJs(file, m[1])
}

function checkCss(file, css) {
  for (const m of css.matchAll(/url\(\s*(["']?)([^"')]*)\1\s*\)/gi)) if (!isLocal(m[2])) fail(file, `CSS url() from another origin: ${m[2].slice(0, 80)}`)
  for (const m of css.matchAll(/@import\s+(?:url\()?\s*["']?([^"')\s;]+)/gi)) if (!isLocal(m[1])) fail(file, `CSS @import from another origin: ${m[1]}`)
}

function checkJs(file, js) {
  for (const m of js.matchAll(/\b(import|importScripts|Worker|SharedWorker|EventSource|WebSocket)\s*\(\s*[`'"]((?:https?|wss?):)?\/\//g)) fail(file, `${m[1]}() of a remote URL`)
  for (const m of js.matchAll(/\b(?:src|href)\s*[:=]\s*[`'"](https?:\/\/[^`'"]+)/g)) {
    const host = new URL(m[1]).host
    if (!ALLOWED_HOSTS.has(host)) fail(file, `a src/href set to ${m[1]}`)
  }
  for (const m of js.matchAll(/\b(?:https?|wss?):\/\/([A-Za-z0-9.$-]+(?::\d+)?)/g)) {
    const host = m[1].replace(/\.$/, '')
    if (!ALLOWED_HOSTS.has(host)) fail(file, `absolute URL to ${host} (add it to ALLOWED_HOSTS only if the page never loads it by itself)`)
  }
}

let checked = 0
for (const [dir, single] of [['dist', false], ['dist-single', true]]) {
  const base = join(root, dir)
  if (!existsSync(join(base, 'index.html'))) {
    if (dir === 'dist') {
      console.error('dist/index.html is missing: run `vite build` first.')
      process.exit(1)
    }
    continue
  }
  for (const file of walk(base)) {
    checked += 1
    if (file.endsWith('.html')) checkHtml(file, { single })
    else if (file.endsWith('.css')) checkCss(file, readFileSync(file, 'utf8'))
    else if (file.endsWith('.js') || file.endsWith('.mjs')) checkJs(file, readFileSync(file, 'utf8'))
    else if (file.endsWith('.webmanifest') || file.endsWith('.json')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/"(?:src|start_url|scope)"\s*:\s*"([^"]*)"/g)) if (!isLocal(m[1])) fail(file, `manifest URL from another origin: ${m[1]}`)
    } else if (file.endsWith('.svg')) {
      const svg = readFileSync(file, 'utf8')
      if (/<script|\son[a-z]+\s*=|href\s*=\s*["'](?!#|data:)/i.test(svg)) fail(file, 'SVG with script, handler or external reference')
    }
  }
}

if (problems.length > 0) {
  console.error(`Build output check failed (${problems.length}):\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`Build output check: ${checked} files, no inline script, nothing loaded from another origin.`)
