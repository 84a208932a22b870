import { describe, expect, it } from 'vitest'
import { createStreamingMarkdown, type MarkdownRenderer } from '../../../src/core/markdown'
import { bareRenderer, createView, fullRenderer } from './setup'

/** Deterministic pseudo-random chunk sizes. */
function* chunks(text: string, seed: number, maxSize = 12): Generator<string> {
  let state = seed
  let at = 0
  while (at < text.length) {
    state = (state * 1103515245 + 12345) % 2147483648
    const size = 1 + (state % maxSize)
    yield text.slice(at, at + size)
    at += size
  }
}

function streamInChunks(renderer: MarkdownRenderer, text: string, seed: number, maxSize?: number) {
  const stream = createStreamingMarkdown(renderer)
  const view = createView()
  for (const chunk of chunks(text, seed, maxSize)) {
    stream.append(chunk)
    view.apply(stream.update())
  }
  view.apply(stream.finish())
  return view
}

const DOCUMENTS: Record<string, string> = {
  chat: [
    '你好！Here is an overview of **streaming** Markdown.',
    '',
    '## Steps',
    '',
    '1. Parse the *tail* only',
    '2. Keep finished blocks',
    '   - nested item',
    '   - another one with `code`',
    '3. Repeat',
    '',
    'A paragraph that continues',
    'lazily over lines, then a table:',
    '',
    '| language | year |',
    '|:--|--:|',
    '| Python | 1991 |',
    '| Rust | 2015 |',
    '',
    '```python',
    'def hello(name):',
    '    print(f"hi {name}")',
    '',
    '',
    'hello("世界")',
    '```',
    '',
    '> A quote',
    'with a lazy line',
    '',
    '> - and a list inside',
    '',
    'Math: $E = mc^2$ and',
    '',
    '$$',
    '\\int_0^1 x^2\\,dx = \\frac{1}{3}',
    '$$',
    '',
    '- [ ] task',
    '- [x] done',
    '',
    '---',
    '',
    'The end ~~really~~.',
  ].join('\n'),
  lists: [
    '- tight',
    '- list',
    '',
    '- becomes loose after a blank line',
    '',
    '',
    '- still the same list',
    '',
    'para',
    '',
    '3. starts at three',
    '',
    '4. loose ordered',
    '10. ten',
    '',
    '2',
    '3. new list after a paragraph "2"',
    '',
    '* star list',
    '+ plus list',
    '',
    '- item with',
    '',
    '  a continuation paragraph',
    '',
    '      indented code inside the item',
    '',
    'Setext heading',
    '--------------',
    '',
    'Another',
    '===',
  ].join('\n'),
  fences: [
    'Text before',
    '~~~js',
    'const a = "```"',
    '~~~',
    '    indented code',
    '',
    '    more indented code after a blank line',
    '',
    '````md',
    '```',
    'inner fence',
    '```',
    '````',
    '',
    '```ts',
    'let x: number = 1',
    '```',
    'Paragraph right after a fence.',
    '',
    '```',
    'never closed',
  ].join('\n'),
  references: [
    'Links: [early] and [late][l] and ![img][pic].',
    '',
    '[early]: https://early.example/',
    '',
    'A middle paragraph [early].',
    '',
    '- list [late]',
    '',
    '[l]: https://late.example/ "Late"',
    '[late]: https://late.example/two',
    "'not a title'",
    '',
    '[pic]: https://img.example/p.png',
    '[title-next]: https://t.example/',
    '"Title on the next line"',
    'para after [title-next]',
  ].join('\n'),
  tricky: [
    '# Heading',
    'para right after a heading',
    '***',
    '> quote',
    '> > nested',
    '> back',
    '',
    'term  ',
    'hard break',
    '',
    '| no | table |',
    'because no delimiter row',
    '',
    '| a |',
    '| - |',
    '| 1 |',
    'row without pipes',
    '',
    '\\[',
    'x + y',
    '\\]',
    '$$ inline $$ display',
    '',
    'Windows line\r\nendings\r\n\r\nand a lone\rCR.',
    '<div onclick="x()">html stays text</div>',
    '',
    'trailing spaces   ',
  ].join('\n'),
}

