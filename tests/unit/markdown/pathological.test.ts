import { describe, expect, it } from 'vitest'
import { fullRenderer } from './setup'

const renderer = fullRenderer()

/** Best-of-five times of rendering `small` and `large`, interleaved so a burst of load hits both. */
function timesOf(small: string, large: string): [number, number] {
  const best: [number, number] = [Infinity, Infinity]
  renderer.render(small) // warm up
  for (let i = 0; i < 5; i++) {
    ;[small, large].forEach((text, k) => {
      const started = performance.now()
      renderer.render(text)
      best[k] = Math.min(best[k]!, performance.now() - started)
    })
  }
  return best
}

/** Generators of hostile input of about `n` characters (threat model test 6). */
const INPUTS: Record<string, (n: number) => string> = {
  'run of *': (n) => '*'.repeat(n),
  'run of _': (n) => 'a_'.repeat(n / 2),
  'run of [': (n) => '['.repeat(n),
  'run of backticks': (n) => '`'.repeat(n),
  'alternating backtick runs': (n) => Array.from({ length: n / 20 }, (_, i) => '`'.repeat((i % 10) + 1) + 'x ').join(''),
  'unclosed links': (n) => '[a]('.repeat(n / 4),
  'unclosed images': (n) => '![a'.repeat(n / 3),
  'nested brackets': (n) => '['.repeat(n / 2) + ']'.repeat(n / 2),
  'emphasis mix': (n) => '*a **b _c __d '.repeat(n / 14),
  'dollars': (n) => '$a $b '.repeat(n / 6),
  'math openers': (n) => '\\( \\[ '.repeat(n / 6),
  'html comments': (n) => '<!--'.repeat(n / 4),
  'quotes': (n) => '"\''.repeat(n / 2),
  'deep blockquotes': (n) => '>'.repeat(n / 2) + ' x',
  'deep lists': (n) => Array.from({ length: Math.min(n / 10, 1000) }, (_, i) => `${'  '.repeat(i)}- x`).join('\n'),
  'long table': (n) => '| a | b |\n|---|---|\n' + '| 1 | 2 |\n'.repeat(n / 10),
  'one long line': (n) => 'word '.repeat(n / 5),
  'long url': (n) => `https://example.com/${'a'.repeat(n)}`,
  'many $$ lines': (n) => '$$\nx\n'.repeat(n / 5),
  'many fences': (n) => '```\n'.repeat(n / 4),
  'reference definitions': (n) => Array.from({ length: n / 20 }, (_, i) => `[r${i}]: https://e.example/${i}`).join('\n'),
}

describe('pathological Markdown renders in near-linear time', () => {
  for (const [name, make] of Object.entries(INPUTS)) {
    it(name, () => {
      const small = make(12_500)
      const large = make(100_000)
      // 8× the input: linear ≈ 8×, quadratic ≈ 64×. The bound sits between the two with room for a
      // loaded machine; a floor absorbs timer noise on tiny times. A quadratic renderer misses it in
      // every round, while a burst of load on a shared machine spoils one round, not three.
      let seen = ''
      for (let round = 0; round < 3; round++) {
        const [t1, t8] = timesOf(small, large)
        seen += ` ${t1.toFixed(1)} ms → ${t8.toFixed(1)} ms;`
        if (t8 < Math.max(24 * t1, 60)) return
      }
      expect.fail(`${name} grows faster than linearly:${seen}`)
    }, 60_000)
  }

  it('1000-deep nesting does not overflow the stack', () => {
    expect(() => renderer.render('> '.repeat(1000) + 'x')).not.toThrow()
    expect(() => renderer.render(Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n'))).not.toThrow()
    expect(() => renderer.render('['.repeat(1000) + 'x' + ']'.repeat(1000) + '(https://e.example)')).not.toThrow()
  })
})
