import type { Theme } from './types'

/** Every theme, in the order the theme menu lists them. */
export const THEMES: readonly Theme[] = ['system', 'light', 'dark']

/** A stored value read back as a theme; anything else (nothing stored, a typo) follows the system. */
export function toTheme(value: unknown): Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value) ? (value as Theme) : 'system'
}
