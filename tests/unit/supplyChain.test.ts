// Supply chain and static rules of the hostile-input promise (issue 12): version floors above the
// known advisories, no settings read from the URL, one audited v-html sink, the CI audit step.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> }

function installed(name: string): string | undefined {
  return lock.packages[`node_modules/${name}`]?.version
}

function atLeast(version: string, floor: string): boolean {
  const a = version.split('-')[0]!.split('.').map(Number)
  const b = floor.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  }
  return true
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
}

describe('supply chain', () => {
  const floors = (JSON.parse(readFileSync(join(root, 'scripts/supply-floors.json'), 'utf8')) as { floors: Record<string, { version: string }> }).floors

  it.each(Object.entries(floors).map(([name, f]) => [name, f.version]))('%s is at least %s', (name, floor) => {
    const version = installed(name)
    expect(version, `${name} is installed`).toBeDefined()
    expect(atLeast(version!, floor), `${name} ${version} >= ${floor}`).toBe(true)
  })

  it('the floors cover markdown-it, KaTeX and highlight.js', () => {
    expect(Object.keys(floors).sort()).toEqual(['highlight.js', 'katex', 'markdown-it'])
  })

  it('CI audits runtime dependencies before the test suite, which stays the last step', () => {
    const lines = readFileSync(join(root, '.ci/run'), 'utf8').trim().split('\n')
    const audit = lines.indexOf('node scripts/audit.mjs')
    expect(audit).toBeGreaterThan(lines.indexOf('npm ci'))
    expect(readFileSync(join(root, 'scripts/audit.mjs'), 'utf8')).toContain("'audit', '--omit=dev', '--audit-level=high', '--json'")
    expect(lines.at(-1)).toBe('npm test')
  })

  it('the build-output check runs in npm test (inside test:e2e, after both builds)', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(scripts.test).toContain('npm run test:e2e')
    expect(scripts['test:e2e']).toMatch(/vite build --mode single && npm run check:dist && playwright test/)
    expect(scripts['check:dist']).toBe('node scripts/check-dist.mjs')
  })
})

describe('nothing sets the endpoint from outside', () => {
  const sources = files(join(root, 'src')).filter((f) => /\.(ts|vue)$/.test(f))

  it('no source reads the URL query or hash (settings, keys or messages can never come from a link)', () => {
    const readers = sources.filter((f) => /location\.(search|hash|href)|URLSearchParams|searchParams|hashchange|popstate/.test(readFileSync(f, 'utf8')))
    expect(readers.map((f) => f.slice(root.length + 1))).toEqual([])
  })

  it('HTML enters the DOM in exactly one audited place (the Markdown sink); no v-html anywhere', () => {
    const html = /\sv-html=|innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=|document\.write|createContextualFragment|srcdoc/
    const users = sources.filter((f) => html.test(readFileSync(f, 'utf8')))
    expect(users.map((f) => f.slice(root.length + 1))).toEqual(['src/components/markdown/MarkdownContent.vue'])
    expect(sources.filter((f) => /\sv-html=/.test(readFileSync(f, 'utf8')))).toEqual([])
  })

  it('markdown-it runs with html and typographer off', () => {
    const renderer = readFileSync(join(root, 'src/core/markdown/renderer.ts'), 'utf8')
    expect(renderer).toMatch(/html:\s*false/)
    expect(renderer).not.toMatch(/typographer:\s*true/)
  })

  it('every provider request refuses redirects and sends no credentials or referrer', () => {
    for (const file of ['src/core/provider/request.ts', 'src/core/provider/endpoint.ts']) {
      const text = readFileSync(join(root, file), 'utf8')
      expect(text, file).toContain("redirect: 'error'")
      expect(text, file).toContain("credentials: 'omit'")
      expect(text, file).toContain("referrerPolicy: 'no-referrer'")
    }
  })
})
