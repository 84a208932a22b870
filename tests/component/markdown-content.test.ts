// @vitest-environment happy-dom
// MarkdownContent's DOM patching: what a reader's browser holds while an answer streams, when it
// ends, when it is far from view, and when a language or math arrives late.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { ref } from 'vue'
import MarkdownContent from '../../src/components/markdown/MarkdownContent.vue'
import { MESSAGE_VIEWPORT } from '../../src/components/markdown/nearViewport'
import { fakeIntersectionObserver, manualFrames } from './browser'
import { loadMarkdown } from '../../src/components/markdown/markdownRuntime'

let frames: ReturnType<typeof manualFrames>
const mounted: VueWrapper[] = []

// The renderer is a lazy chunk in the app; these tests start once it has arrived.
beforeAll(async () => {
  await loadMarkdown()
})
beforeEach(() => {
  frames = manualFrames()
})
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
  vi.unstubAllGlobals()
})

type Props = { source: string; streaming: boolean; eager?: boolean }

function render(props: Props, viewport?: HTMLElement) {
  const wrapper = mount(MarkdownContent, {
    props,
    attachTo: document.body,
    global: viewport ? { provide: { [MESSAGE_VIEWPORT as symbol]: ref(viewport) } } : {},
  })
  mounted.push(wrapper)
  return { wrapper, root: wrapper.element as HTMLElement }
}

/** New props, then the animation frame in which the component patches the DOM. */
async function update(wrapper: VueWrapper, props: Partial<Props>): Promise<void> {
  await wrapper.setProps(props)
  frames.flush()
}

/** The finished blocks: every direct child but the open tail. */
function finalBlocks(root: HTMLElement): Element[] {
  return [...root.children].filter((el) => !el.classList.contains('md-tail'))
}

/** A one-shot render of the whole text by the same component, for comparison. */
function oneShotHtml(source: string): string {
  return render({ source, streaming: false, eager: true }).root.innerHTML
}

const DOCUMENT = [
  '# Streaming Markdown',
  '',
  'A first paragraph with **bold**, `code` and a [link](https://example.com/).',
  '',
  '1. one',
  '2. two',
  '   - nested',
  '',
  '| a | b |',
  '|:--|--:|',
  '| 1 | 2 |',
  '',
  '> quoted',
  'lazily',
  '',
  '```',
  'plain code, no language',
  '```',
  '',
  'The last words.',
].join('\n')

/** Deterministic chunk sizes between 1 and 9 characters. */
function chunksOf(text: string): string[] {
  const out: string[] = []
  for (let at = 0, state = 7; at < text.length; ) {
    state = (state * 31 + 11) % 97
    const size = 1 + (state % 9)
    out.push(text.slice(at, at + size))
    at += size
  }
  return out
}