describe('streaming render equals the one-shot render', () => {
  const renderer = fullRenderer()

  for (const [name, doc] of Object.entries(DOCUMENTS)) {
    it(`${name}: every prefix renders without throwing and finishes equal to a one-shot render`, () => {
      for (let end = 0; end <= doc.length; end++) {
        const prefix = doc.slice(0, end)
        const view = streamInChunks(renderer, prefix, end + 1, 7)
        expect(view.html, `prefix of length ${end}`).toBe(renderer.render(prefix))
      }
    }, 60_000)

    it(`${name}: fed one character at a time, frozen blocks are always final`, () => {
      const full = renderer.render(doc)
      const stream = createStreamingMarkdown(renderer)
      const view = createView()
      let resets = 0
      for (const ch of doc) {
        stream.append(ch)
        const update = stream.update()
        if (update.reset) resets++
        view.apply(update)
        // What was frozen is never revised: it is already the start of the final HTML.
        if (name !== 'references') expect(full.startsWith(view.finalHtml), `after ${JSON.stringify(ch)}`).toBe(true)
      }
      const last = stream.finish()
      view.apply(last)
      expect(view.html).toBe(full)
      expect(resets).toBe(0)
    })

    it(`${name}: setText with the growing text gives the same result`, () => {
      const stream = createStreamingMarkdown(renderer)
      const view = createView()
      let text = ''
      for (const chunk of chunks(doc, 7, 30)) {
        text += chunk
        stream.setText(text)
        view.apply(stream.update())
      }
      view.apply(stream.finish())
      expect(view.html).toBe(renderer.render(doc))
    })
  }

  it('freezes blocks as they finish and keeps only the open block in the tail', () => {
    const stream = createStreamingMarkdown(renderer)
    stream.append('# Title\n\nFirst paragraph.\n\nSecond')
    const update = stream.update()
    expect(update.newlyFinalHtml).toEqual(['<h1>Title</h1>', '<p>First paragraph.</p>'])
    expect(update.tailHtml).toBe('<p>Second</p>')
    stream.append(' paragraph.')
    expect(stream.update()).toMatchObject({ reset: false, newlyFinalHtml: [], tailHtml: '<p>Second paragraph.</p>' })
  })

  it('does not freeze a block whose successor is still on an unfinished line (`2` may become `2.`)', () => {
    const stream = createStreamingMarkdown(renderer)
    stream.append('1. one\n\n2')
    expect(stream.update().newlyFinalHtml).toEqual([])
    stream.append('. two\n\nafter\n\nx')
    const update = stream.update()
    expect(update.newlyFinalHtml).toEqual(['<ol><li><p>one</p></li><li><p>two</p></li></ol>', '<p>after</p>'])
  })

  it('an open code fence renders as plain code and is highlighted once it closes', () => {
    const stream = createStreamingMarkdown(renderer)
    stream.append('```python\nx = 1\n')
    const open = stream.update()
    expect(open.tailHtml).toContain('<code class="language-python">x = 1\n</code>')
    stream.append('```\n')
    const closed = stream.update()
    expect(closed.tailHtml).toContain('<code class="hljs language-python">x = <span class="hljs-number">1</span>')
  })

  it('hides a last line that is only a block marker so far (no flicker from `` to a code block)', () => {
    const stream = createStreamingMarkdown(renderer)
    stream.append('Intro\n\n``')
    expect(stream.update().tailHtml).toBe('<p>Intro</p>')
    stream.append('`js\n')
    expect(stream.update().tailHtml).toContain('<pre><code class="language-js">')
  })

  it('falls back to one full render when a reference definition arrives after its use was frozen', () => {
    const stream = createStreamingMarkdown(renderer)
    const view = createView()
    for (const part of ['See [doc].\n\n', 'More text.\n\n', '[doc]: https://doc.example/\n', '\nEnd.']) {
      stream.append(part)
      view.apply(stream.update())
    }
    expect(view.finalHtml).toContain('<p>See [doc].</p>')
    const last = stream.finish()
    expect(last.reset).toBe(true)
    view.apply(last)
    expect(view.html).toBe(renderer.render('See [doc].\n\nMore text.\n\n[doc]: https://doc.example/\n\nEnd.'))
  })

  it('restarts when the text is replaced instead of extended', () => {
    const stream = createStreamingMarkdown(renderer)
    const view = createView()
    stream.setText('<think>reasoning</think>\n\nAnswer')
    view.apply(stream.update())
    stream.setText('')
    const cleared = stream.update()
    expect(cleared.reset).toBe(true)
    view.apply(cleared)
    stream.setText('Answer only')
    view.apply(stream.update())
    view.apply(stream.finish())
    expect(view.html).toBe('<p>Answer only</p>')
  })

  it('CRLF split across chunks is one line break', () => {
    const view = createView()
    const stream = createStreamingMarkdown(renderer)
    for (const part of ['a\r', '\n\r', '\nb\r', '\r', 'c']) {
      stream.append(part)
      view.apply(stream.update())
    }
    view.apply(stream.finish())
    expect(view.html).toBe(renderer.render('a\r\n\r\nb\r\rc'))
  })

  it('after math and languages load, rerender() shows every block with them', () => {
    const late: MarkdownRenderer = bareRenderer()
    const stream = createStreamingMarkdown(late)
    const view = createView()
    stream.append('$x$\n\n```python\npass\n```\n\nopen')
    const first = stream.update()
    expect(first.needs.math).toBe(true)
    expect([...first.needs.languages]).toEqual(['python'])
    view.apply(first)
    expect(stream.pending).toBe(true)
    const ready = fullRenderer()
    // Swap the engines in, as the app does when the lazy chunks arrive.
    late.setMathEngine({ renderToString: (tex, options) => ready.render(options.displayMode ? `$$${tex}$$` : `$${tex}$`).slice(3, -4) })
    late.setHighlighter({ highlight: (code) => `<b>${code}</b>` })
    const again = stream.rerender()
    // Only the two blocks that waited are rendered again; the tail is re-rendered as always.
    expect(again.reset).toBe(false)
    expect(again.replaced.map((r) => r.index)).toEqual([0, 1])
    view.apply(again)
    expect(view.html).toContain('class="katex"')
    expect(view.html).toContain('<b>pass\n</b>')
    expect(stream.pending).toBe(false)
  })
})

