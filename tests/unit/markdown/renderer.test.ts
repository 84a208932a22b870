import { describe, expect, it } from 'vitest'
import { MARKDOWN_OPTIONS, renderMarkdown } from '../../../src/core/markdown'
import { bareRenderer, fullRenderer } from './setup'

const md = fullRenderer()
const render = (text: string) => md.render(text)

describe('renderer options (security-relevant, threat model test 43)', () => {
  it('keeps raw HTML off and the typographer off', () => {
    expect(MARKDOWN_OPTIONS).toMatchInlineSnapshot(`
      {
        "breaks": false,
        "html": false,
        "linkify": true,
        "typographer": false,
        "xhtmlOut": false,
      }
    `)
    expect(md.md.options.html).toBe(false)
    expect(md.md.options.typographer).toBe(false)
  })
})

describe('CommonMark blocks and inlines', () => {
  it('headings, paragraphs, emphasis, inline code, hard and soft breaks', () => {
    expect(render('# Title\n\nSome *em* and **strong** and `code <b>`.\nNext line  \nhard break\n\n## 中文标题\n\n你好，世界。')).toMatchInlineSnapshot(`
      "<h1>Title</h1><p>Some <em>em</em> and <strong>strong</strong> and <code>code &lt;b&gt;</code>.
      Next line<br>
      hard break</p><h2>中文标题</h2><p>你好，世界。</p>"
    `)
  })
  it('setext headings, rules, blockquotes with lazy continuation', () => {
    expect(render('Title\n=====\n\n---\n\n> quoted\nlazy line\n\n> - in a list')).toMatchInlineSnapshot(`
      "<h1>Title</h1><hr><blockquote><p>quoted
      lazy line</p></blockquote><blockquote><ul><li>in a list</li></ul></blockquote>"
    `)
  })
  it('tight and loose lists, ordered start numbers, nesting', () => {
    expect(render('- a\n- b\n  - nested\n\n3. three\n4. four\n\n- loose\n\n- list')).toMatchInlineSnapshot(`"<ul><li>a</li><li>b<ul><li>nested</li></ul></li></ul><ol start="3"><li>three</li><li>four</li></ol><ul><li><p>loose</p></li><li><p>list</p></li></ul>"`)
  })
  it('writes no whitespace between blocks, so the element text is exactly the rendered text', () => {
    expect(render('one\n\ntwo')).toBe('<p>one</p><p>two</p>')
  })
})

describe('GFM', () => {
  it('tables with alignment', () => {
    expect(render('| left | right | mid |\n|:--|--:|:-:|\n| 1 | 2 | 3 |')).toMatchInlineSnapshot(`"<table><thead><tr><th style="text-align:left">left</th><th style="text-align:right">right</th><th style="text-align:center">mid</th></tr></thead><tbody><tr><td style="text-align:left">1</td><td style="text-align:right">2</td><td style="text-align:center">3</td></tr></tbody></table>"`)
  })
  it('task lists (disabled checkboxes, no id or name)', () => {
    expect(render('- [ ] open\n- [x] done\n- [X] also done\n- not a task [ ]')).toMatchInlineSnapshot(`"<ul><li class="md-task"><input type="checkbox" class="md-task-box" disabled aria-label="Not done">open</li><li class="md-task"><input type="checkbox" class="md-task-box" disabled checked aria-label="Done">done</li><li class="md-task"><input type="checkbox" class="md-task-box" disabled checked aria-label="Done">also done</li><li>not a task [ ]</li></ul>"`)
  })
  it('strikethrough', () => {
    expect(render('~~gone~~ and ~one~')).toMatchInlineSnapshot(`"<p><s>gone</s> and ~one~</p>"`)
  })
})

