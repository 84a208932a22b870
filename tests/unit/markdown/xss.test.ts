import { describe, expect, it } from 'vitest'
import { parseHTML } from 'linkedom'
import { createStreamingMarkdown } from '../../../src/core/markdown'
import { fullRenderer } from './setup'

const renderer = fullRenderer()

/** Elements the renderer may emit outside KaTeX output. */
const ALLOWED = new Set([
  'P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'EM', 'STRONG', 'S', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI',
  'A', 'BR', 'HR', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'DIV', 'SPAN', 'BUTTON', 'INPUT', 'SVG', 'RECT', 'PATH',
])
const SCHEMES = /^(https?:\/\/|mailto:)/i

const CORPUS = [
  '<script>window.__pwn("script")</script>',
  '<img src=x onerror="__pwn(1)">',
  '<svg onload=__pwn(1)><circle r=1 /></svg>',
  '<iframe srcdoc="<script>parent.__pwn(1)</script>"></iframe>',
  '<object data="javascript:__pwn(1)"></object><embed src="javascript:__pwn(1)">',
  '<style>body{background:url(https://sink.example/x)}</style>',
  '<meta http-equiv="refresh" content="0;url=javascript:__pwn(1)">',
  '<base href="https://sink.example/"><form action="https://sink.example/"><button>go</button></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror=__pwn(1)>',
  '<svg><style><img src=x onerror=__pwn(1)></style></svg>',
  '<a href="javascript:__pwn(1)">html link</a>',
  '<!-- <img src=x onerror=__pwn(1)> -->',
  '[inline](javascript:__pwn(1))',
  '[mixed](JaVaScRiPt:__pwn(1))',
  '[entity](jav&#x61;script:__pwn(1))',
  '[entity2](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__pwn(1))',
  '[tab](java\tscript:__pwn(1))',
  '[nl](java&#10;script:__pwn(1))',
  '[pct](javascript%3A__pwn(1))',
  '[slashes](javascript://%0a__pwn(1))',
  '[data](data:text/html;base64,PHNjcmlwdD5fX3B3bigxKTwvc2NyaXB0Pg==)',
  '[vb](vbscript:msgbox(1))',
  '[file](file:///etc/passwd)',
  '[ref][x]\n\n[x]: javascript:__pwn(1)',
  '[ref2][y]\n\n[y]: <JAVASCRIPT:__pwn(1)> "t"',
  '<javascript:__pwn(1)>',
  '<JavaScript:__pwn(1)>',
  '<data:text/html,<script>__pwn(1)</script>>',
  'bare javascript:__pwn(1) and data:text/html,x',
  '[q](https://ok.example/" onmouseover="__pwn(1))',
  '[t](https://ok.example/ "a\\" onmouseover=\\"__pwn(1)")',
  '![alt" onerror="__pwn(1)](https://sink.example/i.png)',
  '![img](javascript:__pwn(1))',
  '![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9X19wd24oMSk+)',
  '![img](data:image/png;base64,iVBORw0KGgo=)',
  '[![nested](https://sink.example/a.png)](https://ok.example/)',
  '![ref][img]\n\n[img]: https://sink.example/r.png',
  '```html\n<script>__pwn(1)</script>\n```',
  '```"><img src=x onerror=__pwn(1)>\nx\n```',
  '`<img src=x onerror=__pwn(1)>`',
  '$\\href{javascript:__pwn(1)}{x}$ $\\url{javascript:__pwn(1)}$',
  '$$\\htmlData{onload=__pwn(1)}{x}$$',
  '$\\htmlStyle{background:url(https://sink.example/)}{x}$',
  '$\\includegraphics{https://sink.example/k.png}$',
  '| <img src=x onerror=__pwn(1)> | b |\n|---|---|\n| [x](javascript:__pwn(1)) | ![i](https://sink.example/t.png) |',
  '- [ ] <input onfocus=__pwn(1) autofocus>',
  '# <h1 id="clobber" name="clobber">',
  '[id](https://ok.example/#clobber){#id}',
]

function check(html: string, source: string): void {
  const { document } = parseHTML(`<!doctype html><html><body><main>${html}</main></body></html>`)
  const root = document.querySelector('main')!
  for (const el of root.querySelectorAll('*')) {
    const inKatex = !!el.closest('.katex')
    const tag = el.tagName.toUpperCase()
    if (!inKatex) expect(ALLOWED.has(tag), `<${tag}> from ${JSON.stringify(source)}`).toBe(true)
    for (const { name, value } of el.attributes) {
      expect(name.startsWith('on'), `${name} on <${tag}> from ${JSON.stringify(source)}`).toBe(false)
      expect(['id', 'name', 'src', 'srcdoc', 'action', 'formaction', 'xlink:href'].includes(name), `${name} from ${JSON.stringify(source)}`).toBe(false)
      if (name === 'style') {
        const allowed = inKatex || ((tag === 'TH' || tag === 'TD') && /^text-align:(left|right|center)$/.test(value))
        expect(allowed, `style="${value}" from ${JSON.stringify(source)}`).toBe(true)
        expect(value).not.toMatch(/url\(|expression|@import/i)
      }
      if (name === 'href') expect(value, `href from ${JSON.stringify(source)}`).toMatch(SCHEMES)
    }
    if (tag === 'A') {
      expect(el.getAttribute('target')).toBe('_blank')
      expect(el.getAttribute('rel')).toBe('noopener noreferrer')
    }
    if (tag === 'INPUT') {
      expect(el.getAttribute('type')).toBe('checkbox')
      expect(el.hasAttribute('disabled')).toBe(true)
    }
  }
  expect(root.querySelectorAll('script, iframe, object, embed, style, meta, base, form, img, svg svg, math math').length).toBe(0)
}

describe('XSS corpus (threat model test 1)', () => {
  it('renders every payload without executable markup, remote fetches or input-derived ids', () => {
    for (const source of CORPUS) check(renderer.render(source), source)
  })

  it('every prefix of every payload, as a stream would show it, is just as inert', () => {
    for (const source of CORPUS) {
      const stream = createStreamingMarkdown(renderer)
      let shown = ''
      for (const ch of source) {
        stream.append(ch)
        const update = stream.update()
        if (update.reset) shown = ''
        shown += update.newlyFinalHtml.join('')
        check(shown + update.tailHtml, source)
      }
      shown += stream.finish().newlyFinalHtml.join('')
      check(shown, source)
    }
  })

  it('the whole corpus as one streamed answer is inert', () => {
    const doc = CORPUS.join('\n\n')
    const stream = createStreamingMarkdown(renderer)
    let shown = ''
    for (let i = 0; i < doc.length; i += 5) {
      stream.append(doc.slice(i, i + 5))
      const update = stream.update()
      if (update.reset) shown = ''
      shown += update.newlyFinalHtml.join('')
      check(shown + update.tailHtml, doc)
    }
    const last = stream.finish()
    if (last.reset) shown = ''
    check(shown + last.newlyFinalHtml.join(''), doc)
  }, 60_000)
})