describe('MarkdownContent while streaming', () => {
  it('renders a huge answer that arrived at once a slice a frame, its later blocks in groups, and ends with the one-shot blocks and text', async () => {
    const paragraphs = Array.from({ length: 1000 }, (_, i) => `Paragraph ${i} with **bold** text and 中文, ${'words '.repeat(30)}end.`)
    const source = paragraphs.join('\n\n')
    expect(source.length).toBeGreaterThan(200_000)
    const { wrapper, root } = render({ source: '', streaming: true })
    await wrapper.setProps({ source })
    let rounds = 0
    while (frames.pending > 0) {
      // One frame at a time: each renders a slice and asks for the next.
      const before = root.textContent?.length ?? 0
      frames.flushOne()
      expect(root.textContent?.length ?? 0).toBeGreaterThan(before)
      rounds++
    }
    expect(rounds).toBeGreaterThanOrEqual(3)
    const groups = [...root.querySelectorAll(':scope > .md-group')]
    expect(groups.length).toBe(3)
    for (const group of groups) expect(group.children.length).toBeLessThanOrEqual(200)
    await update(wrapper, { streaming: false })
    expect(root.querySelector('.md-tail')).toBeNull()
    const oneShot = document.createElement('div')
    oneShot.innerHTML = oneShotHtml(source)
    const flat = [...root.children].flatMap((el) => (el.classList.contains('md-group') ? [...el.children] : [el]))
    expect(flat.map((el) => el.outerHTML)).toEqual([...oneShot.children].map((el) => el.outerHTML))
  })

  it('parks a full group far from view off the page (its height kept) and brings the same blocks back near it', async () => {
    const observer = fakeIntersectionObserver()
    const viewport = document.body.appendChild(document.createElement('div'))
    const paragraphs = Array.from({ length: 1000 }, (_, i) => `Paragraph ${i} with **bold** text.`)
    const source = paragraphs.join('\n\n')
    const { wrapper, root } = render({ source, streaming: true }, viewport)
    frames.flush()
    const groups = [...root.querySelectorAll<HTMLElement>(':scope > .md-group')]
    expect(groups.length).toBe(3)
    const [first, , last] = groups as [HTMLElement, HTMLElement, HTMLElement]
    const blocks = [...first.children]
    expect(blocks.length).toBe(200)

    observer.sendFar(first, 4321)
    expect(first.children.length).toBe(0)
    expect(first.style.height).toBe('4321px')
    expect(root.textContent).not.toContain('Paragraph 400 ')
    // The group still filling is never parked: the stream writes into it.
    observer.sendFar(last, 999)
    expect(last.children.length).toBeGreaterThan(0)

    observer.bringNear(first)
    expect([...first.children]).toEqual(blocks)
    expect(first.style.height).toBe('')

    // The finished answer keeps parking; near view again, it holds every block in order.
    observer.sendFar(first, 4321)
    await update(wrapper, { streaming: false })
    expect(first.children.length).toBe(0)
    observer.bringNear(first)
    const flat = [...root.children].flatMap((el) => (el.classList.contains('md-group') ? [...el.children] : [el]))
    expect(flat.map((el) => el.textContent)).toEqual(paragraphs.map((p) => p.replace('**bold**', 'bold')))
    // Going away, it puts its blocks back and stops watching.
    observer.sendFar(first, 4321)
    wrapper.unmount()
    mounted.splice(mounted.indexOf(wrapper), 1)
    expect(first.children.length).toBe(200)
    expect(observer.watching(first)).toBe(false)
  })

  it('keeps every finished block as the same element while the tail grows, and ends equal to a one-shot render', async () => {
    const { wrapper, root } = render({ source: '', streaming: true })
    const kept: Element[] = []
    let source = ''
    for (const chunk of chunksOf(DOCUMENT)) {
      source += chunk
      await update(wrapper, { source })
      const blocks = finalBlocks(root)
      // Earlier final blocks are the very same nodes, in place; new ones only ever join at the end.
      expect(blocks.slice(0, kept.length)).toEqual(kept)
      for (const [index, el] of kept.entries()) expect(blocks[index]).toBe(el)
      kept.push(...blocks.slice(kept.length))
      expect(root.lastElementChild?.classList.contains('md-tail')).toBe(true)
    }
    expect(kept.length).toBeGreaterThanOrEqual(5)
    const heading = root.querySelector('h1')

    await update(wrapper, { streaming: false })
    expect(root.querySelector('.md-tail')).toBeNull()
    for (const [index, el] of kept.entries()) expect(root.children[index]).toBe(el)
    expect(root.querySelector('h1')).toBe(heading)
    expect(root.innerHTML).toBe(oneShotHtml(DOCUMENT))
  })

  it('shows the open tail inside .md-tail, and makes it final blocks when the stream ends', async () => {
    const { wrapper, root } = render({ source: '# Title\n\nFirst paragraph.\n\nStill', streaming: true })
    const tail = root.querySelector('.md-tail')!
    expect(tail).not.toBeNull()
    expect(finalBlocks(root).map((el) => el.outerHTML)).toEqual(['<h1>Title</h1>', '<p>First paragraph.</p>'])
    expect(tail.innerHTML).toBe('<p>Still</p>')

    await update(wrapper, { source: '# Title\n\nFirst paragraph.\n\nStill writing' })
    // The tail element itself stays; only its content is replaced.
    expect(root.querySelector('.md-tail')).toBe(tail)
    expect(tail.innerHTML).toBe('<p>Still writing</p>')

    await update(wrapper, { streaming: false })
    expect(root.querySelector('.md-tail')).toBeNull()
    expect(tail.isConnected).toBe(false)
    expect([...root.children].map((el) => el.outerHTML)).toEqual(['<h1>Title</h1>', '<p>First paragraph.</p>', '<p>Still writing</p>'])
  })

  it('patches once per animation frame, however many updates arrived before it', async () => {
    const { wrapper, root } = render({ source: 'one', streaming: true })
    await wrapper.setProps({ source: 'one two' })
    await wrapper.setProps({ source: 'one two three' })
    expect(root.textContent).toBe('one')
    expect(frames.pending).toBe(1)
    frames.flush()
    expect(root.textContent).toBe('one two three')
  })

  it('shows raw HTML in the text as text, streaming and finished', async () => {
    const source = 'Hello <img src=x onerror="window.__pwn()"> there\n\n<script>window.__pwn()</script>\n\n<div onclick="window.__pwn()">block</div>\n\n[x](javascript:window.__pwn())'
    const { wrapper, root } = render({ source: '', streaming: true })
    const check = () => {
      expect(root.querySelectorAll('img, script, a, [onclick], [onerror]')).toHaveLength(0)
      expect(root.querySelectorAll('div:not(.md-tail)')).toHaveLength(0)
    }
    let shown = ''
    for (const chunk of chunksOf(source)) {
      shown += chunk
      await update(wrapper, { source: shown })
      check()
    }
    await update(wrapper, { streaming: false })
    check()
    expect(root.textContent).toContain('<img src=x onerror="window.__pwn()">')
    expect(root.textContent).toContain('<script>window.__pwn()</script>')
    expect(root.textContent).toContain('<div onclick="window.__pwn()">block</div>')
    const once = render({ source, streaming: false, eager: true }).root
    expect(once.querySelectorAll('img, script, a, div, [onclick], [onerror]')).toHaveLength(0)
    expect(once.textContent).toContain('<script>window.__pwn()</script>')
  })
})