describe('links and images', () => {
  it('open in a new tab without opener or referrer; bare URLs with a scheme are linked', () => {
    expect(render('[site](https://example.com "T") <https://a.example/x> https://b.example/y mailto:me@example.com main.py')).toMatchInlineSnapshot(`"<p><a href="https://example.com" title="T" target="_blank" rel="noopener noreferrer">site</a> <a href="https://a.example/x" target="_blank" rel="noopener noreferrer">https://a.example/x</a> <a href="https://b.example/y" target="_blank" rel="noopener noreferrer">https://b.example/y</a> <a href="mailto:me@example.com" target="_blank" rel="noopener noreferrer">mailto:me@example.com</a> main.py</p>"`)
  })
  it('reference-style links', () => {
    expect(render('See [the docs][d] and [d].\n\n[d]: https://docs.example/ "Docs"')).toMatchInlineSnapshot(`"<p>See <a href="https://docs.example/" title="Docs" target="_blank" rel="noopener noreferrer">the docs</a> and <a href="https://docs.example/" title="Docs" target="_blank" rel="noopener noreferrer">d</a>.</p>"`)
  })
  it('only http(s) and mailto are clickable; other schemes and relative links stay text', () => {
    expect(render('[a](javascript:alert(1)) [b](/relative) [c](#frag) [d](ftp://x.example/)')).toMatchInlineSnapshot(`"<p>[a](javascript:alert(1)) [b](/relative) [c](#frag) [d](ftp://x.example/)</p>"`)
  })
  it('images become click-to-load placeholders naming the host; nothing is fetched', () => {
    expect(render('![a cat](https://img.example.com/cat.png?q=1&r=2 "Cat")')).toMatchInlineSnapshot(`"<p><button type="button" class="md-image" data-src="https://img.example.com/cat.png?q=1&amp;r=2" data-host="img.example.com" data-alt="a cat" title="Load image from https://img.example.com/cat.png?q=1&amp;r=2" aria-label="Load image “a cat” from img.example.com"></button></p>"`)
    expect(render('![x](data:image/png;base64,AAAA) ![y](/local.png)')).toMatchInlineSnapshot(`"<p>![x](data:image/png;base64,AAAA) ![y](/local.png)</p>"`)
  })
})

describe('code', () => {
  it('fenced code is highlighted when the language is loaded, with an icon-only copy button', () => {
    expect(render('```python\ndef f(x):\n    return x * 2  # <b>\n```')).toMatchInlineSnapshot(`
      "<div class="md-code" data-lang="python"><button type="button" class="md-copy" aria-label="Copy code" title="Copy code"><svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><rect x="9" y="9" width="11" height="11" rx="2"></rect><path d="M5 15V6a2 2 0 0 1 2-2h9"></path></svg></button><pre><code class="hljs language-python"><span class="hljs-keyword">def</span> <span class="hljs-title function_">f</span>(<span class="hljs-params">x</span>):
          <span class="hljs-keyword">return</span> x * <span class="hljs-number">2</span>  <span class="hljs-comment"># &lt;b&gt;</span>
      </code></pre></div>"
    `)
  })
  it('unknown or missing languages stay escaped text; indented code too', () => {
    expect(render('```brainfuck\n<script>+++</script>\n```\n\n```\nplain & simple\n```\n\n    indented <i>')).toMatchInlineSnapshot(`
      "<div class="md-code" data-lang="brainfuck"><button type="button" class="md-copy" aria-label="Copy code" title="Copy code"><svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><rect x="9" y="9" width="11" height="11" rx="2"></rect><path d="M5 15V6a2 2 0 0 1 2-2h9"></path></svg></button><pre><code class="language-brainfuck">&lt;script&gt;+++&lt;/script&gt;
      </code></pre></div><div class="md-code"><button type="button" class="md-copy" aria-label="Copy code" title="Copy code"><svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><rect x="9" y="9" width="11" height="11" rx="2"></rect><path d="M5 15V6a2 2 0 0 1 2-2h9"></path></svg></button><pre><code>plain &amp; simple
      </code></pre></div><div class="md-code"><button type="button" class="md-copy" aria-label="Copy code" title="Copy code"><svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><rect x="9" y="9" width="11" height="11" rx="2"></rect><path d="M5 15V6a2 2 0 0 1 2-2h9"></path></svg></button><pre><code>indented &lt;i&gt;
      </code></pre></div>"
    `)
  })
  it('the language tag is sanitised before it reaches an attribute or class', () => {
    expect(render('```"><img src=x onerror=alert(1)>\ncode\n```')).toMatchInlineSnapshot(`
      "<div class="md-code"><button type="button" class="md-copy" aria-label="Copy code" title="Copy code"><svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><rect x="9" y="9" width="11" height="11" rx="2"></rect><path d="M5 15V6a2 2 0 0 1 2-2h9"></path></svg></button><pre><code>code
      </code></pre></div>"
    `)
  })
  it('a known language that is not loaded yet renders plain and asks for it', () => {
    const result = renderMarkdown(bareRenderer(), '```rust\nfn main() {}\n```\n\n```js\nlet a\n```')
    expect(result.pending).toBe(true)
    expect([...result.needs.languages]).toEqual(['rust', 'javascript'])
    expect(result.html).toContain('<code class="language-rust">fn main() {}\n</code>')
  })
})