describe('catching up after a language loads', () => {
  it('rerender with a budget does a block at a time and ends equal to rendering everything at once', () => {
    const late: MarkdownRenderer = bareRenderer()
    const stream = createStreamingMarkdown(late)
    const view = createView()
    const text = ['```python\na = 1\n```', '```python\nb = 2\n```', '```python\nc = 3\n```', 'end'].join('\n\n')
    stream.append(text)
    view.apply(stream.update())
    late.setHighlighter({ highlight: (code) => `<b>${code}</b>` })
    const rounds: number[][] = []
    for (;;) {
      const update = stream.rerender({ budgetMs: 0 })
      rounds.push(update.replaced.map((r) => r.index))
      view.apply(update)
      if (!update.more) break
    }
    // A zero budget still makes progress: one block per call.
    expect(rounds).toEqual([[0], [1], [2]])
    expect(stream.pending).toBe(false)
    view.apply(stream.finish())
    expect(view.html).toBe(late.render(text))
  })
})

describe('cost per token does not grow with the answer', () => {
  const renderer = bareRenderer()
  const paragraph = 'Some **bold** text with `code` and a [link](https://example.com/) in a sentence that goes on. '
  const block = `${paragraph.repeat(3)}\n\n- item one\n- item two\n\n\`\`\`js\nconst x = 1\n\`\`\`\n\n`

  function streamTime(repeats: number): number {
    const text = block.repeat(repeats)
    const started = performance.now()
    const stream = createStreamingMarkdown(renderer)
    for (const chunk of chunks(text, 3, 8)) {
      stream.append(chunk)
      stream.update()
    }
    stream.finish()
    return performance.now() - started
  }

  it('streaming 4× the text takes about 4× the time (not 16×)', () => {
    streamTime(8) // warm up the JIT
    // Quadratic work misses the bound in every round; a burst of load on a shared machine, in one.
    const ratios: number[] = []
    for (let round = 0; round < 3; round++) {
      const small = Math.min(streamTime(8), streamTime(8), streamTime(8))
      const large = Math.min(streamTime(32), streamTime(32))
      ratios.push(large / small)
      if (large / small < 8) break
    }
    expect(Math.min(...ratios), `ratios ${ratios.map((r) => r.toFixed(1)).join(', ')}`).toBeLessThan(8)
  }, 60_000)
})