describe('MarkdownContent far from view', () => {
  let observer: ReturnType<typeof fakeIntersectionObserver>
  beforeEach(() => {
    observer = fakeIntersectionObserver()
  })

  it('shows a finished message as plain text until it comes near, then renders it', () => {
    const viewport = document.createElement('div')
    document.body.append(viewport)
    const { root } = render({ source: '# Far away\n\n**bold** text', streaming: false }, viewport)
    expect(root.classList.contains('md-plain')).toBe(true)
    expect(root.textContent).toBe('# Far away\n\n**bold** text')
    expect(root.children).toHaveLength(0)
    expect(observer.watching(root)).toBe(true)

    observer.bringNear(root)
    // Rendered in the next frame, a few messages a frame when a fast scroll brings many near.
    expect(root.classList.contains('md-plain')).toBe(true)
    frames.flush()
    expect(root.classList.contains('md-plain')).toBe(false)
    expect(root.innerHTML).toBe('<h1>Far away</h1><p><strong>bold</strong> text</p>')
    expect(observer.watching(root)).toBe(false)
  })

  it('renders at once when eager, and when eager is set later', async () => {
    const viewport = document.createElement('div')
    document.body.append(viewport)
    const eager = render({ source: '*now*', streaming: false, eager: true }, viewport).root
    expect(eager.innerHTML).toBe('<p><em>now</em></p>')
    expect(observer.watching(eager)).toBe(false)

    const { wrapper, root } = render({ source: '*later*', streaming: false }, viewport)
    expect(root.textContent).toBe('*later*')
    await update(wrapper, { eager: true })
    expect(root.classList.contains('md-plain')).toBe(false)
    expect(root.innerHTML).toBe('<p><em>later</em></p>')
  })

  it('stops waiting when unmounted', () => {
    const viewport = document.createElement('div')
    document.body.append(viewport)
    const { wrapper, root } = render({ source: 'text', streaming: false }, viewport)
    expect(observer.watching(root)).toBe(true)
    wrapper.unmount()
    mounted.splice(mounted.indexOf(wrapper), 1)
    expect(observer.watching(root)).toBe(false)
  })
})

