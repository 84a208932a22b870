import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Plugin, Rollup } from 'vite'

type OutputAsset = Rollup.OutputAsset
type OutputChunk = Rollup.OutputChunk

/**
 * `npm run build:single`: one self-contained index.html. The build runs with dynamic imports inlined
 * and every asset (KaTeX fonts included) as a data: URL; this plugin then moves the one script and
 * the one stylesheet into the page, inlines the icon, and writes a CSP that allows exactly that
 * script and that stylesheet by hash. Nothing else can run: no 'unsafe-inline', no 'unsafe-eval'.
 */
export function singleFile(policy: (hashes: { script: string; style: string }) => string, publicDir: string): Plugin {
  return {
    name: 'inkstream-single-file',
    apply: 'build',
    enforce: 'post',
    // After Vite's own generateBundle hooks, which fill in placeholders such as the preload list.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const page = bundle['index.html'] as OutputAsset | undefined
        if (!page) this.error('single-file build: index.html is missing from the bundle')
        const chunks = Object.values(bundle).filter((file): file is OutputChunk => file.type === 'chunk')
        const styles = Object.values(bundle).filter((file): file is OutputAsset => file.type === 'asset' && file.fileName.endsWith('.css'))
        if (chunks.length !== 1) this.error(`single-file build: expected one script, got ${chunks.map((c) => c.fileName).join(', ')}`)
        const [chunk] = chunks as [OutputChunk]
        if (chunk.code.includes('__VITE_')) this.error('single-file build: the script still holds a Vite placeholder')
        const script = escapeScript(chunk.code)
        try {
          this.parse(script)
        } catch (error) {
          this.error(`single-file build: the script no longer parses after escaping it for HTML (${String(error)})`)
        }
        const style = styles.map((asset) => String(asset.source)).join('\n')
        if (/<\/style/i.test(style)) this.error('single-file build: a stylesheet contains "</style"')

        let html = String(page.source)
        html = html.replace(/<script type="module"[^>]*\ssrc="[^"]*"[^>]*><\/script>\s*/g, '')
        html = html.replace(/<link rel="stylesheet"[^>]*>\s*/g, '')
        html = html.replace(/<link rel="modulepreload"[^>]*>\s*/g, '')
        html = html.replace(/<link rel="(icon|apple-touch-icon)" href="([^"]+)"([^>]*)>/g, (_tag, rel: string, href: string, rest: string) => {
          const file = resolve(publicDir, href.replace(/^\.?\//, ''))
          const type = file.endsWith('.svg') ? 'image/svg+xml' : 'image/png'
          return `<link rel="${rel}" href="data:${type};base64,${readFileSync(file).toString('base64')}"${rest.replace(/\stype="[^"]*"/, '')}>`
        })
        html = html.replace(/<link rel="manifest"[^>]*>\s*/g, '')
        if (/\s(src|href)="(?!data:)[^"#]/.test(html)) this.error('single-file build: the page still refers to a file')

        const content = policy({ script: sha256(script), style: sha256(style) })
        html = html
          .replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${content}">`)
          .replace('</head>', () => `    <style>${style}</style>\n  </head>`)
          .replace('</body>', () => `    <script type="module">${script}</script>\n  </body>`)
        page.source = html
        for (const name of Object.keys(bundle)) if (name !== 'index.html') delete bundle[name]
      },
    },
  }
}

/**
 * Inside <script>, the HTML parser only reacts to "</script" and "<!--" (the start of an "escaped"
 * state in which even a real </script> may not close the element). Both only occur in strings and
 * regular expressions here (highlight.js and markdown-it grammars), where "<\/" and "<\!" mean the
 * same. The result is parsed again, so a context where that is not true fails the build instead.
 */
function escapeScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}
