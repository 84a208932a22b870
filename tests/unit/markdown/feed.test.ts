import { describe, expect, it } from 'vitest'
import { createTextFeed } from '../../../src/core/markdown'

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
