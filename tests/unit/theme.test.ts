import { describe, expect, it } from 'vitest'
import { THEMES, toTheme } from '../../src/core/theme'

describe('theme', () => {
  it('lists system first, then light and dark', () => {
    expect(THEMES).toEqual(['system', 'light', 'dark'])
  })

  it('reads a stored value back as a theme; anything else follows the system', () => {
    expect(toTheme('dark')).toBe('dark')
    expect(toTheme('light')).toBe('light')
    expect(toTheme('system')).toBe('system')
    for (const other of [null, undefined, '', 'Dark', 'sepia', 1]) expect(toTheme(other)).toBe('system')
  })
})
