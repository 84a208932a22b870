import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../vite.config'

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8')

// The README's server examples are copied by hand into hosts' configs: they must send the policy the
// build puts in its <meta> tag (plus frame-ancestors, which only a header can carry), not an old one.
describe('README hosting examples', () => {
  const header = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`

  it('the nginx example sends the build policy and the other security headers', () => {
    const nginx = /```nginx\n([\s\S]*?)```/.exec(README)?.[1] ?? ''
    expect(nginx).toContain(`add_header Content-Security-Policy "${header}" always;`)
    expect(nginx).toContain('add_header Referrer-Policy "no-referrer" always;')
    expect(nginx).toContain('add_header X-Content-Type-Options "nosniff" always;')
  })

  it('the Caddy example sends the build policy and the other security headers', () => {
    const caddy = /```caddy\n([\s\S]*?)```/.exec(README)?.[1] ?? ''
    expect(caddy).toContain(`Content-Security-Policy "${header}"`)
    expect(caddy).toContain('Referrer-Policy "no-referrer"')
    expect(caddy).toContain('X-Content-Type-Options "nosniff"')
  })

  it('the build policy allows no inline or eval script and keeps the worker and manifest same-origin', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
    expect(CONTENT_SECURITY_POLICY).toContain("worker-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("manifest-src 'self'")
  })
})
