import { describe, expect, it } from 'vitest'
import { advance, combineUpdates, createStreamingMarkdown, createTextFeed, type StreamingUpdate } from '../../../src/core/markdown'
import { createView, fullRenderer } from './setup'

describe('createTextFeed', () => {
  it('gives all of a short text at once, and a huge one a slice at a time ending at a line end', () => {
    const feed = createTextFeed(1000)
    expect(feed.end('short', 0, 0)).toBe(5)
    const text = 'line of text\n'.repeat(1000)
    const end = feed.end(text, 0, 100)
    expect(end).toBeLessThanOrEqual(1000)
    expect(end).toBeGreaterThan(500)
    expect(text[end - 1]).toBe('\n')
  })

  it('never ends a slice inside a surrogate pair', () => {
    const feed = createTextFeed(1000)
    const text = '😀'.repeat(2000)
    const end = feed.end(text, 0, 0)
    expect(end % 2).toBe(0)
    expect(feed.end(text, 1, 10)).toBe(1000)
  })

  it('halves the slice after a slow catch-up frame and grows it after quick ones, within bounds', () => {
    const text = 'x'.repeat(1_000_000)
    const feed = createTextFeed(65_536)
    expect(feed.end(text, 0, 1000)).toBe(65_536)
    expect(feed.end(text, 65_536, 1200)).toBe(65_536 + 32_768)
    expect(feed.end(text, 0, 1210)).toBe(49_152)
    for (let t = 1220; t < 1400; t += 10) feed.end(text, 0, t)
    expect(feed.end(text, 0, 1410)).toBe(262_144)
    for (let t = 2000; t < 9000; t += 1000) feed.end(text, 0, t)
    expect(feed.end(text, 0, 10_000)).toBe(8_192)
  })
})

describe('advance', () => {
  const renderer = fullRenderer()
  const doc = [
    '# Long answer\n\n',
    ...Array.from({ length: 300 }, (_, i) =>
      i % 7 === 0
        ? '```python\nprint("块 ' + i + '")\n```\n\n'
        : i % 11 === 0
          ? '| a | b |\n|---|---|\n| 1 | $x^' + i + '$ |\n\n'
          : '段落 ' + i + ' with **bold** and 😀 '.repeat(20) + '\n\n',
    ),
  ].join('')

  it('a whole text fed in budgeted steps shows what a one-shot render shows', () => {
    const stream = createStreamingMarkdown(renderer)
    const shown = createView()
    let time = 0
    // Each step "takes" 10 ms, so a 24 ms budget stops after three steps.
    const clock = () => (time += 10)
    let from = 0
    let calls = 0
    while (from < doc.length) {
      const { end, update } = advance(stream, doc, from, doc.length, 24, clock)
      expect(end).toBeGreaterThan(from)
      shown.apply(update)
      from = end
      calls++
    }
    shown.apply(stream.finish())
    expect(calls).toBeGreaterThan(1)
    expect(shown.html).toBe(renderer.render(doc))
  })

  it('stops at the limit, never past it, and never inside a surrogate pair', () => {
    const text = '😀'.repeat(10_000)
    const stream = createStreamingMarkdown(renderer)
    const { end } = advance(stream, text, 0, 7_001, 1_000, () => 0)
    expect(end).toBe(7_001)
    const other = createStreamingMarkdown(renderer)
    const first = advance(other, text, 0, text.length, 0, () => 0)
    expect(first.end % 2).toBe(0)
  })

  it('combineUpdates: a reset in the second update wins; otherwise final blocks add up and needs merge', () => {
    const needs = (math: boolean, ...languages: string[]) => ({ math, languages: new Set(languages) })
    const a: StreamingUpdate = { reset: true, newlyFinalHtml: ['<p>1</p>'], tailHtml: '<p>t</p>', replaced: [], needs: needs(true, 'js') }
    const b: StreamingUpdate = { reset: false, newlyFinalHtml: ['<p>2</p>'], tailHtml: '<p>u</p>', replaced: [{ index: 0, html: '<p>1!</p>' }], needs: needs(false, 'py') }
    const both = combineUpdates(a, b)
    expect(both).toMatchObject({ reset: true, newlyFinalHtml: ['<p>1</p>', '<p>2</p>'], tailHtml: '<p>u</p>', replaced: [{ index: 0, html: '<p>1!</p>' }] })
    expect(both.needs.math).toBe(true)
    expect([...both.needs.languages].sort()).toEqual(['js', 'py'])
    expect(combineUpdates(b, { ...a, newlyFinalHtml: ['<p>x</p>'] }).newlyFinalHtml).toEqual(['<p>x</p>'])
  })
})