describe('math', () => {
  it('inline $…$ and \\(…\\), not prices', () => {
    const html = render('Euler: $e^{i\\pi}+1=0$, also \\(a_1\\). Prices: $5 and $10.')
    expect(html).toContain('<span class="md-math"><span class="katex">')
    expect(html.match(/class="katex"/g)).toHaveLength(2)
    expect(html).toContain('Prices: $5 and $10.')
  })
  it('display blocks with $$ and \\[ \\]', () => {
    const html = render('$$\n\\frac{a}{b}\n$$\n\n\\[\nx^2\n\\]')
    expect(html.match(/<div class="md-math md-math-display"><span class="katex-display">/g)).toHaveLength(2)
  })
  it('errors are shown as the formula text with the reason as a tooltip', () => {
    expect(render('$\\frac{1}{$ and $\\notacommand{x}$')).toMatchInlineSnapshot(`"<p><span class="md-math md-math-error" title="KaTeX parse error: Unexpected end of input in a macro argument, expected '}' at end of input: \\frac{1}{">$\\frac{1}{$</span> and <span class="md-math md-math-error" title="KaTeX parse error: Undefined control sequence: \\notacommand at position 1: \\̲n̲o̲t̲a̲c̲o̲m̲m̲a̲n̲d̲{x}">$\\notacommand{x}$</span></p>"`)
  })
  it('untrusted commands are refused (trust:false) and sizes are bounded', () => {
    const html = render('$\\href{javascript:alert(1)}{x}$ $\\url{https://e.example}$ $\\includegraphics{https://e.example/a.png}$ $\\htmlData{foo=bar}{x}$ $\\rule{100000em}{100000em}$')
    expect(html).not.toContain('href="javascript')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('data-foo')
    // The rule is clamped to maxSize (20em); only the annotation keeps the source text.
    expect(html).not.toMatch(/(width|height)[:=]"?\d{3,}/)
  })
  it('self-recursive macros stop at maxExpand', () => {
    const started = performance.now()
    const html = render('$\\def\\a{\\a\\a}\\a$')
    expect(performance.now() - started).toBeLessThan(2000)
    expect(html).toContain('md-math-error')
  })
  it('before KaTeX loads, math shows as its source and asks for KaTeX', () => {
    const result = renderMarkdown(bareRenderer(), 'Area $\\pi r^2$')
    expect(result.html).toMatchInlineSnapshot(`"<p>Area <span class="md-math md-math-pending">$\\pi r^2$</span></p>"`)
    expect(result.needs.math).toBe(true)
  })
  it('a $$ block without a closing line before a blank line is not math', () => {
    expect(render('$$\nx\n\ny\n$$')).toMatchInlineSnapshot(`
      "<p>$$
      x</p><p>y
      $$</p>"
    `)
  })
})

describe('raw HTML is text', () => {
  it('block and inline HTML are escaped', () => {
    expect(render('<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> <b>b</b>')).toMatchInlineSnapshot(`"<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>hi &lt;img src=x onerror=alert(1)&gt; &lt;b&gt;b&lt;/b&gt;</p>"`)
  })
})

describe('controls inside rendered Markdown speak the page’s language', () => {
  it('labels the copy button, image placeholders and task boxes in Chinese when the page is Chinese', async () => {
    const { setCurrentLocale } = await import('../../../src/locales')
    const source = '```js\nx\n```\n\n![猫](https://img.example/cat.png)\n\n- [x] done\n- [ ] open\n'
    try {
      setCurrentLocale('zh-CN')
      const html = fullRenderer().render(source)
      expect(html).toContain('aria-label="复制代码"')
      expect(html).toContain('aria-label="从 img.example 加载图片“猫”"')
      expect(html).toContain('aria-label="已完成"')
      expect(html).toContain('aria-label="未完成"')
    } finally {
      setCurrentLocale('en')
    }
    expect(fullRenderer().render(source)).toContain('aria-label="Copy code"')
  })
})
