import type { Theme } from '../core/types'
import { toTheme } from '../core/theme'

/**
 * Settings live in IndexedDB, which answers only after the first paint. The chosen theme is also
 * mirrored here, in localStorage, so main.ts can set it synchronously before the app mounts and a
 * dark-theme user never sees a white frame. Settings stay the source of truth (and the backup).
 */
const MIRROR_KEY = 'inkstream.theme'

/** The theme saved by the last visit, read synchronously; `system` when none or storage is off. */
export function mirroredTheme(): Theme {
  try {
    return toTheme(localStorage.getItem(MIRROR_KEY))
  } catch {
    return 'system'
  }
}

/** Applies a theme to the page at once (CSS reads `data-theme`) and remembers it for the next start. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement
  if (theme === 'system') delete root.dataset.theme
  else root.dataset.theme = theme
  try {
    if (theme === 'system') localStorage.removeItem(MIRROR_KEY)
    else localStorage.setItem(MIRROR_KEY, theme)
  } catch {
    // Storage refused (a private window): the theme still applies for this visit.
  }
}