// The runtime loads each language and KaTeX once per page, so each test below waits for a
// different one. It announces a load on an animation frame, which is how these tests drive it.
describe('MarkdownContent when a language or math loads late', () => {
  // KaTeX warns in quirks mode; the app's page has a doctype, happy-dom does not report one.
  beforeEach(() => {
    Object.defineProperty(document, 'compatMode', { value: 'CSS1Compat', configurable: true })
  })
  /** Runs frames until the runtime has announced the load and the component caught up. */
  async function untilLoaded(check: () => void): Promise<void> {
    await vi.waitFor(
      () => {
        frames.flush()
        check()
      },
      { timeout: 4_000, interval: 20 },
    )
  }

  it('a finished code block is swapped for its highlighted render while streaming; the blocks around it stay', async () => {
    const code = '```python\ndef answer():\n    return 42\n```'
    const { wrapper, root } = render({ source: `Intro.\n\n${code}\n\nAfter the code.\n\nStill`, streaming: true })
    const [intro, block, after] = finalBlocks(root)
    expect(block?.classList.contains('md-code')).toBe(true)
    expect(block?.querySelector('code')?.classList.contains('hljs')).toBe(false)
    expect(block?.querySelector('code')?.textContent).toBe('def answer():\n    return 42\n')

    await untilLoaded(() => expect(root.querySelector('code.hljs .hljs-keyword')).not.toBeNull())
    const now = finalBlocks(root)
    expect(now).toHaveLength(3)
    expect(now[0]).toBe(intro)
    expect(now[1]).not.toBe(block)
    expect(block?.isConnected).toBe(false)
    expect(now[2]).toBe(after)
    expect(now[1]?.querySelector('code')?.textContent).toBe('def answer():\n    return 42\n')

    await update(wrapper, { source: `Intro.\n\n${code}\n\nAfter the code.\n\nStill here.`, streaming: false })
    expect(finalBlocks(root).slice(0, 3)).toEqual(now)
    expect(root.innerHTML).toBe(oneShotHtml(`Intro.\n\n${code}\n\nAfter the code.\n\nStill here.`))
  })

  it('after the stream ended, only the block that waited for math is swapped', async () => {
    const source = 'Before.\n\n$$\nx^2 + y^2\n$$\n\nAfter.'
    const { wrapper, root } = render({ source, streaming: true })
    await update(wrapper, { streaming: false })
    const [before, math, after] = [...root.children]
    // KaTeX has not arrived yet: the formula is shown as its source.
    expect(root.querySelector('.katex')).toBeNull()
    expect(math?.textContent).toContain('x^2 + y^2')

    await untilLoaded(() => expect(root.querySelector('.katex')).not.toBeNull())
    expect(root.children).toHaveLength(3)
    expect(root.children[0]).toBe(before)
    expect(root.children[1]).not.toBe(math)
    expect(root.children[2]).toBe(after)
    expect(root.querySelector('.md-tail')).toBeNull()
    expect(root.innerHTML).toBe(oneShotHtml(source))
  })

  it('a message rendered in one go is rendered again once its language is there', async () => {
    const source = 'Rust:\n\n```rust\nfn main() {}\n```'
    const { root } = render({ source, streaming: false, eager: true })
    expect(root.querySelector('code')?.classList.contains('hljs')).toBe(false)
    await untilLoaded(() => expect(root.querySelector('code.hljs.language-rust .hljs-keyword')).not.toBeNull())
    expect(root.querySelector('code')?.textContent).toBe('fn main() {}\n')
  })
})
